package io.vfiomigrate.iommufd.testing;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.context.ObjectKind;
import io.vfiomigrate.iommufd.device.AccessOps;
import io.vfiomigrate.iommufd.device.HwptPaging;
import io.vfiomigrate.iommufd.device.IommufdAccess;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.testing.HostDump;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A simulated host shaped like the iommufd selftest's, one context on it, and wrappers that
 * check every invariant (spec F.4 to F.6) after each operation.
 *
 * <p>Memory of pid {@link #PID}: {@link #BUFFER} (16 anonymous pages, the selftest's
 * {@code buffer}), {@link #HUGE} (4 MiB of 2 MiB hugetlb), {@link #BIG} (2 MiB anonymous,
 * the buffer of {@code iommufd_fail_nth.c}).
 * Groups 1 to 9 sit behind the mock IOMMU (so their devices share one automatic domain per
 * IOAS); groups 11 to 19 behind a second, incompatible mock IOMMU.
 */
public final class IommufdFixture {
  public static final long P = 4096;
  public static final long MOCK_PAGE_SIZE = IommuSpec.MOCK_IO_PAGE_SIZE;
  public static final long MOCK_APERTURE_START = IommuSpec.MOCK_APERTURE_START;
  public static final long BUFFER_SIZE = 16 * P;
  public static final int PID = 100;
  public static final int UID = 1000;
  public static final long BUFFER = 0x7f0000000000L;
  public static final long HUGE = 0x7f0040000000L;
  public static final long HUGE_SIZE = 4L << 20;
  public static final long BIG = 0x7f0080000000L;
  public static final long BIG_SIZE = 2L << 20;
  public static final IommuSpec MOCK = IommuSpec.mock();
  public static final IommuSpec MOCK_B = IommuSpec.mock().named("mock-b");

  /** A device of {@code group} bound and attached through an automatic domain. */
  public record MockDomain(int group, int deviceId, int hwptId) {}

  public final Host host;
  public final IommufdContext ctx;
  public final Task task;
  private final List<IommufdContext> contexts = new ArrayList<>();
  private final Set<Integer> boundGroups = new HashSet<>();

  public IommufdFixture() {
    this(defaultConfig(TaskSpec.of(PID, UID, 1L << 40)));
  }

  public IommufdFixture(HostConfig config) {
    host = new Host(config);
    ctx = IommufdContext.open(host);
    contexts.add(ctx);
    task = host.task(PID);
  }

  /** The selftest-like layout for {@code task}, plus the mock IOMMU groups. */
  public static HostConfig defaultConfig(TaskSpec task) {
    HostConfig.Builder b = HostConfig.builder().task(task)
        .region(RegionSpec.of(task.pid(), BUFFER, BUFFER_SIZE, Backing.ANON))
        .region(RegionSpec.of(task.pid(), HUGE, HUGE_SIZE, Backing.HUGETLB_2M))
        .region(RegionSpec.of(task.pid(), BIG, BIG_SIZE, Backing.ANON));
    for (int g = 1; g < 10; g++) {
      b.groupIommu(g, MOCK);
      b.groupIommu(g + 10, MOCK_B);
    }
    return b.build();
  }

  /** Opens another context on the same host; its invariants are checked too. */
  public IommufdContext open() {
    IommufdContext other = IommufdContext.open(host);
    contexts.add(other);
    return other;
  }

  /** Checks every context's invariants and the host's accounting against all their pages. */
  public void check() {
    for (IommufdContext c : contexts) {
      c.checkInvariants();
    }
    IommufdContext.checkAccounting(host, contexts);
  }

  /** Runs {@code op} and checks the invariants. */
  public <T> T op(Supplier<T> op) {
    T result = op.get();
    check();
    return result;
  }

  /** Runs {@code op} and checks the invariants. */
  public void run(Runnable op) {
    op.run();
    check();
  }

  /** Asserts that {@code call} fails with {@code errno}, then checks the invariants. */
  public void fails(Errno errno, ThrowingCallable call) {
    assertErrno(errno, call);
    check();
  }

  /** As {@link #fails}, and the state (context and host) is exactly as before. */
  public void failsUnchanged(Errno errno, ThrowingCallable call) {
    String before = state();
    fails(errno, call);
    assertThat(state()).isEqualTo(before);
  }

  /** The whole state of every context and the host, for comparisons. */
  public String state() {
    StringBuilder out = new StringBuilder();
    for (IommufdContext c : contexts) {
      out.append(c.dumpState()).append('\n');
    }
    return out.append(HostDump.of(host)).toString();
  }

  public int ioasAlloc() {
    return op(ctx::ioasAlloc);
  }

  public long mapFixed(int ioasId, long uptr, long length, long iova) {
    return op(() -> ctx.ioasMap(task, IoasMapRequest.fixed(ioasId, uptr, length, iova)));
  }

  public long map(int ioasId, long uptr, long length) {
    return op(() -> ctx.ioasMap(task, IoasMapRequest.anywhere(ioasId, uptr, length)));
  }

  public long unmap(int ioasId, long iova, long length) {
    return op(() -> ctx.ioasUnmap(ioasId, iova, length));
  }

  public long copy(IoasCopyRequest request) {
    return op(() -> ctx.ioasCopy(request));
  }

  /** {@code test_cmd_mock_domain}: a device behind the mock IOMMU attached to {@code ptId}. */
  public MockDomain mockDomain(int ptId) {
    return attachNew(freeGroup(1), ptId);
  }

  /** A device behind the second mock IOMMU: always a domain of its own. */
  public MockDomain mockDomainB(int ptId) {
    return attachNew(freeGroup(11), ptId);
  }

  private int freeGroup(int first) {
    for (int g = first; g < first + 9; g++) {
      if (!boundGroups.contains(g)) {
        return g;
      }
    }
    throw new IllegalStateException("no free mock group from " + first);
  }

  private MockDomain attachNew(int group, int ptId) {
    int deviceId = op(() -> ctx.deviceBind(group));
    try {
      int hwptId = op(() -> ctx.deviceAttach(deviceId, ptId));
      MockDomain domain = new MockDomain(group, deviceId, hwptId);
      boundGroups.add(group);
      return domain;
    } catch (RuntimeException e) {
      ctx.deviceUnbind(deviceId);
      throw e;
    }
  }

  /** {@code test_ioctl_destroy(stdev_id)}: the mock device goes away. */
  public void destroyMockDomain(MockDomain domain) {
    run(() -> ctx.deviceUnbind(domain.deviceId()));
    boundGroups.remove(domain.group());
  }

  /** The domain of HWPT {@code hwptId}. */
  public IommuDomain domain(int hwptId) {
    return ((HwptPaging) ctx.objects().get(hwptId, ObjectKind.HWPT_PAGING)).domain();
  }

  /**
   * {@code IOMMU_TEST_OP_MD_CHECK_MAP}: every 2 KiB of {@code [iova, iova + length)} maps the
   * user byte it should in {@code domain}.
   */
  public void assertMockIova(IommuDomain domain, long uptr, long iova, long length) {
    for (long off = 0; off < length; off += MOCK_PAGE_SIZE) {
      long vaddr = uptr + off;
      long expected = host.memory().pfnAt(task.mm(), vaddr) * P + vaddr % P;
      assertThat(domain.iovaToPhys(iova + off)).as("%s at iova %x", domain, iova + off)
          .hasValue(expected);
    }
  }

  /** Closes the context and checks the selftest teardown: no pin and no warning left. */
  public void teardown() {
    closeLeavingNoPin();
    assertThat(host.log().warnings()).as("kernel warnings").isEmpty();
  }

  /** Closes every context; no page stays pinned and every counter is back to zero. */
  public void closeLeavingNoPin() {
    contexts.forEach(IommufdContext::close);
    assertThat(host.memory().pinnedPages()).as("pins after close").isZero();
    assertThat(task.user().lockedVm()).isZero();
    assertThat(task.mm().lockedVm()).isZero();
    assertThat(task.mm().pinnedVm()).isZero();
  }

  /** FOLL_PIN count of the page at {@code vaddr} of {@link #PID}. */
  public long pins(long vaddr) {
    return host.memory().pinCount(task.mm(), vaddr);
  }

  /** {@code check_refs}: every page of {@code [vaddr, vaddr + length)} has {@code refs} pins. */
  public void assertRefs(long vaddr, long length, long refs) {
    for (long a = vaddr; a < vaddr + length; a += P) {
      assertThat(pins(a)).as("pins of %x", a).isEqualTo(refs);
    }
  }

  /** The selftest's access: remembers its pins and unpins every one a callback touches. */
  public SelftestAccess access(boolean needsPinPages) {
    SelftestAccess access = new SelftestAccess(needsPinPages);
    access.access = op(() -> ctx.accessCreate(access));
    return access;
  }

  /** {@code iommufd_test_access_unmap}: a well-behaved driver. */
  public final class SelftestAccess implements AccessOps {
    private final boolean needsPinPages;
    private final List<long[]> pins = new ArrayList<>();
    IommufdAccess access;
    private int callbacks;

    SelftestAccess(boolean needsPinPages) {
      this.needsPinPages = needsPinPages;
    }

    public IommufdAccess access() {
      return access;
    }

    public int callbacks() {
      return callbacks;
    }

    /** {@code IOMMU_TEST_OP_ACCESS_PAGES}: returns an id to unpin with. */
    public int pin(long iova, long length, boolean write) {
      PinnedPages pages = op(() -> access.pinPages(iova, length, write));
      assertThat(pages.npages()).isEqualTo(pagesCovered(iova, length));
      pins.add(new long[] {iova, length});
      return pins.size() - 1;
    }

    /** {@code IOMMU_TEST_OP_DESTROY_ACCESS_PAGES}; false if the kernel already dropped it. */
    public boolean unpin(int id) {
      long[] pin = pins.get(id);
      if (pin == null) {
        return false;
      }
      pins.set(id, null);
      run(() -> access.unpinPages(pin[0], pin[1]));
      return true;
    }

    public int held() {
      return (int) pins.stream().filter(p -> p != null).count();
    }

    @Override
    public boolean needsPinPages() {
      return needsPinPages;
    }

    @Override
    public void unmap(IommufdAccess unused, long iova, long length) {
      callbacks++;
      long last = iova + length - 1;
      for (int i = 0; i < pins.size(); i++) {
        long[] pin = pins.get(i);
        if (pin != null && Long.compareUnsigned(pin[0], last) <= 0
            && Long.compareUnsigned(iova, pin[0] + pin[1] - 1) <= 0) {
          pins.set(i, null);
          access.unpinPages(pin[0], pin[1]);
        }
      }
    }
  }

  private static long pagesCovered(long iova, long length) {
    return ((iova % P) + length + P - 1) / P;
  }
}
