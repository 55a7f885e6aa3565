package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.IommuSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attach, replay, detach and release (spec A.8), and the device combinations the mdev support
 * was tested with in its review: passthrough only, vGPU only, both, and hot-plug of each while
 * the other is in use. Figures are pages: locked_vm of the mapping task, distinct pinned pages,
 * and pin references.
 */
class AttachReplayTest {
  private static final long IOVA = 0x100000;
  /** A 1024-page guest RAM buffer of 2 MiB pages. */
  private static final int RAM = 1024;

  private static void assertFigures(Type1Fixture f, long lockedVm, long pinnedPages,
      long pinRefs) {
    assertThat(new long[] {f.lockedVm(), f.pinnedPages(), f.pinRefs()})
        .as("locked_vm, pinned pages, pin references")
        .containsExactly(lockedVm, pinnedPages, pinRefs);
  }

  @Test
  void passthroughOnly() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, THP, RAM);
    assertFigures(f, 1024, 1024, 1024);
    f.unmap(IOVA, RAM);
    assertFigures(f, 0, 0, 0);
    f.closeAndAssertClean();
  }

  @Test
  void vgpuOnly() {
    Type1Fixture f = Type1Fixture.unlimited();
    Type1Fixture.Mdev vgpu = f.attachMdev(10);
    f.setIommu(IommuType.TYPE1V2);
    f.map(IOVA, THP, RAM);
    assertFigures(f, 0, 0, 0);
    vgpu.pin(IOVA, 4);
    assertFigures(f, 4, 4, 4);
    f.unmap(IOVA, RAM);
    assertThat(vgpu.driver().callbacks()).isOne();
    assertFigures(f, 0, 0, 0);
    f.closeAndAssertClean();
  }

  @Test
  void passthroughAndVgpuTogether() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    Type1Fixture.Mdev vgpu = f.attachMdev(10);
    f.map(IOVA, THP, RAM);
    assertFigures(f, 1024, 1024, 1024);
    vgpu.pin(IOVA, 4);
    assertFigures(f, 1024, 1024, 1028);
    f.unmap(IOVA, RAM);
    assertFigures(f, 0, 0, 0);
    f.closeAndAssertClean();
  }

  @Test
  void hotPlugAndUnplugAVgpuWhilePassthroughExists() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, THP, RAM);
    Type1Fixture.Mdev vgpu = f.attachMdev(10);
    assertFigures(f, 1024, 1024, 1024);
    vgpu.pin(IOVA + 8 * P, 4);
    assertFigures(f, 1024, 1024, 1028);
    vgpu.releaseAll();
    f.detach(10);
    assertFigures(f, 1024, 1024, 1024);
    f.unmap(IOVA, RAM);
    assertFigures(f, 0, 0, 0);
    f.closeAndAssertClean();
  }

  @Test
  void hotPlugAndUnplugPassthroughWhileVgpuPinsExist() {
    Type1Fixture f = Type1Fixture.unlimited();
    Type1Fixture.Mdev vgpu = f.attachMdev(10);
    f.setIommu(IommuType.TYPE1V2);
    f.map(IOVA, THP, RAM);
    vgpu.pin(IOVA, 4);
    assertFigures(f, 4, 4, 4);
    // vfio_iommu_replay pins all 1024 and charges the 1020 without a vfio_pfn.
    f.attachIommu(1);
    assertFigures(f, 1024, 1024, 1028);
    assertThat(f.pinCount(THP)).isEqualTo(2);
    // vfio_iommu_unmap_unpin_reaccount: unlocked 1024, locked 4.
    f.detach(1);
    assertFigures(f, 4, 4, 4);
    vgpu.unpin(IOVA, 4);
    assertFigures(f, 0, 0, 0);
    // And again, now that nothing is pinned.
    f.attachIommu(1);
    assertFigures(f, 1024, 1024, 1024);
    f.closeAndAssertClean();
  }

  @Test
  void hotPlugOfPassthroughWithALimitTooSmallForTheReplayFailsCleanly() {
    Type1Fixture f = Type1Fixture.withLimit(1000);
    Type1Fixture.Mdev vgpu = f.attachMdev(10);
    f.setIommu(IommuType.TYPE1V2);
    f.map(IOVA, ANON, RAM);
    vgpu.pin(IOVA, 4);
    String before = f.state();
    assertErrno(Errno.ENOMEM, () -> f.attachIommu(1));
    assertThat(f.state()).isEqualTo(before);
    assertFigures(f, 4, 4, 4);
    vgpu.releaseAll();
    f.closeAndAssertClean();
  }

  @Test
  void compatibleGroupsShareADomainAndOthersGetACopy() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, THP, RAM);
    long warnings = f.warnings();
    f.attachIommu(2);
    VfioIommu iommu = f.iommu();
    assertThat(iommu.domains()).hasSize(1);
    assertThat(iommu.domains().get(0).groups()).containsExactly(2, 1);
    f.attachIommu(3);
    assertThat(iommu.domains()).hasSize(2);
    IommuDomain copy = iommu.domains().get(0).domain();
    assertThat(copy.spec()).isEqualTo(Type1Fixture.SECOND_IOMMU);
    assertThat(copy.entryCount()).isEqualTo(2);
    assertThat(copy.iovaToPhys(IOVA)).hasValue(f.host.memory().pfnAt(f.task.mm(), THP) * P);
    assertFigures(f, 1024, 1024, 1024);
    // The first domain leaves; the copy carries on alone.
    f.detach(1);
    f.detach(2);
    assertThat(iommu.domains()).hasSize(1);
    assertThat(iommu.domains().get(0).domain()).isSameAs(copy);
    assertFigures(f, 1024, 1024, 1024);
    assertThat(f.unmap(IOVA, RAM)).isEqualTo(RAM * P);
    assertThat(copy.mappedBytes()).isZero();
    assertThat(f.warnings()).isEqualTo(warnings);
    f.closeAndAssertClean();
  }

  @Test
  void aNewApertureMustCoverEveryMapping() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, ANON, 1);
    String before = f.state();
    assertErrno(Errno.EINVAL, () -> f.attachIommu(4));
    assertThat(f.state()).isEqualTo(before);
    f.unmap(IOVA, 1);
    f.attachIommu(4);
    assertThat(f.info(1024).iovaRanges()).hasSize(1);
    f.closeAndAssertClean();
  }

  @Test
  void aMappingOverAReservedRegionBlocksTheAttach() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachMdev(10);
    f.setIommu(IommuType.TYPE1V2);
    f.map(0xfee00000L, ANON, 1);
    assertErrno(Errno.EINVAL, () -> f.attachIommu(1));
    f.map(0x1000000L, ANON + P, 1);
    f.unmap(0xfee00000L, 1);
    f.attachIommu(1);
    assertErrno(Errno.EINVAL, () -> f.attachIommu(6));
    f.closeAndAssertClean();
  }

  @Test
  void attachIsBusyWhileAVaddrIsInvalid() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, ANON, 4);
    f.unmap(new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, IOVA, 4 * P));
    assertErrno(Errno.EBUSY, () -> f.attachIommu(2));
    assertErrno(Errno.EBUSY, () -> f.attachMdev(10));
    f.closeAndAssertClean();
  }

  @Test
  void theReplayPinsFromTheAttachingProcessAsIn612() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachMdev(10);
    f.setIommu(IommuType.TYPE1V2);
    f.map(IOVA, ANON, 4);
    f.attachIommu(f.task2, 1);
    // The pages come from the attaching task's mm; the charge goes to the mapping task.
    assertThat(f.host.memory().pinCount(f.task2.mm(), ANON)).isOne();
    assertThat(f.pinCount(ANON)).isZero();
    assertThat(f.lockedVm()).isEqualTo(4);
    assertThat(f.task2.mm().lockedVm()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void theLastDomainTakesTheMappingsWithItUnlessEmulatedGroupsRemain() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(1);
    f.attachIommu(3);
    f.setIommu(IommuType.TYPE1V2);
    f.attachMdev(10);
    f.map(IOVA, ANON, 8);
    f.detach(3);
    assertFigures(f, 8, 8, 8);
    f.detach(10);
    f.detach(1);
    assertThat(f.backend.dumpState()).startsWith("container 1 groups\n");
    assertFigures(f, 0, 0, 0);
    f.closeAndAssertClean();
  }

  @Test
  void theIovaListIsTheIntersectionOfApertures() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(1);
    f.setIommu(IommuType.TYPE1V2);
    f.attachIommu(4);
    assertThat(f.info(1024).iovaRanges()).containsExactly(
        new IovaRange(IommuSpec.MOCK_APERTURE_START,
            IommuSpec.MOCK_APERTURE_LAST));
    f.detach(4);
    assertThat(f.info(1024).iovaRanges()).isEqualTo(List.of(
        new IovaRange(0, 0xfedfffffL),
        new IovaRange(0xfef00000L, -1L)));
  }
}
