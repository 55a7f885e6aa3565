package io.vfiomigrate.contract;

import static io.vfiomigrate.api.Errno.E2BIG;
import static io.vfiomigrate.api.Errno.EACCES;
import static io.vfiomigrate.api.Errno.EDEADLOCK;
import static io.vfiomigrate.api.Errno.EINVAL;
import static io.vfiomigrate.api.Errno.ENOENT;
import static io.vfiomigrate.api.Errno.ENOMEM;
import static io.vfiomigrate.api.Errno.EPERM;
import static io.vfiomigrate.contract.ContractHost.BAR;
import static io.vfiomigrate.contract.ContractHost.GROUP;
import static io.vfiomigrate.contract.ContractHost.MB;
import static io.vfiomigrate.contract.ContractHost.MDEV;
import static io.vfiomigrate.contract.ContractHost.MDEV2;
import static io.vfiomigrate.contract.ContractHost.P;
import static io.vfiomigrate.contract.ContractHost.PID;
import static io.vfiomigrate.contract.ContractHost.PID_L2;
import static io.vfiomigrate.contract.ContractHost.RAM;
import static io.vfiomigrate.contract.ContractHost.READ_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.contract.BackendUnderTest.Vm;
import io.vfiomigrate.host.KernelWarning;
import io.vfiomigrate.host.Task;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mdev route: vfio_pin_pages, vfio_unpin_pages and vfio_dma_rw through an emulated group,
 * type1's container path against iommufd's access (spec A.7 against B.8).
 */
class PinContractTest {
  /** A container of {@code pid} with one emulated group and, if asked, a passthrough one. */
  private static final class Guest {
    final BackendUnderTest k;
    final Task task;
    final Type1Container c;
    final TrackingMdevDriver driver;
    final VfioDevice mdev;

    Guest(ContractBackend backend, int pid, boolean passthrough, IommuType type,
        UnmapPolicy policy) {
      k = new BackendUnderTest(backend);
      task = k.host.task(pid);
      c = k.open(pid);
      if (passthrough) {
        k.step(() -> c.attachIommuGroup(task, GROUP));
      }
      driver = new TrackingMdevDriver(policy, P);
      mdev = k.step(() -> c.attachEmulatedGroup(task, MDEV, driver));
      k.step(() -> c.setIommu(task, type));
    }

    Guest(ContractBackend backend, boolean passthrough) {
      this(backend, PID, passthrough, IommuType.TYPE1V2, UnmapPolicy.UNPIN);
    }

    void map(long vaddr, long iova, long size, boolean write) {
      k.step(() -> c.mapDma(task, DmaMapRequest.of(vaddr, iova, size, true, write)));
    }

    PinnedPages pin(long iova, int npage, Prot prot) {
      return k.step(() -> driver.pin(mdev, iova, npage, prot));
    }

    void unpin(long iova, int npage) {
      k.step(() -> driver.unpin(mdev, iova, npage));
    }
  }

  /**
   * Spec C3, oracle c3-mdev-pins-no-iommu-domain and c3-mdev-pin-over-rlimit: without a domain
   * nothing is pinned at map time, pins are charged once per page (a repeat shares it), and a
   * pin over the limit fails atomically in both.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void pinsWithoutADomainAreChargedPerPage(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    g.map(RAM, 0, 4 * MB, true);
    assertThat(g.k.vm(PID)).isEqualTo(new Vm(0, 0));
    g.pin(0, 4, Prot.READ_WRITE);
    g.pin(0, 1, Prot.READ_WRITE);
    assertThat(g.k.vm(PID)).isEqualTo(g.k.charged(4));
    g.unpin(0, 1);
    assertThat(g.k.vm(PID)).isEqualTo(g.k.charged(4));
    g.unpin(0, 4);
    assertThat(g.k.vm(PID)).isEqualTo(new Vm(0, 0));
    g.k.closeAll();

    Guest small = new Guest(backend, PID_L2, false, IommuType.TYPE1V2, UnmapPolicy.UNPIN);
    small.map(RAM, 0, 4 * MB, true);
    small.k.failsUnchanged(ENOMEM, () -> small.mdev.pinPages(0, 4, Prot.READ_WRITE));
    small.pin(0, 2, Prot.READ_WRITE);
    small.k.failsUnchanged(ENOMEM, () -> small.mdev.pinPages(2 * P, 1, Prot.READ_WRITE));
    small.unpin(0, 2);
    small.k.closeAll();
  }

  /**
   * Spec C4, oracle c4-mdev-pins-with-iommu-domain: with a domain the pins charge nothing more;
   * type1 takes a second FOLL_PIN per page for its vfio_pfn, iommufd copies the PFNs from the
   * domain (pinned exactly once). Unmapping notifies the driver, which unpins.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void pinsUnderADomainChargeNothingMore(ContractBackend backend) {
    Guest g = new Guest(backend, true);
    g.map(RAM, MB, 4 * MB, true);
    g.pin(MB, 4, Prot.READ_WRITE);
    assertThat(g.k.vm(PID)).isEqualTo(g.k.charged(1024));
    assertThat(g.k.host.memory().pinCount(g.task.mm(), RAM)).isEqualTo(g.k.expect(2L, 1L));
    assertThat(g.k.step(() -> g.c.unmapDma(g.task, DmaUnmapRequest.range(MB, 4 * MB))))
        .isEqualTo(4 * MB);
    assertThat(g.driver.pins()).isEmpty();
    assertThat(g.driver.callbacks()).isEqualTo(1);
    g.k.closeAll();
  }

  /**
   * Spec A.2 and B.8, oracle pin-more-than-512-e2big: the container path refuses more than
   * VFIO_PIN_PAGES_MAX_ENTRIES (512) pages per call; the iommufd branch has no such limit.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void the512PageLimit(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    g.map(RAM, 0, 4 * MB, true);
    g.k.outcome(g.k.expect(E2BIG, null), () -> g.driver.pin(g.mdev, 0, 513, Prot.READ_WRITE));
    g.pin(2 * MB, 512, Prot.READ_WRITE);
    assertThat(g.k.vm(PID)).as("page 512 is in both pins").isEqualTo(
        g.k.charged(g.k.expect(512, 1024)));
    g.driver.pins().forEach(pin -> g.unpin(pin.iova(), pin.npage()));
    g.k.closeAll();
  }

  /**
   * Spec B.8: the iommufd branch pins from ALIGN_DOWN(iova, PAGE_SIZE) and unpins the same
   * aligned range. 6.12's type1 keys the vfio_pfn by the unaligned IOVA as given; the type1
   * model refuses such pins with EINVAL instead (a documented deviation, ExternalPinner).
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void unalignedPinIova(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    g.map(RAM, MB, MB, true);
    long unaligned = MB + 0x234;
    if (backend == ContractBackend.TYPE1) {
      g.k.failsUnchanged(EINVAL, () -> g.mdev.pinPages(unaligned, 2, Prot.READ));
    } else {
      PinnedPages pages = g.pin(unaligned, 2, Prot.READ);
      assertThat(pages.pfn(0)).isEqualTo(g.k.host.memory().pfnAt(g.task.mm(), RAM));
      assertThat(g.k.vm(PID)).isEqualTo(g.k.charged(2));
      g.unpin(unaligned, 2);
      assertThat(g.k.vm(PID)).isEqualTo(new Vm(0, 0));
    }
    assertThat(g.k.host.log().warnings()).isEmpty();
    g.k.closeAll();
  }

  /**
   * Oracle pin-unmapped-iova, pin-write-on-readonly-map, pin-through-type1-v1-eacces: an
   * unmapped page is EINVAL in type1 (no vfio_dma) and ENOENT in iommufd (a hole in the
   * areas), also when only the tail is unmapped; permissions are EPERM in both; only type1
   * refuses pins in a v1 container (EACCES).
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void pinErrors(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    g.map(RAM, MB, MB, true);
    g.k.step(() -> g.c.mapDma(g.task, DmaMapRequest.of(READ_ONLY, 4 * MB, MB, true, false)));
    g.k.failsUnchanged(g.k.expect(EINVAL, ENOENT), () -> g.mdev.pinPages(3 * MB, 1, Prot.READ));
    g.k.failsUnchanged(g.k.expect(EINVAL, ENOENT),
        () -> g.mdev.pinPages(2 * MB - 2 * P, 4, Prot.READ));
    g.k.failsUnchanged(EPERM, () -> g.mdev.pinPages(4 * MB, 1, Prot.WRITE));
    g.pin(4 * MB, 1, Prot.READ);
    g.pin(2 * MB - 2 * P, 2, Prot.READ_WRITE);
    assertThat(g.k.vm(PID)).isEqualTo(g.k.charged(3));
    g.driver.pins().forEach(pin -> g.unpin(pin.iova(), pin.npage()));
    g.k.closeAll();

    Guest v1 = new Guest(backend, PID, false, IommuType.TYPE1, UnmapPolicy.UNPIN);
    v1.map(RAM, MB, MB, true);
    v1.k.outcome(v1.k.expect(EACCES, null), () -> v1.driver.pin(v1.mdev, MB, 4, Prot.READ));
    assertThat(v1.k.vm(PID)).isEqualTo(v1.k.expect(new Vm(0, 0), new Vm(4, 4)));
    v1.driver.pins().forEach(pin -> v1.unpin(pin.iova(), pin.npage()));
    v1.k.closeAll();
  }

  /**
   * Spec C6, oracle c6-mmio-bar-mdev-pin: type1 maps the BAR but refuses to pin a frame that
   * is not a valid page (EINVAL); iommufd never mapped it (EFAULT), so the pin finds a hole.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void pinOfAnMmioPage(ContractBackend backend) {
    Guest g = new Guest(backend, true);
    g.k.outcome(g.k.expect(null, Errno.EFAULT), () -> g.c.mapDma(g.task,
        DmaMapRequest.of(BAR, 2 * MB, MB, true, true)));
    g.k.failsUnchanged(g.k.expect(EINVAL, ENOENT), () -> g.mdev.pinPages(2 * MB, 1, Prot.READ));
    g.k.closeAll();
  }

  /** Oracle two-mdevs-pin-same-pages: charged once (type1 vfio_pfn refs, iommufd's xarray). */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void twoMdevsPinTheSamePages(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    TrackingMdevDriver other = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice second = g.k.step(() -> g.c.attachEmulatedGroup(g.task, MDEV2, other));
    g.map(RAM, 0, MB, true);
    g.pin(0, 8, Prot.READ_WRITE);
    g.k.step(() -> other.pin(second, 0, 8, Prot.READ_WRITE));
    assertThat(g.k.vm(PID)).isEqualTo(g.k.charged(8));
    assertThat(g.k.step(() -> g.c.unmapDma(g.task, DmaUnmapRequest.unmapAll()))).isEqualTo(MB);
    assertThat(g.driver.pins()).isEmpty();
    assertThat(other.pins()).isEmpty();
    g.k.closeAll();
  }

  /**
   * Oracle unpin-never-pinned: vfio_unpin_pages returns nothing and changes nothing for a pin
   * that was never taken; type1 silently skips a mapped page without vfio_pfn, iommufd WARNs
   * that no pin matches exactly ({@code iommufd_access_unpin_pages}). An unmapped IOVA is a
   * WARN in both.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void unpinOfWhatWasNeverPinned(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    g.map(RAM, 0, MB, true);
    g.pin(0, 4, Prot.READ);
    String before = g.k.state();
    g.k.step(() -> g.mdev.unpinPages(8 * P, 2));
    g.k.step(() -> g.mdev.unpinPages(4 * MB, 1));
    assertThat(g.k.state()).isEqualTo(before);
    assertThat(g.k.host.log().warnings()).extracting(KernelWarning::function)
        .containsExactlyElementsOf(g.k.expect(List.of("vfio_iommu_type1_unpin_pages"),
            List.of("iommufd_access_unpin_pages", "iommufd_access_unpin_pages")));
    g.unpin(0, 4);
    g.k.closeAll();
  }

  /** vfio_dma_rw: no pin kept, nothing charged; a hole is EINVAL (type1) or ENOENT (iommufd). */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void dmaRw(ContractBackend backend) {
    Guest g = new Guest(backend, false);
    g.map(RAM, 0, MB, true);
    g.k.step(() -> g.c.mapDma(g.task, DmaMapRequest.of(READ_ONLY, 4 * MB, MB, true, false)));
    String before = g.k.state();
    g.k.step(() -> g.mdev.dmaRw(0x10, 3 * P, true));
    g.k.step(() -> g.mdev.dmaRw(4 * MB, P, false));
    assertThat(g.k.state()).isEqualTo(before);
    g.k.failsUnchanged(EPERM, () -> g.mdev.dmaRw(4 * MB, P, true));
    g.k.failsUnchanged(g.k.expect(EINVAL, ENOENT), () -> g.mdev.dmaRw(2 * MB, P, false));
    g.k.failsUnchanged(EINVAL, () -> g.mdev.dmaRw(0, 0, false));
    g.k.closeAll();
  }

  /**
   * A driver that keeps its pins (UnmapPolicy.IGNORE): type1 re-notifies the same vfio_dma and
   * hits BUG_ON after ten retries (KernelBug in vfio_dma_do_unmap); iommufd asks the access 100
   * times, WARNs and fails the unmap with EDEADLOCK, writing back 0. The pins stay in both;
   * once the driver lets them go the unmap works and nothing is left.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void aDriverThatKeepsItsPins(ContractBackend backend) {
    Guest g = new Guest(backend, PID, true, IommuType.TYPE1V2, UnmapPolicy.IGNORE);
    g.map(RAM, MB, MB, true);
    g.pin(MB + 4 * P, 4, Prot.READ);
    DmaUnmapRequest unmap = DmaUnmapRequest.range(MB, MB);
    if (backend == ContractBackend.TYPE1) {
      try {
        g.c.unmapDma(g.task, unmap);
        throw new AssertionError("type1 unmap survived a driver that keeps its pins");
      } catch (KernelBug bug) {
        assertThat(bug.site()).isEqualTo("vfio_dma_do_unmap");
      }
      g.k.backend.checkInvariants();
    } else {
      g.k.fails(EDEADLOCK, OptionalLong.of(0), () -> g.c.unmapDma(g.task, unmap));
      assertThat(g.k.host.log().warnings()).extracting(KernelWarning::function)
          .containsExactly("iopt_unmap_iova_range");
    }
    assertThat(g.driver.callbacks()).isEqualTo(g.k.expect(11L, 101L));
    assertThat(g.driver.pins()).hasSize(1);
    assertThat(g.k.host.memory().pinCount(g.task.mm(), RAM + 4 * P))
        .isEqualTo(g.k.expect(2L, 1L));
    g.unpin(MB + 4 * P, 4);
    assertThat(g.k.step(() -> g.c.unmapDma(g.task, unmap))).isEqualTo(MB);
    g.k.closeAll();
  }
}
