package io.vfiomigrate.type1;

import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.BAR;
import static io.vfiomigrate.type1.Type1Fixture.HUGE_1G;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.RAM_16;
import static io.vfiomigrate.type1.Type1Fixture.READ_ONLY;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Task;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of map, unmap (ranges, ALL, VADDR), pin, unpin, dma_rw, attach and detach of
 * IOMMU and emulated groups, VFIO_SET_IOMMU and re-validation by another task, some with an
 * injected fault. After every step the invariants hold, and a step that fails leaves the state
 * exactly as it was; at the end the drivers release their pins, the container closes and no pin
 * or charge is left.
 */
class RandomOpsTest {
  private static final int STEPS = 400;
  private static final long SLOT = 0x100000;
  private static final int SLOTS = 24;
  private static final long[] SOURCES = {ANON, THP, RAM_16, BAR, READ_ONLY, HUGE_1G};
  private static final int[] IOMMU_GROUPS = {1, 2, 3, 5};
  private static final int[] EMULATED_GROUPS = {10, 11};

  /** The emulated devices attached now, by group. */
  private final Map<Integer, Type1Fixture.Mdev> mdevs = new TreeMap<>();
  private Type1Fixture f;
  private Random random;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomOperationsKeepTheInvariantsAndLeaveNothingBehind(long seed) {
    random = new Random(seed);
    f = Type1Fixture.withLimit(600);
    f.attachIommu(1);
    f.setIommu(seed % 4 == 0 ? IommuType.TYPE1 : IommuType.TYPE1V2);
    int failures = 0;
    for (int step = 0; step < STEPS; step++) {
      String before = f.state();
      if (random.nextInt(5) == 0) {
        f.host.faults().arm(1 + random.nextInt(6));
      }
      try {
        step();
      } catch (KernelException e) {
        failures++;
        assertThat(f.state()).as("step %d failed with %s", step, e.getMessage())
            .isEqualTo(before);
      } finally {
        f.host.faults().disarm();
      }
      f.backend.checkInvariants();
    }
    assertThat(failures).isBetween(STEPS / 20, STEPS - STEPS / 20);
    f.closeAndAssertClean();
    assertThat(f.backend.dumpState()).isEqualTo("leaked pins=0 locked_vm={}\n");
  }

  private void step() {
    Type1Container c = f.container;
    Task current = random.nextInt(8) == 0 ? f.task2 : f.task;
    switch (random.nextInt(12)) {
      case 0, 1, 2 -> c.mapDma(current, new DmaMapRequest(32, randomProtFlags(),
          pick(SOURCES) + random.nextInt(16) * P, slot(), (1 + random.nextInt(48)) * P));
      case 3 -> c.unmapDma(current, random.nextInt(6) == 0 ? DmaUnmapRequest.unmapAll()
          : DmaUnmapRequest.range(slot(), (1 + random.nextInt(64)) * P));
      case 4, 5 -> pin();
      case 6 -> unpin();
      case 7 -> {
        VfioDevice device = anyDevice();
        if (device != null) {
          device.dmaRw(slot(), 1 + random.nextInt(3 * (int) P), random.nextBoolean());
        }
      }
      case 8 -> c.attachIommuGroup(current, pick(IOMMU_GROUPS));
      case 9 -> attachEmulated();
      case 10 -> detachOrReset();
      case 11 -> vaddrUpdate(current);
      default -> throw new AssertionError();
    }
  }

  private void pin() {
    Type1Fixture.Mdev mdev = mdevs.get(pick(EMULATED_GROUPS));
    if (mdev != null) {
      mdev.pin(slot(), 1 + random.nextInt(8), randomProt());
    }
  }

  private void unpin() {
    Type1Fixture.Mdev mdev = mdevs.get(pick(EMULATED_GROUPS));
    if (mdev == null) {
      return;
    }
    List<TrackingMdevDriver.Pin> pins = mdev.driver().pins();
    if (!pins.isEmpty() && random.nextInt(4) != 0) {
      TrackingMdevDriver.Pin pin = pins.get(random.nextInt(pins.size()));
      mdev.unpin(pin.iova(), pin.npage());
    } else {
      // A driver bug: unpinning what it never pinned only warns.
      mdev.device().unpinPages(slot(), 1 + random.nextInt(4));
    }
  }

  private void attachEmulated() {
    int group = pick(EMULATED_GROUPS);
    if (!mdevs.containsKey(group)) {
      mdevs.put(group, f.attachMdev(group));
    }
  }

  /**
   * Detaches a random group (an emulated device's driver first releases its pins, as its
   * close_device would); a container left without backend gets a group, then VFIO_SET_IOMMU.
   */
  private void detachOrReset() {
    VfioContainer container = (VfioContainer) f.container;
    List<ContainerGroup> groups = container.groups();
    if (container.iommu().isEmpty()) {
      if (groups.isEmpty()) {
        container.attachIommuGroup(f.task, pick(IOMMU_GROUPS));
      } else {
        container.setIommu(f.task, IommuType.TYPE1V2);
      }
      return;
    }
    int group = groups.get(random.nextInt(groups.size())).id();
    if (mdevs.containsKey(group)) {
      mdevs.remove(group).releaseAll();
    }
    container.detachGroup(f.task, group);
  }

  private void vaddrUpdate(Task current) {
    long iova = slot();
    long size = (1 + random.nextInt(48)) * P;
    if (random.nextBoolean()) {
      f.container.unmapDma(current, new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, iova,
          size));
    } else {
      f.container.mapDma(current, new DmaMapRequest(32, DmaMapRequest.FLAG_VADDR,
          pick(SOURCES), iova, size));
    }
  }

  private VfioDevice anyDevice() {
    return mdevs.isEmpty() ? null : List.copyOf(mdevs.values()).get(random.nextInt(
        mdevs.size())).device();
  }

  private long slot() {
    return random.nextInt(SLOTS) * SLOT + (random.nextInt(4) == 0 ? random.nextInt(16) * P : 0);
  }

  private int randomProtFlags() {
    return 1 + random.nextInt(3);
  }

  private Prot randomProt() {
    return switch (random.nextInt(4)) {
      case 0 -> Prot.READ;
      case 1 -> Prot.WRITE;
      case 2 -> Prot.NONE;
      default -> Prot.READ_WRITE;
    };
  }

  private long pick(long[] values) {
    return values[random.nextInt(values.length)];
  }

  private int pick(int[] values) {
    return values[random.nextInt(values.length)];
  }
}
