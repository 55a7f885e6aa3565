package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.BAR;
import static io.vfiomigrate.type1.Type1Fixture.GIB;
import static io.vfiomigrate.type1.Type1Fixture.HUGE_1G;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.RAM_16;
import static io.vfiomigrate.type1.Type1Fixture.READ_ONLY;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.KernelWarning;
import io.vfiomigrate.host.PhysicalMemory;
import io.vfiomigrate.host.TaskSpec;
import org.junit.jupiter.api.Test;

/** VFIO_IOMMU_MAP_DMA (spec A.3, A.4). */
class MapDmaTest {
  private static final long IOVA = 0x100000;

  private static DmaMapRequest request(int argsz, int flags, long vaddr, long iova, long size) {
    return new DmaMapRequest(argsz, flags, vaddr, iova, size);
  }

  @Test
  void argumentsAreCheckedInTheKernelsOrder() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    int rw = DmaMapRequest.FLAG_READ | DmaMapRequest.FLAG_WRITE;
    f.map(IOVA, ANON, 16);
    String before = f.state();
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(31, rw, ANON, 0, P)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, 8 | rw, ANON, 0, P)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, 0, ANON, 0, P)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw | DmaMapRequest.FLAG_VADDR,
        ANON, IOVA, 16 * P)));
    // Size and alignment come before overlap: these would also overlap.
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw, ANON, IOVA, 0)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw, ANON, IOVA + 1, P)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw, ANON + 1, IOVA, P)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw, ANON, IOVA, P + 1)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw, ANON, -P, 2 * P)));
    assertErrno(Errno.EINVAL, () -> f.map(f.task, request(32, rw, -P, IOVA, 2 * P)));
    assertErrno(Errno.EEXIST, () -> f.map(IOVA + 15 * P, ANON, 2));
    assertErrno(Errno.EEXIST, () -> f.map(IOVA - P, ANON, 2));
    // The MSI window is not a valid IOVA range.
    assertErrno(Errno.EINVAL, () -> f.map(0xfee00000L, ANON, 1));
    assertErrno(Errno.EINVAL, () -> f.map(0xfedff000L, ANON, 2));
    assertThat(f.state()).isEqualTo(before);
    f.map(0xfedff000L, ANON, 1);
    f.map(0xfef00000L, ANON + P, 1);
    f.closeAndAssertClean();
  }

  @Test
  void theEntryLimitIsEnospcAndComesAfterTheOverlapCheck() {
    Type1Fixture f = new Type1Fixture(Type1Fixture.config(
            TaskSpec.of(Type1Fixture.PID, Type1Fixture.UID, 1L << 40),
            TaskSpec.of(Type1Fixture.PID2, Type1Fixture.UID, 1L << 40))
        .dmaEntryLimit(2).build()).passthrough();
    f.map(IOVA, ANON, 1);
    f.map(2 * IOVA, ANON, 1);
    assertErrno(Errno.EEXIST, () -> f.map(IOVA, ANON, 1));
    assertErrno(Errno.ENOSPC, () -> f.map(3 * IOVA, ANON, 1));
    assertThat(f.info(1024).dmaAvail()).isZero();
    f.unmap(IOVA, 1);
    f.map(3 * IOVA, ANON, 1);
    f.closeAndAssertClean();
  }

  @Test
  void anonymousMemoryIsPinnedAndMappedPageByPage() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, ANON, 16);
    IommuDomain domain = f.onlyDomain();
    assertThat(domain.entryCount()).isEqualTo(16);
    assertThat(domain.mappedBytes()).isEqualTo(16 * P);
    assertThat(f.lockedVm()).isEqualTo(16);
    assertThat(f.pinnedPages()).isEqualTo(16);
    assertThat(f.pinRefs()).isEqualTo(16);
    PhysicalMemory memory = f.host.memory();
    assertThat(domain.iovaToPhys(IOVA + 5 * P + 12))
        .hasValue(memory.pfnAt(f.task.mm(), ANON + 5 * P) * P + 12);
    f.closeAndAssertClean();
  }

  @Test
  void hugePagesAreMappedInOneRunPerHugePage() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA << 10, THP, 1024);
    f.map(4 * GIB, HUGE_1G, 2 * GIB / P);
    IommuDomain domain = f.onlyDomain();
    assertThat(domain.entryCount()).isEqualTo(2 + 2);
    assertThat(f.lockedVm()).isEqualTo(1024 + 524288);
    assertThat(f.pinnedPages()).isEqualTo(1024 + 524288);
    assertThat(f.host.memory().pinSegments()).isEqualTo(2);
    f.closeAndAssertClean();
  }

  @Test
  void mmioIsMappedButNeitherPinnedNorCharged() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, BAR, 256);
    IommuDomain domain = f.onlyDomain();
    assertThat(domain.mappedBytes()).isEqualTo(256 * P);
    assertThat(domain.entryCount()).isOne();
    assertThat(domain.iovaToPhys(IOVA)).hasValue(f.host.memory().pfnAt(f.task.mm(), BAR) * P);
    assertThat(f.lockedVm()).isZero();
    assertThat(f.pinRefs()).isZero();
    assertThat(f.unmap(IOVA, 256)).isEqualTo(256 * P);
    assertThat(domain.mappedBytes()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void runsSplitWhereRamMeetsMmio() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA, RAM_16, 32);
    assertThat(f.onlyDomain().entryCount()).isEqualTo(17);
    assertThat(f.lockedVm()).isEqualTo(16);
    assertThat(f.pinRefs()).isEqualTo(16);
    f.closeAndAssertClean();
  }

  @Test
  void theLimitIsExactAndCapIpcLockBypassesItButStillCounts() {
    Type1Fixture f = Type1Fixture.withLimit(64).passthrough();
    f.map(IOVA, ANON, 64);
    assertErrno(Errno.ENOMEM, () -> f.map(2 * IOVA, ANON + 64 * P, 1));
    assertThat(f.lockedVm()).isEqualTo(64);
    f.closeAndAssertClean();

    Type1Fixture capable = new Type1Fixture(Type1Fixture.config(
        TaskSpec.of(Type1Fixture.PID, Type1Fixture.UID, 0).withCapIpcLock(true),
        TaskSpec.of(Type1Fixture.PID2, Type1Fixture.UID, 0)).build()).passthrough();
    capable.map(IOVA, ANON, 256);
    assertThat(capable.lockedVm()).isEqualTo(256);
    assertThat(capable.task.mm().pinnedVm()).isZero();
    capable.closeAndAssertClean();
  }

  @Test
  void aRunOverTheLimitFailsTheWholeMapWithoutResidue() {
    Type1Fixture f = Type1Fixture.withLimit(1000).passthrough();
    f.map(IOVA, ANON, 488);
    String before = f.state();
    // Runs of 512: the first fits (488 + 512 = 1000) and is charged, the second does not.
    assertErrno(Errno.ENOMEM, () -> f.map(IOVA << 5, THP, 1024));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.info(1024).dmaAvail()).isEqualTo(65534);
    f.closeAndAssertClean();
  }

  @Test
  void unpinnableMemoryIsEfaultWithADomainAndFineWithout() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    assertErrno(Errno.EFAULT, () -> f.map(IOVA, 0x70000000L, 1));
    assertErrno(Errno.EFAULT, () -> f.map(IOVA, READ_ONLY, 1));
    assertErrno(Errno.EFAULT, () -> f.map(IOVA, ANON + 4095 * P, 2));
    f.map(f.task, DmaMapRequest.of(READ_ONLY, IOVA, 16 * P, true, false));
    assertThat(f.lockedVm()).isEqualTo(16);
    f.closeAndAssertClean();

    Type1Fixture mdevOnly = Type1Fixture.unlimited();
    mdevOnly.mdevOnly();
    mdevOnly.map(IOVA, 0x70000000L, 1);
    mdevOnly.map(2 * IOVA, READ_ONLY, 1);
    assertThat(mdevOnly.pinRefs()).isZero();
    assertThat(mdevOnly.info(1024).dmaAvail()).isEqualTo(65533);
    mdevOnly.closeAndAssertClean();
  }

  @Test
  void twoDomainsShareThePinsAndTheCharge() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.attachIommu(3);
    f.map(IOVA, THP, 1024);
    assertThat(f.lockedVm()).isEqualTo(1024);
    assertThat(f.pinRefs()).isEqualTo(1024);
    for (VfioDomain domain : f.iommu().domains()) {
      assertThat(domain.domain().entryCount()).isEqualTo(2);
    }
    f.closeAndAssertClean();
  }

  @Test
  void anIommuWithoutSmallPagesNeedsHugeAlignment() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(5);
    f.setIommu(IommuType.TYPE1V2);
    assertErrno(Errno.EINVAL, () -> f.map(IOVA, THP, 1));
    f.map(2 * 1024 * 1024, THP, 512);
    assertThat(f.lockedVm()).isEqualTo(512);
    // 2 MiB-aligned anonymous memory pins as single pages, which the IOMMU cannot map.
    assertErrno(Errno.EINVAL, () -> f.map(4 * 1024 * 1024, ANON, 512));
    assertThat(f.lockedVm()).isEqualTo(512);
    // The kernel warns on every map once the smallest IOMMU page is above PAGE_SIZE.
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function)
        .containsOnly("vfio_dma_do_map").hasSize(3);
    f.closeAndAssertClean();
  }

  @Test
  void aMappingMayEndAtTheTopOfTheAddressSpace() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    long top = -P;
    f.map(top, ANON, 1);
    assertErrno(Errno.EEXIST, () -> f.map(top, ANON, 1));
    assertThat(f.unmap(top, 1)).isEqualTo(P);
    f.closeAndAssertClean();
  }

  @Test
  void mappingsOfAnotherProcessAreChargedToIt() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(f.task2, DmaMapRequest.of(ANON, IOVA, 8 * P, true, true));
    assertThat(f.task2.mm().lockedVm()).isEqualTo(8);
    assertThat(f.lockedVm()).isZero();
    assertThat(f.host.memory().pinCount(f.task2.mm(), ANON)).isOne();
    f.closeAndAssertClean();
  }
}
