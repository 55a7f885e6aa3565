package io.vfiomigrate.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.Mm;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One backend on its own host, driven step by step: every step, failed or not, is followed by
 * the backend's invariant check (its WARN_ON conditions and spec F, balanced against the whole
 * host), and a failed step must leave the state as it was unless the kernel says otherwise.
 */
final class BackendUnderTest {
  /** {@code VmLck} and {@code VmPin} of a task, in pages. */
  record Vm(long locked, long pinned) {
    @Override
    public String toString() {
      return locked + "/" + pinned;
    }
  }

  final ContractBackend kind;
  final Host host;
  final VfioBackend backend;
  private final List<Type1Container> opened = new ArrayList<>();

  BackendUnderTest(ContractBackend kind) {
    this(kind, ContractHost.config());
  }

  BackendUnderTest(ContractBackend kind, HostConfig config) {
    this.kind = kind;
    this.host = new Host(config);
    this.backend = kind.create(host);
  }

  /** This backend's expected value. */
  <T> T expect(T type1, T compat) {
    return kind.pick(type1, compat);
  }

  Type1Container open(int pid) {
    Type1Container container = step(() -> backend.openContainer(host.task(pid)));
    opened.add(container);
    return container;
  }

  void step(Runnable op) {
    op.run();
    backend.checkInvariants();
  }

  <T> T step(Supplier<T> op) {
    T result = op.get();
    backend.checkInvariants();
    return result;
  }

  /** Runs a step that must fail; returns the failure after checking the invariants. */
  KernelException fails(Runnable op) {
    try {
      op.run();
    } catch (KernelException e) {
      backend.checkInvariants();
      return e;
    }
    throw new AssertionError(kind + ": succeeded, expected a failure");
  }

  /** A step that must fail with {@code errno} and change nothing. */
  void failsUnchanged(Errno errno, Runnable op) {
    String before = state();
    KernelException e = fails(op);
    assertThat(e.errno()).as("%s: errno of %s", kind, e.getMessage()).isEqualTo(errno);
    assertThat(state()).as("%s: state after %s", kind, e.getMessage()).isEqualTo(before);
  }

  /** A step that must fail with {@code errno}, writing {@code writtenBack} back (or nothing). */
  void fails(Errno errno, OptionalLong writtenBack, Runnable op) {
    KernelException e = fails(op);
    assertThat(e.errno()).as("%s: errno of %s", kind, e.getMessage()).isEqualTo(errno);
    assertThat(e.partialResult()).as("%s: written back with %s", kind, errno)
        .isEqualTo(writtenBack);
  }

  /** Either {@code ok} succeeds ({@code errno == null}) or it fails unchanged with errno. */
  void outcome(Errno errno, Runnable op) {
    if (errno == null) {
      step(op);
    } else {
      failsUnchanged(errno, op);
    }
  }

  Vm vm(int pid) {
    Mm mm = host.task(pid).mm();
    return new Vm(mm.lockedVm(), mm.pinnedVm());
  }

  /** The same counters in MM-accounted compat, only VmLck in type1 (which never pins_vm). */
  Vm charged(long pages) {
    return expect(new Vm(pages, 0), new Vm(pages, pages));
  }

  String state() {
    return backend.dumpState() + host.snapshot() + "\n" + host.memory().dumpPins();
  }

  /** Closes every container opened here: no pin and no counter may be left. */
  void closeAll() {
    for (Type1Container container : opened) {
      step(container::close);
    }
    assertThat(host.memory().pinRefs()).as("%s: pins after close", kind).isZero();
    host.tasks().forEach(t -> assertThat(new Vm(t.mm().lockedVm(), t.mm().pinnedVm()))
        .as("%s: pid %d after close", kind, t.pid()).isEqualTo(new Vm(0, 0)));
  }
}
