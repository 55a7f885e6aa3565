package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.BAR;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.PID;
import static io.vfiomigrate.type1.Type1Fixture.PID2;
import static io.vfiomigrate.type1.Type1Fixture.RAM_16;
import static io.vfiomigrate.type1.Type1Fixture.UID;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import org.junit.jupiter.api.Test;

/**
 * The type1 columns of the worked examples in spec section C, step by step. C11 (a process that
 * exits with mappings left) has no counterpart: the model's tasks never exit.
 */
class WorkedExamplesTest {
  private static final long IOVA_1 = 0x100000;
  private static final long IOVA_2 = 0x200000;

  @Test
  void c1SameMemoryMappedTwiceIsChargedAndPinnedTwice() {
    Type1Fixture f = Type1Fixture.withLimit(1000).passthrough();
    f.map(IOVA_1, ANON, 256);
    assertThat(f.lockedVm()).isEqualTo(256);
    assertThat(f.pinCount(ANON)).isOne();
    f.map(IOVA_2, ANON, 256);
    assertThat(f.lockedVm()).isEqualTo(512);
    assertThat(f.pinCount(ANON + 255 * P)).isEqualTo(2);
    assertThat(f.pinnedPages()).isEqualTo(256);
    f.unmap(IOVA_1, 256);
    assertThat(f.lockedVm()).isEqualTo(256);
    assertThat(f.pinCount(ANON)).isOne();
    f.closeAndAssertClean();
  }

  @Test
  void c1WithALimitOf384TheSecondMapFailsAndLeaves256() {
    Type1Fixture f = Type1Fixture.withLimit(384).passthrough();
    f.map(IOVA_1, ANON, 256);
    String before = f.state();
    assertErrno(Errno.ENOMEM, () -> f.map(IOVA_2, ANON, 256));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.lockedVm()).isEqualTo(256);
    f.closeAndAssertClean();
  }

  @Test
  void c2TwoContainersNeedTwoMapsAndChargeTwice() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    Type1Container second = f.backend.openContainer(f.task);
    second.attachIommuGroup(f.task, 2);
    second.setIommu(f.task, IommuType.TYPE1V2);
    f.map(IOVA_1, ANON, 256);
    second.mapDma(f.task, DmaMapRequest.of(ANON, IOVA_1, 256 * P, true, true));
    f.backend.checkInvariants();
    assertThat(f.lockedVm()).isEqualTo(512);
    assertThat(f.pinRefs()).isEqualTo(512);
    second.close();
    f.closeAndAssertClean();
  }

  @Test
  void c3MdevPinsWithoutADomainAreChargedPerPage() {
    Type1Fixture f = Type1Fixture.withLimit(1000);
    Type1Fixture.Mdev mdev = f.mdevOnly();
    f.map(0, ANON, 1024);
    assertThat(f.lockedVm()).isZero();
    mdev.pin(0, 4);
    assertThat(f.lockedVm()).isEqualTo(4);
    mdev.pin(0, 1);
    assertThat(f.lockedVm()).isEqualTo(4);
    assertThat(f.iommu().dmas().first().pfns().refCount(0)).isEqualTo(2);
    mdev.unpin(0, 1);
    assertThat(f.lockedVm()).isEqualTo(4);
    assertThat(f.iommu().dmas().first().pfns().refCount(0)).isOne();
    mdev.unpin(0, 4);
    assertThat(f.lockedVm()).isZero();
    assertThat(f.pinRefs()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void c3OverTheLimitOnePinCallIsUndoneWhole() {
    Type1Fixture f = Type1Fixture.withLimit(2);
    Type1Fixture.Mdev mdev = f.mdevOnly();
    f.map(0, ANON, 1024);
    assertErrno(Errno.ENOMEM, () -> mdev.pin(0, 4));
    assertThat(f.lockedVm()).isZero();
    assertThat(f.pinRefs()).isZero();
  }

  @Test
  void c4MdevPinsWhileADomainExistsAreNotCharged() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    Type1Fixture.Mdev mdev = f.attachMdev(10);
    f.map(IOVA_1, ANON, 1024);
    assertThat(f.lockedVm()).isEqualTo(1024);
    assertThat(f.pinCount(ANON)).isOne();
    mdev.pin(IOVA_1, 4);
    assertThat(f.lockedVm()).isEqualTo(1024);
    assertThat(f.pinCount(ANON + 3 * P)).isEqualTo(2);
    assertThat(f.pinCount(ANON + 4 * P)).isOne();
    assertThat(f.unmap(IOVA_1, 1024)).isEqualTo(1024 * P);
    assertThat(mdev.driver().callbacks()).isOne();
    assertThat(f.lockedVm()).isZero();
    assertThat(f.pinRefs()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void c5HotPlugReplaysAndUnplugReaccounts() {
    Type1Fixture f = Type1Fixture.unlimited();
    Type1Fixture.Mdev mdev = f.mdevOnly();
    f.map(IOVA_1, ANON, 1024);
    mdev.pin(IOVA_1, 4);
    assertThat(f.lockedVm()).isEqualTo(4);
    f.attachIommu(1);
    assertThat(f.lockedVm()).isEqualTo(1024);
    assertThat(f.pinnedPages()).isEqualTo(1024);
    f.detach(1);
    assertThat(f.lockedVm()).isEqualTo(4);
    assertThat(f.pinnedPages()).isEqualTo(4);
    mdev.unpin(IOVA_1, 4);
    assertThat(f.lockedVm()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void c5WithALimitOf1000TheReplayFailsAtThe997thUnchargedPage() {
    Type1Fixture f = Type1Fixture.withLimit(1000);
    Type1Fixture.Mdev mdev = f.mdevOnly();
    f.map(IOVA_1, ANON, 1024);
    mdev.pin(IOVA_1, 4);
    String before = f.state();
    assertErrno(Errno.ENOMEM, () -> f.attachIommu(1));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.lockedVm()).isEqualTo(4);
    // 996 more pages fit, so a buffer of 1000 pages replays.
    mdev.unpin(IOVA_1, 4);
    f.unmap(IOVA_1, 1024);
    f.map(IOVA_1, ANON, 1000);
    mdev.pin(IOVA_1, 4);
    f.attachIommu(1);
    assertThat(f.lockedVm()).isEqualTo(1000);
  }

  @Test
  void c6ReservedFramesAreMappedButNotChargedAndCannotBePinnedByAnMdev() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    Type1Fixture.Mdev mdev = f.attachMdev(10);
    f.map(IOVA_1, BAR, 256);
    assertThat(f.lockedVm()).isZero();
    assertThat(f.pinRefs()).isZero();
    f.map(IOVA_2 << 4, RAM_16, 32);
    assertThat(f.lockedVm()).isEqualTo(16);
    assertThat(f.pinRefs()).isEqualTo(16);
    assertErrno(Errno.EINVAL, () -> mdev.pin(IOVA_1, 1));
    f.unmapAll();
    f.closeAndAssertClean();
  }

  @Test
  void c7TwoProcessesOfOneUserEachHaveTheirOwnLimit() {
    long limit = 262144;
    HostConfig.Builder config = HostConfig.builder()
        .task(TaskSpec.of(PID, UID, limit * P))
        .task(TaskSpec.of(PID2, UID, limit * P))
        .region(RegionSpec.of(PID, ANON, 200000 * P, Backing.THP))
        .region(RegionSpec.of(PID2, ANON, 200000 * P, Backing.THP));
    Type1Fixture f = new Type1Fixture(config.build()).passthrough();
    Type1Container p2 = f.backend.openContainer(f.task2);
    p2.attachIommuGroup(f.task2, 2);
    p2.setIommu(f.task2, IommuType.TYPE1V2);
    f.map(IOVA_1, ANON, 200000);
    assertThat(f.lockedVm()).isEqualTo(200000);
    p2.mapDma(f.task2, DmaMapRequest.of(ANON, IOVA_1, 200000 * P, true, true));
    assertThat(f.task2.mm().lockedVm()).isEqualTo(200000);
    assertThat(f.task.user().lockedVm()).isZero();
    f.unmapAll();
    assertThat(f.lockedVm()).isZero();
    assertThat(f.task2.mm().lockedVm()).isEqualTo(200000);
    p2.close();

    // One process, two containers: the second map takes its own mm past the limit.
    f.map(IOVA_1, ANON, 200000);
    Type1Container second = f.backend.openContainer(f.task);
    second.attachIommuGroup(f.task, 3);
    second.setIommu(f.task, IommuType.TYPE1V2);
    assertErrno(Errno.ENOMEM, () -> second.mapDma(f.task,
        DmaMapRequest.of(ANON, IOVA_1, 200000 * P, true, true)));
    assertThat(f.lockedVm()).isEqualTo(200000);
    second.close();
    f.closeAndAssertClean();
  }

  @Test
  void c8TheLimitIsHitPartWayThroughOneMap() {
    Type1Fixture f = Type1Fixture.withLimit(1000).passthrough();
    f.map(IOVA_1, ANON, 900);
    String before = f.state();
    assertErrno(Errno.ENOMEM, () -> f.map(IOVA_2 << 4, ANON + 900 * P, 200));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.lockedVm()).isEqualTo(900);
    assertThat(f.info(1024).dmaAvail()).isEqualTo(65534);
    // The 100 pages that fit do map.
    f.map(IOVA_2 << 4, ANON + 900 * P, 100);
    assertThat(f.lockedVm()).isEqualTo(1000);
    f.closeAndAssertClean();
  }

  @Test
  void c9CapIpcLockSkipsTheLimitButIsCharged() {
    Type1Fixture f = new Type1Fixture(Type1Fixture.config(
        TaskSpec.of(PID, UID, 0).withCapIpcLock(true), TaskSpec.of(PID2, UID, 0)).build())
        .passthrough();
    f.map(IOVA_1, ANON, 256);
    assertThat(f.snapshot().task(PID).lockedVmPages()).isEqualTo(256);
    assertThat(f.snapshot().task(PID).pinnedVmPages()).isZero();
    assertThat(f.snapshot().user(UID).lockedVmPages()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void c10HandingMappingsToANewProcessMovesTheCharge() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(IOVA_1, ANON, 256);
    assertThat(f.lockedVm()).isEqualTo(256);
    f.unmap(new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, IOVA_1, 256 * P));
    f.map(f.task2, new DmaMapRequest(32, DmaMapRequest.FLAG_VADDR, ANON, IOVA_1, 256 * P));
    assertThat(f.lockedVm()).isZero();
    assertThat(f.task2.mm().lockedVm()).isEqualTo(256);
    assertThat(f.pinCount(ANON)).isOne();
    f.closeAndAssertClean();
  }

  @Test
  void c10ANewProcessWithoutRoomCannotTakeOver() {
    Type1Fixture f = new Type1Fixture(Type1Fixture.config(
        TaskSpec.of(PID, UID, 1000 * P), TaskSpec.of(PID2, UID, 255 * P)).build()).passthrough();
    f.map(IOVA_1, ANON, 256);
    f.unmap(new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, IOVA_1, 256 * P));
    String before = f.state();
    DmaMapRequest takeOver = new DmaMapRequest(32, DmaMapRequest.FLAG_VADDR, ANON, IOVA_1,
        256 * P);
    assertErrno(Errno.ENOMEM, () -> f.map(f.task2, takeOver));
    assertThat(f.state()).isEqualTo(before);
    f.map(f.task, takeOver);
    assertThat(f.lockedVm()).isEqualTo(256);
    f.closeAndAssertClean();
  }

  @Test
  void c12EachContainerHasAtMost65535Mappings() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.mdevOnly();
    for (int i = 0; i < HostConfig.DEFAULT_DMA_ENTRY_LIMIT; i++) {
      f.container.mapDma(f.task, DmaMapRequest.of(ANON, (long) i * P, P, true, false));
    }
    f.backend.checkInvariants();
    assertErrno(Errno.ENOSPC, () -> f.map(1L << 40, ANON, 1));
    assertThat(f.info(1024).dmaAvail()).isZero();
    assertThat(f.unmapAll()).isEqualTo(65535 * P);
    f.closeAndAssertClean();
  }
}
