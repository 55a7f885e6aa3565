package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.BAR;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.READ_ONLY;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.host.FaultPoint;
import org.junit.jupiter.api.Test;

/** The mdev pin path (spec A.7): vfio_pin_pages, vfio_unpin_pages and vfio_dma_rw. */
class ExternalPinTest {
  private static final long IOVA = 0x100000;

  private static Type1Fixture.Mdev mdevOnly() {
    return Type1Fixture.unlimited().mdevOnly();
  }

  @Test
  void pinCountsAreCheckedByTheContainerPath() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, THP, 1024);
    assertErrno(Errno.EINVAL, () -> m.pin(IOVA, 0));
    assertErrno(Errno.E2BIG, () -> m.pin(IOVA, 513));
    assertThat(m.pin(IOVA, 512).npages()).isEqualTo(512);
    assertThat(m.f().lockedVm()).isEqualTo(512);
    assertThat(m.pin(IOVA, -1).npages()).isZero();
  }

  @Test
  void v1ContainersCannotPin() {
    Type1Fixture v1 = Type1Fixture.unlimited();
    Type1Fixture.Mdev m = v1.attachMdev(10);
    v1.setIommu(IommuType.TYPE1);
    m.f().map(IOVA, ANON, 4);
    assertErrno(Errno.EACCES, () -> m.pin(IOVA, 1));
    m.device().unpinPages(IOVA, 1);
    assertThat(m.f().host.log().warnings().get(0).function())
        .isEqualTo("vfio_iommu_type1_unpin_pages");
  }

  @Test
  void repeatedPinsTakeReferencesAndChargeOnceWithoutADomain() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, ANON, 1024);
    assertThat(m.f().lockedVm()).isZero();
    m.pin(IOVA, 4);
    assertThat(m.f().lockedVm()).isEqualTo(4);
    PinnedPages again = m.pin(IOVA, 1);
    assertThat(again.pfn(0)).isEqualTo(m.f().host.memory().pfnAt(m.f().task.mm(), ANON));
    assertThat(m.f().lockedVm()).isEqualTo(4);
    assertThat(m.f().pinCount(ANON)).isOne();
    m.unpin(IOVA, 1);
    assertThat(m.f().lockedVm()).isEqualTo(4);
    m.unpin(IOVA, 4);
    assertThat(m.f().lockedVm()).isZero();
    assertThat(m.f().pinRefs()).isZero();
    m.f().closeAndAssertClean();
  }

  @Test
  void aPinCallIsAllOrNothing() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, ANON, 8);
    m.pin(IOVA + 4 * P, 2);
    String before = m.f().state();
    // Pages 0..5 pin (4 and 5 by reference), page 8 is not mapped.
    assertErrno(Errno.EINVAL, () -> m.pin(IOVA, 9));
    assertThat(m.f().state()).isEqualTo(before);
    assertThat(m.f().warnings()).isZero();
  }

  @Test
  void theLimitOfTheMappingTaskIsCheckedPageByPage() {
    Type1Fixture.Mdev m = Type1Fixture.withLimit(2).mdevOnly();
    m.f().map(IOVA, ANON, 8);
    assertErrno(Errno.ENOMEM, () -> m.pin(IOVA, 4));
    assertThat(m.f().lockedVm()).isZero();
    assertThat(m.f().pinRefs()).isZero();
    m.pin(IOVA, 2);
    assertThat(m.f().lockedVm()).isEqualTo(2);
    // A repeat is not a new charge.
    m.pin(IOVA + P, 1);
    assertErrno(Errno.ENOMEM, () -> m.pin(IOVA + 2 * P, 1));
  }

  @Test
  void mmioAndUnmappedIovasAreEinvalAndProtBeyondTheMappingIsEperm() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, BAR, 16);
    m.f().map(m.f().task, DmaMapRequest.of(ANON, 2 * IOVA, 4 * P, true, false));
    assertErrno(Errno.EINVAL, () -> m.pin(IOVA, 1));
    assertErrno(Errno.EINVAL, () -> m.pin(3 * IOVA, 1));
    assertErrno(Errno.EINVAL, () -> m.pin(2 * IOVA + 1, 1));
    assertErrno(Errno.EPERM, () -> m.pin(2 * IOVA, 1, Prot.WRITE));
    m.pin(2 * IOVA, 1, Prot.READ);
    m.pin(2 * IOVA + P, 1, Prot.NONE);
    assertThat(m.f().lockedVm()).isEqualTo(2);
    assertThat(m.f().pinRefs()).isEqualTo(2);
  }

  @Test
  void aRemoteFaultOrPinFailureLeavesNothingBehind() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, 0x70000000L, 4);
    assertErrno(Errno.EFAULT, () -> m.pin(IOVA, 1));
    m.f().map(2 * IOVA, READ_ONLY, 4);
    assertErrno(Errno.EFAULT, () -> m.pin(2 * IOVA, 1));
    m.f().map(3 * IOVA, ANON, 4);
    m.f().host.faults().arm(FaultPoint.PIN, 3);
    assertErrno(Errno.ENOMEM, () -> m.pin(3 * IOVA, 4));
    m.f().host.faults().disarm();
    assertThat(m.f().pinRefs()).isZero();
    assertThat(m.f().lockedVm()).isZero();
  }

  @Test
  void withADomainExternalPinsAreSecondPinsOnPagesChargedOnce() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    Type1Fixture.Mdev mdev = f.attachMdev(10);
    f.map(IOVA, THP, 1024);
    mdev.pin(IOVA, 4);
    assertThat(f.lockedVm()).isEqualTo(1024);
    assertThat(f.pinnedPages()).isEqualTo(1024);
    assertThat(f.pinRefs()).isEqualTo(1028);
    assertThat(f.pinCount(THP + 3 * P)).isEqualTo(2);
    assertThat(f.pinCount(THP + 4 * P)).isEqualTo(1);
    mdev.unpin(IOVA, 4);
    assertThat(f.pinRefs()).isEqualTo(1024);
    assertThat(f.lockedVm()).isEqualTo(1024);
    f.closeAndAssertClean();
  }

  @Test
  void pinnedFramesComeBackAsPhysicallyContiguousRanges() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, THP, 8);
    m.f().map(2 * IOVA, ANON, 8);
    PinnedPages huge = m.pin(IOVA, 8);
    assertThat(huge.runs()).containsExactly(
        new PinnedPages.PfnRange(m.f().host.memory().pfnAt(m.f().task.mm(), THP), 8));
    assertThat(m.pin(2 * IOVA, 8).runs()).hasSize(8);
  }

  @Test
  void unpinWarnsOnlyWhereNoMappingIs() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, ANON, 4);
    m.device().unpinPages(IOVA, 4);
    assertThat(m.f().warnings()).isZero();
    m.device().unpinPages(IOVA + 2 * P, 4);
    m.device().unpinPages(IOVA, 0);
    m.device().unpinPages(IOVA, 513);
    assertThat(m.f().host.log().warnings()).extracting(w -> w.function()).containsExactly(
        "vfio_iommu_type1_unpin_pages", "vfio_device_container_unpin_pages",
        "vfio_device_container_unpin_pages");
    m.f().backend.checkInvariants();
  }

  @Test
  void anUnpinStopsAtTheFirstUnmappedPageAndKeepsWhatFollows() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, ANON, 2);
    m.f().map(IOVA + 3 * P, ANON + 3 * P, 1);
    m.pin(IOVA, 2);
    m.pin(IOVA + 3 * P, 1);
    m.device().unpinPages(IOVA, 4);
    assertThat(m.f().lockedVm()).isEqualTo(1);
    assertThat(m.f().warnings()).isOne();
    m.f().backend.checkInvariants();
  }

  @Test
  void dmaRwNeedsReadPermissionAndWritePermissionForWrites() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, ANON, 4);
    m.f().map(IOVA + 4 * P, ANON + 4 * P, 4);
    m.f().map(m.f().task, DmaMapRequest.of(ANON + 8 * P, 2 * IOVA, P, true, false));
    m.f().map(m.f().task, DmaMapRequest.of(ANON + 9 * P, 3 * IOVA, P, false, true));
    String before = m.f().state();
    m.device().dmaRw(IOVA + 100, 7 * P, true);
    m.device().dmaRw(2 * IOVA, P, false);
    assertErrno(Errno.EPERM, () -> m.device().dmaRw(2 * IOVA, 8, true));
    assertErrno(Errno.EPERM, () -> m.device().dmaRw(3 * IOVA, 8, false));
    assertErrno(Errno.EPERM, () -> m.device().dmaRw(3 * IOVA, 8, true));
    assertErrno(Errno.EINVAL, () -> m.device().dmaRw(IOVA + 7 * P, 2 * P, false));
    assertErrno(Errno.EINVAL, () -> m.device().dmaRw(IOVA, 0, false));
    assertThat(m.f().state()).isEqualTo(before);
  }

  @Test
  void dmaRwFaultsOnMissingOrReadOnlyUserMemory() {
    Type1Fixture.Mdev m = mdevOnly();
    m.f().map(IOVA, 0x70000000L, 1);
    m.f().map(2 * IOVA, READ_ONLY, 1);
    assertErrno(Errno.EFAULT, () -> m.device().dmaRw(IOVA, 8, false));
    m.device().dmaRw(2 * IOVA, 8, false);
    assertErrno(Errno.EFAULT, () -> m.device().dmaRw(2 * IOVA, 8, true));
    assertThat(m.f().lockedVm()).isZero();
  }
}
