package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Container plumbing (spec A.2, {@code container.c} and {@code group.c}). */
class ContainerTest {
  @Test
  void backendIoctlsFailWithEinvalBeforeSetIommu() {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(1);
    assertErrno(Errno.EINVAL, () -> f.map(0x100000, ANON, 1));
    assertErrno(Errno.EINVAL, () -> f.unmap(0x100000, 1));
    assertErrno(Errno.EINVAL, () -> f.info(1024));
    assertThat(f.pinRefs()).isZero();
  }

  @Test
  void setIommuNeedsAGroupAndHappensOnce() {
    Type1Fixture f = Type1Fixture.unlimited();
    assertErrno(Errno.EINVAL, () -> f.setIommu(IommuType.TYPE1V2));
    f.attachIommu(1);
    f.setIommu(IommuType.TYPE1V2);
    assertErrno(Errno.EINVAL, () -> f.setIommu(IommuType.TYPE1));
  }

  @Test
  void checkExtensionPollsTheDriverWithoutABackend() {
    Type1Fixture f = Type1Fixture.unlimited();
    Type1Container c = f.container;
    assertThat(c.checkExtension(VfioExtension.TYPE1_IOMMU)).isOne();
    assertThat(c.checkExtension(VfioExtension.TYPE1V2_IOMMU)).isOne();
    assertThat(c.checkExtension(VfioExtension.TYPE1_NESTING_IOMMU)).isOne();
    assertThat(c.checkExtension(VfioExtension.UNMAP_ALL)).isOne();
    assertThat(c.checkExtension(VfioExtension.UPDATE_VADDR)).isZero();
    assertThat(c.checkExtension(VfioExtension.DMA_CC_IOMMU)).isZero();
    assertThat(c.checkExtension(VfioExtension.SPAPR_TCE_IOMMU)).isZero();
    assertThat(c.checkExtension(VfioExtension.EEH)).isZero();
    assertThat(c.checkExtension(VfioExtension.NOIOMMU_IOMMU)).isZero();

    f.passthrough();
    assertThat(c.checkExtension(VfioExtension.UPDATE_VADDR)).isOne();
    assertThat(c.checkExtension(VfioExtension.DMA_CC_IOMMU)).isOne();
    f.attachMdev(10);
    assertThat(c.checkExtension(VfioExtension.UPDATE_VADDR)).isZero();
  }

  @Test
  void groupsAddedBeforeSetIommuAreAttachedThenAndDevicesOpen() {
    Type1Fixture f = Type1Fixture.unlimited();
    Type1Fixture.Mdev mdev = f.attachMdev(10);
    f.attachIommu(1);
    assertErrno(Errno.EINVAL, () -> mdev.pin(0x100000, 1));
    assertThat(f.warnings()).isOne();

    f.setIommu(IommuType.TYPE1V2);
    f.map(0x100000, ANON, 8);
    assertThat(f.lockedVm()).isEqualTo(8);
    mdev.pin(0x100000, 1);
    assertThat(f.pinRefs()).isEqualTo(9);
    f.unmap(0x100000, 8);
    assertThat(mdev.driver().callbacks()).isOne();
    f.closeAndAssertClean();
  }

  @Test
  void aGroupAddedAfterSetIommuIsAttachedAtOnce() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(0x100000, ANON, 8);
    f.attachIommu(3);
    assertThat(f.container.getInfo(f.task, 1024).iovaPgsizes())
        .isEqualTo(IommuSpec.DEFAULT_PGSIZE_BITMAP);
    assertThat(f.pinRefs()).isEqualTo(8);
    f.closeAndAssertClean();
  }

  @Test
  void aGroupIsInOneContainerAtATime() {
    Type1Fixture f = Type1Fixture.unlimited();
    Type1Container other = f.backend.openContainer(f.task);
    f.attachIommu(1);
    assertErrno(Errno.EINVAL, () -> f.attachIommu(1));
    assertErrno(Errno.EINVAL, () -> other.attachIommuGroup(f.task, 1));
    assertErrno(Errno.EINVAL, () -> other.attachEmulatedGroup(f.task, 1, Type1Fixture.driver()));
    assertErrno(Errno.EINVAL, () -> other.detachGroup(f.task, 1));
    f.detach(1);
    other.attachIommuGroup(f.task, 1);
    f.backend.checkInvariants();
    other.close();
  }

  @Test
  void detachingTheLastGroupReleasesTheBackend() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(0x100000, ANON, 16);
    assertThat(f.pinRefs()).isEqualTo(16);
    f.detach(1);
    assertThat(f.pinRefs()).isZero();
    assertThat(f.lockedVm()).isZero();
    assertErrno(Errno.EINVAL, () -> f.map(0x100000, ANON, 1));
    f.attachIommu(1);
    f.setIommu(IommuType.TYPE1);
    f.map(0x100000, ANON, 1);
    assertThat(f.info(1024).dmaAvail()).isEqualTo(65534);
    f.closeAndAssertClean();
  }

  @Test
  void aClosedContainerRefusesEverythingButClose() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    f.map(0x100000, ANON, 4);
    f.closeAndAssertClean();
    f.container.close();
    assertErrno(Errno.EBADF, () -> f.container.checkExtension(VfioExtension.TYPE1_IOMMU));
    assertErrno(Errno.EBADF, () -> f.container.mapDma(f.task, DmaMapRequest.of(ANON, 0, P,
        true, true)));
    assertErrno(Errno.EBADF, () -> f.container.unmapDma(f.task, DmaUnmapRequest.unmapAll()));
    assertErrno(Errno.EBADF, () -> f.container.attachIommuGroup(f.task, 2));
    assertThat(f.backend.dumpState()).doesNotContain("container 1");
  }

  @Test
  void aFailedSetIommuDetachesTheGroupsItAttachedAndLeavesNoBackend() {
    IommuSpec high = new IommuSpec("iommu-high", IommuSpec.DEFAULT_PGSIZE_BITMAP, 1L << 32,
        (1L << 33) - 1, List.of());
    Type1Fixture f = new Type1Fixture(Type1Fixture.config(
        TaskSpec.of(Type1Fixture.PID, Type1Fixture.UID, 1L << 40),
        TaskSpec.of(Type1Fixture.PID2, Type1Fixture.UID, 1L << 40)).groupIommu(7, high).build());
    f.attachIommu(7);
    f.attachIommu(4);
    String before = f.state();
    // Group 4 (newest) is attached first; group 7's aperture is disjoint from the mock's.
    assertErrno(Errno.EINVAL, () -> f.setIommu(IommuType.TYPE1V2));
    assertThat(f.state()).isEqualTo(before);
    f.detach(7);
    f.setIommu(IommuType.TYPE1V2);
    assertThat(f.info(1024).iovaRanges()).containsExactly(
        new IovaRange(IommuSpec.MOCK_APERTURE_START, IommuSpec.MOCK_APERTURE_LAST));
    assertErrno(Errno.EINVAL, () -> f.map(0x100000, ANON, 1));
    f.map(IommuSpec.MOCK_APERTURE_START, ANON, 1);
    f.closeAndAssertClean();
  }

  @Test
  void unknownGroupsCannotBeDetached() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    assertErrno(Errno.EINVAL, () -> f.detach(2));
  }

  @Test
  void anEmulatedDeviceIsClosedWhenItsGroupLeaves() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    VfioDevice device = f.attachMdev(10).device();
    f.map(0x100000, ANON, 4);
    f.detach(10);
    assertErrno(Errno.EINVAL, () -> device.pinPages(0x100000, 1, Prot.READ));
    assertErrno(Errno.EINVAL, () -> device.dmaRw(0x100000, 8, false));
    device.unpinPages(0x100000, 1);
    assertThat(f.warnings()).isEqualTo(2);
    assertThat(device.groupId()).isEqualTo(10);
    f.closeAndAssertClean();
  }
}
