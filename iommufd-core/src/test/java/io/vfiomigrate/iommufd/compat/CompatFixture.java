package io.vfiomigrate.iommufd.compat;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.testing.HostDump;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The compat backend on the selftest-like host of {@link IommufdFixture} (groups 1 to 9 behind
 * the mock IOMMU, 11 to 19 behind a second mock, others behind the default x86 IOMMU) plus
 * {@link #MMIO}, a 16-page BAR mapping of the task; one container opened by the task. Every
 * wrapper checks the backend's invariants (which balance the whole host) after the call.
 */
final class CompatFixture {
  static final long P = IommufdFixture.P;
  /** A BAR mmap (VM_PFNMAP) of the task. */
  static final long MMIO = 0x7f00c0000000L;
  /** A group behind the default (x86, VT-d like) IOMMU. */
  static final int X86_GROUP = 30;

  final Host host;
  final Task task;
  final CompatBackend backend;
  final VfioCompatContainer container;

  CompatFixture() {
    this(TaskSpec.of(IommufdFixture.PID, IommufdFixture.UID, 1L << 40));
  }

  CompatFixture(TaskSpec task) {
    HostConfig base = IommufdFixture.defaultConfig(task);
    HostConfig.Builder b = HostConfig.builder().task(task);
    base.regions().forEach(b::region);
    b.region(RegionSpec.of(task.pid(), MMIO, 16 * P, Backing.MMIO));
    base.groupIommus().forEach(b::groupIommu);
    host = new Host(b.build());
    this.task = host.task(task.pid());
    backend = new CompatBackend(host);
    container = (VfioCompatContainer) backend.openContainer(this.task);
  }

  void check() {
    backend.checkInvariants();
  }

  <T> T op(Supplier<T> op) {
    T result = op.get();
    check();
    return result;
  }

  void run(Runnable op) {
    op.run();
    check();
  }

  void fails(Errno errno, ThrowingCallable call) {
    assertErrno(errno, call);
    check();
  }

  void failsUnchanged(Errno errno, ThrowingCallable call) {
    String before = state();
    fails(errno, call);
    assertThat(state()).isEqualTo(before);
  }

  /** Asserts {@code errno} and the size the kernel writes back with it (empty for none). */
  KernelException fails(Errno errno, OptionalLong writtenBack, Runnable call) {
    try {
      call.run();
    } catch (KernelException e) {
      assertThat(e.errno()).as("errno of: %s", e.getMessage()).isEqualTo(errno);
      assertThat(e.partialResult()).as("written back with %s", errno).isEqualTo(writtenBack);
      check();
      return e;
    }
    throw new AssertionError("succeeded, expected " + errno);
  }

  String state() {
    return backend.dumpState() + HostDump.of(host);
  }

  /** Closes the container: no pin and no counter is left, and the kernel logged nothing. */
  void teardown() {
    run(container::close);
    assertThat(host.memory().pinRefs()).as("pins after close").isZero();
    assertThat(task.mm().lockedVm()).isZero();
    assertThat(task.mm().pinnedVm()).isZero();
    assertThat(task.user().lockedVm()).isZero();
    assertThat(host.log().warnings()).as("kernel warnings").isEmpty();
  }
}
