package io.vfiomigrate.type1;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.UnmapPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VFIO_IOMMU_UNMAP_DMA (spec A.5, {@code vfio_dma_do_unmap}). */
class UnmapDmaTest {
  private static final long A = 0x100000;
  private static final long B = 0x200000;

  /** A at 0x100000 and B at 0x200000, 16 pages each. */
  private static Type1Fixture twoMappings(IommuType type) {
    Type1Fixture f = Type1Fixture.unlimited();
    f.attachIommu(1);
    f.setIommu(type);
    f.map(A, ANON, 16);
    f.map(B, ANON + 16 * P, 16);
    return f;
  }

  private static DmaUnmapRequest request(int argsz, int flags, long iova, long size) {
    return new DmaUnmapRequest(argsz, flags, iova, size);
  }

  @Test
  void argumentsAreCheckedBeforeAnythingIsRemoved() {
    Type1Fixture f = twoMappings(IommuType.TYPE1V2);
    String before = f.state();
    int all = DmaUnmapRequest.FLAG_ALL;
    int dirty = DmaUnmapRequest.FLAG_GET_DIRTY_BITMAP;
    assertErrno(Errno.EINVAL, () -> f.unmap(request(23, 0, A, 16 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, 8, A, 16 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(48, dirty | all, 0, 0)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(48, dirty | DmaUnmapRequest.FLAG_VADDR, A,
        16 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, dirty, A, 16 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(48, dirty, A, 16 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, 0, A + 1, 16 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, 0, A, 0)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, 0, A, 16 * P + 1)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, 0, -P, 2 * P)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, all, A, 0)));
    assertErrno(Errno.EINVAL, () -> f.unmap(request(24, all, 0, P)));
    assertThat(f.state()).isEqualTo(before);
  }

  @Test
  void v2RefusesToBisectAMappingAtEitherEnd() {
    Type1Fixture f = twoMappings(IommuType.TYPE1V2);
    String before = f.state();
    assertErrno(Errno.EINVAL, () -> f.unmap(A + P, 15));
    assertErrno(Errno.EINVAL, () -> f.unmap(A, 15));
    // Covers all of A but cuts into B: nothing is removed, not even A.
    assertErrno(Errno.EINVAL, () -> f.unmap(A, 0x100 + 1));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.unmap(0, 0x100)).isZero();
    assertThat(f.unmap(A, 0x100 + 16)).isEqualTo(32 * P);
    assertThat(f.pinRefs()).isZero();
    assertThat(f.lockedVm()).isZero();
  }

  @Test
  void v1StopsAtAMappingTheRequestStartsInside() {
    Type1Fixture f = twoMappings(IommuType.TYPE1);
    String before = f.state();
    assertThat(f.unmap(A + P, 1)).isZero();
    // Starting inside A stops the walk before B, which the range covers.
    assertThat(f.unmap(A + P, 0x200)).isZero();
    assertThat(f.state()).isEqualTo(before);
  }

  @Test
  void v1RemovesWholeMappingsWhoseStartIsCovered() {
    Type1Fixture f = twoMappings(IommuType.TYPE1);
    assertThat(f.unmap(A, 1)).isEqualTo(16 * P);
    assertThat(f.lockedVm()).isEqualTo(16);
    assertThat(f.unmap(A, 0x100 + 1)).isEqualTo(16 * P);
    assertThat(f.pinRefs()).isZero();
    assertThat(f.info(1024).dmaAvail()).isEqualTo(65535);
  }

  @Test
  void unmapAllRemovesEverythingAndReportsTheSum() {
    Type1Fixture f = twoMappings(IommuType.TYPE1V2);
    f.map(-P, ANON + 64 * P, 1);
    assertThat(f.unmapAll()).isEqualTo(33 * P);
    assertThat(f.unmapAll()).isZero();
    f.closeAndAssertClean();
  }

  @Test
  void externalPinsAreDroppedThroughEveryDevicesCallbackForTheWholeMapping() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    List<String> calls = new ArrayList<>();
    TrackingMdevDriver first = Type1Fixture.driver();
    Type1Fixture.Mdev mdev = new Type1Fixture.Mdev(f, first,
        f.attachEmulated(10, recording(first, "10", calls)));
    MdevDriver bystander = (device, iova, length) -> calls.add("11:" + iova + "+" + length);
    f.attachEmulated(11, bystander);
    f.map(A, THP, 64);
    f.map(B, THP + 64 * P, 64);
    mdev.pin(A + 8 * P, 4);
    mdev.pin(B, 1);
    assertThat(f.pinRefs()).isEqualTo(128 + 5);

    // A v2 unmap of exactly A: A's callback covers the whole of A, and only A is removed.
    assertThat(f.unmap(A, 64)).isEqualTo(64 * P);
    assertThat(calls).containsExactly("11:" + A + "+" + 64 * P, "10:" + A + "+" + 64 * P);
    assertThat(first.pins()).containsExactly(new TrackingMdevDriver.Pin(B, 1));
    assertThat(f.pinRefs()).isEqualTo(64 + 1);
    assertThat(f.lockedVm()).isEqualTo(64);
    f.unmapAll();
    assertThat(first.callbacks()).isEqualTo(2);
    f.closeAndAssertClean();
  }

  @Test
  void aDriverThatKeepsItsPinsHitsTheKernelsBugAfterElevenCallbacks() {
    Type1Fixture f = Type1Fixture.unlimited().passthrough();
    TrackingMdevDriver stubborn = new TrackingMdevDriver(UnmapPolicy.IGNORE, P);
    Type1Fixture.Mdev mdev = new Type1Fixture.Mdev(f, stubborn, f.attachEmulated(10, stubborn));
    f.map(A, ANON, 16);
    f.map(B, ANON + 16 * P, 16);
    mdev.pin(B + 2 * P, 2);

    assertThatThrownBy(f::unmapAll).isInstanceOfSatisfying(KernelBug.class,
        bug -> assertThat(bug.site()).isEqualTo("vfio_dma_do_unmap"));
    assertThat(stubborn.callbacks()).isEqualTo(DmaUnmapper.MAX_RETRIES + 1);
    // A (no external pins) was removed before the walk got stuck on B.
    assertThat(f.info(1024).dmaAvail()).isEqualTo(65534);
    assertThat(f.lockedVm()).isEqualTo(16);
    assertThat(f.pinRefs()).isEqualTo(16 + 2);

    // Closing still works; the kernel would leak B's two external pins, with a warning.
    long warnings = f.warnings();
    f.checked(f.container::close);
    assertThat(f.warnings()).isEqualTo(warnings + 1);
    assertThat(f.host.log().warnings().get((int) warnings).function()).isEqualTo("vfio_remove_dma");
    assertThat(f.pinRefs()).isEqualTo(2);
    assertThat(f.lockedVm()).isZero();
    assertThat(f.backend.dumpState()).contains("leaked pins=2 locked_vm={}");
  }

  @Test
  void withoutADomainTheStuckMappingsChargeLeaksToo() {
    Type1Fixture f = Type1Fixture.unlimited();
    TrackingMdevDriver stubborn = new TrackingMdevDriver(UnmapPolicy.IGNORE, P);
    Type1Fixture.Mdev mdev = new Type1Fixture.Mdev(f, stubborn, f.attachEmulated(10, stubborn));
    f.setIommu(IommuType.TYPE1V2);
    f.map(A, ANON, 16);
    mdev.pin(A, 3);
    assertThatThrownBy(() -> f.unmap(A, 16)).isInstanceOf(KernelBug.class);
    assertThat(f.lockedVm()).isEqualTo(3);
    f.checked(f.container::close);
    assertThat(f.pinRefs()).isEqualTo(3);
    assertThat(f.lockedVm()).isEqualTo(3);
    assertThat(f.backend.dumpState()).contains("leaked pins=3 locked_vm={100=3}");
  }

  @Test
  void invalidatingVaddrsIsRefusedWithEmulatedGroupsAndRolledBackOnARepeat() {
    Type1Fixture withMdev = Type1Fixture.unlimited().passthrough();
    withMdev.attachMdev(10);
    withMdev.map(A, ANON, 1);
    assertErrno(Errno.EBUSY, () -> withMdev.unmap(vaddr(A, 1)));

    Type1Fixture f = twoMappings(IommuType.TYPE1V2);
    assertThat(f.unmap(vaddr(B, 16))).isEqualTo(16 * P);
    String before = f.state();
    // A is marked first, then B is found already invalid: A's mark is undone.
    assertErrno(Errno.EINVAL, () -> f.unmap(vaddr(A, 0x110)));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.pinRefs()).isEqualTo(32);
    // A plain unmap removes an invalidated mapping as any other.
    assertThat(f.unmap(B, 16)).isEqualTo(16 * P);
    f.closeAndAssertClean();
  }

  private static DmaUnmapRequest vaddr(long iova, long pages) {
    return new DmaUnmapRequest(DmaUnmapRequest.STRUCT_SIZE, DmaUnmapRequest.FLAG_VADDR, iova,
        pages * P);
  }

  private static MdevDriver recording(MdevDriver driver, String name, List<String> calls) {
    return (device, iova, length) -> {
      calls.add(name + ":" + iova + "+" + length);
      driver.dmaUnmap(device, iova, length);
    };
  }
}
