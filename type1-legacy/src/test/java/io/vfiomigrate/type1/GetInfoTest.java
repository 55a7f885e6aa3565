package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.InfoCap;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.IommuSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VFIO_IOMMU_GET_INFO (spec A.9, {@code vfio_iommu_type1_get_info}). */
class GetInfoTest {
  private static final int FLAGS = IommuInfo.FLAG_PGSIZES | IommuInfo.FLAG_CAPS;
  /** The default IOMMU's windows: everything but the MSI window. */
  private static final List<IovaRange> DEFAULT_RANGES = List.of(
      new IovaRange(0, 0xfedfffffL), new IovaRange(0xfef00000L, U64.MAX));
  /** 24 (struct) + 32 (MIGRATION) + 16 (DMA_AVAIL padded) + 16 + 2 * 16 (IOVA_RANGE). */
  private static final int FULL_SIZE = 24 + 32 + 16 + 48;

  @Test
  void argszBelowIovaPgsizesIsEinval() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    assertErrno(Errno.EINVAL, () -> f.info(15));
    assertThat(f.info(16).flags()).isEqualTo(FLAGS);
  }

  @Test
  void aShortBufferGetsNoCapsAndTheSizeNeeded() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    for (int argsz : new int[] {16, 24, FULL_SIZE - 1}) {
      assertThat(f.info(argsz)).isEqualTo(new IommuInfo(FULL_SIZE, FLAGS,
          IommuSpec.DEFAULT_PGSIZE_BITMAP, 0, List.of()));
    }
  }

  @Test
  void theChainIsMigrationThenDmaAvailThenIovaRanges() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(0x100000, ANON, 2);
    assertThat(f.info(FULL_SIZE)).isEqualTo(new IommuInfo(FULL_SIZE, FLAGS,
        IommuSpec.DEFAULT_PGSIZE_BITMAP, 24, List.of(
            new InfoCap.Migration(24, 56, 4096, 1L << 28),
            new InfoCap.DmaAvail(56, 72, 65534),
            new InfoCap.IovaRanges(72, 0, DEFAULT_RANGES))));
    assertThat(f.info(4096).argsz()).isEqualTo(4096);
  }

  @Test
  void withoutADomainThereIsNoIovaRangeCapAndEveryPageSizeFromPageSizeUp() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachMdev(10);
    f.setIommu(IommuType.TYPE1V2);
    assertThat(f.info(24)).isEqualTo(new IommuInfo(72, FLAGS, 0xfffffffffffff000L, 0, List.of()));
    assertThat(f.info(72).caps()).containsExactly(
        new InfoCap.Migration(24, 56, 4096, 1L << 28),
        new InfoCap.DmaAvail(56, 0, 65535));
  }

  @Test
  void subPagePageSizesAreFoldedIntoPageSize() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(4);
    f.setIommu(IommuType.TYPE1V2);
    IommuInfo info = f.info(1024);
    assertThat(info.iovaPgsizes()).isEqualTo(4096);
    assertThat(info.iovaRanges()).containsExactly(
        new IovaRange(IommuSpec.MOCK_APERTURE_START, IommuSpec.MOCK_APERTURE_LAST));
  }

  @Test
  void pageSizesAreTheAndOfAllDomains() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.attachIommu(5);
    assertThat(f.info(1024).iovaPgsizes()).isEqualTo(0x40200000L);
    f.detach(5);
    assertThat(f.info(1024).iovaPgsizes()).isEqualTo(IommuSpec.DEFAULT_PGSIZE_BITMAP);
  }

  @Test
  void removingTheLastDomainUnderAnEmulatedGroupLeavesTheWholeSpaceValid() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.attachMdev(10);
    f.detach(1);
    assertThat(f.info(1024).iovaRanges()).containsExactly(IovaRange.ALL);
  }

  @Test
  void reservedRegionsOfEveryGroupAreExcludedAndComeBackWhenTheGroupLeaves() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.attachIommu(6);
    assertThat(f.info(1024).iovaRanges()).containsExactly(
        new IovaRange(0, 0xffffffL), new IovaRange(0x2000000L, 0xfedfffffL),
        new IovaRange(0xfef00000L, U64.MAX));
    f.detach(6);
    assertThat(f.info(1024).iovaRanges()).isEqualTo(DEFAULT_RANGES);
  }

  @Test
  void anAllocationFailureWhileBuildingTheChainIsEnomem() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    for (int n = 1; n <= 4; n++) {
      f.host.faults().arm(FaultPoint.ALLOC, n);
      assertErrno(Errno.ENOMEM, () -> f.info(1024));
    }
    f.host.faults().arm(FaultPoint.ALLOC, 5);
    assertThat(f.info(1024).caps()).hasSize(3);
    f.host.faults().disarm();
  }
}
