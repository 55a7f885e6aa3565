package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import org.junit.jupiter.api.Test;

/** VFIO_DMA_UNMAP_FLAG_VADDR and VFIO_DMA_MAP_FLAG_VADDR (spec A.6, live update). */
class VaddrUpdateTest {
  private static final long IOVA = 0x100000;

  private static DmaUnmapRequest invalidate(long iova, long pages) {
    return new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, iova, pages * P);
  }

  private static DmaMapRequest revalidate(long vaddr, long iova, long pages) {
    return new DmaMapRequest(32, DmaMapRequest.FLAG_VADDR, vaddr, iova, pages * P);
  }

  @Test
  void invalidationKeepsPinsAndMappingsAndRevalidationByTheSameProcessChangesNothing() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, ANON, 8);
    String mapped = f.state();
    assertThat(f.unmap(invalidate(IOVA, 8))).isEqualTo(8 * P);
    assertThat(f.pinRefs()).isEqualTo(8);
    assertThat(f.lockedVm()).isEqualTo(8);
    f.map(f.task, revalidate(ANON, IOVA, 8));
    assertThat(f.state()).isEqualTo(mapped);
    f.closeAndAssertClean();
  }

  @Test
  void revalidationMustNameAnInvalidatedMappingExactly() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, ANON, 8);
    assertErrno(Errno.ENOENT, () -> f.map(f.task, revalidate(ANON, 2 * IOVA, 8)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, revalidate(ANON, IOVA, 8)));
    f.unmap(invalidate(IOVA, 8));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, revalidate(ANON, IOVA, 4)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, revalidate(ANON, IOVA + 4 * P, 4)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, new DmaMapRequest(32,
        DmaMapRequest.FLAG_VADDR | DmaMapRequest.FLAG_READ, ANON, IOVA, 8 * P)));
    f.map(f.task, revalidate(ANON + 8 * P, IOVA, 8));
    assertThat(f.pinCount(ANON)).isOne();
    f.closeAndAssertClean();
  }

  @Test
  void v1ContainersSupportItToo() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(1);
    f.setIommu(IommuType.TYPE1);
    f.map(IOVA, ANON, 4);
    assertThat(f.unmap(invalidate(IOVA, 4))).isEqualTo(4 * P);
    f.map(f.task2, revalidate(ANON, IOVA, 4));
    assertThat(f.task2.mm().lockedVm()).isEqualTo(4);
    assertThat(f.lockedVm()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void invalidatingEverythingAtOnce() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, ANON, 4);
    f.map(2 * IOVA, ANON + 4 * P, 4);
    assertThat(f.unmap(new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR
        | DmaUnmapRequest.FLAG_ALL, 0, 0))).isEqualTo(8 * P);
    assertThat(f.iommu().vaddrInvalidCount()).isEqualTo(2);
    assertThat(f.unmapAll()).isEqualTo(8 * P);
    assertThat(f.iommu().vaddrInvalidCount()).isZero();
    f.closeAndAssertClean();
  }
}
