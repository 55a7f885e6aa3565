package io.vfiomigrate.type1;

import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.RAM_16;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.testing.FailNthSweep;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The fail-nth study: every fault point an operation passes is made to fail in turn, and each
 * failure must leave the backend, the accounting and every pin count exactly as before. Every
 * fixture is then torn down (the driver releases its pins, the container closes) and must leave
 * no pin and no charge behind.
 */
class FailNthTest {
  private static final long IOVA = 0x100000;

  /**
   * Runs the sweep over fresh fixtures from {@code setUp}, then tears every fixture down: its
   * drivers release their pins, the container closes, and nothing may be left or leaked.
   */
  private static int sweep(Supplier<Type1Fixture> setUp, Consumer<Type1Fixture> operation) {
    List<Type1Fixture> fixtures = new ArrayList<>();
    int points = new FailNthSweep<Type1Fixture>(() -> {
      Type1Fixture f = setUp.get();
      fixtures.add(f);
      return f;
    }, f -> f.host, Type1Fixture::state, f -> f.backend.checkInvariants()).run(operation);
    for (Type1Fixture f : fixtures) {
      f.closeAndAssertClean();
      assertThat(f.backend.dumpState()).isEqualTo("leaked pins=0 locked_vm={}\n");
    }
    return points;
  }

  /** IOMMU group 1 and emulated group 10 in a v2 container, plus IOMMU group 3 if asked. */
  private static Type1Fixture passthrough(boolean twoDomains) {
    Type1Fixture f = Type1Fixture.withLimit(100000).passthrough();
    if (twoDomains) {
      f.attachIommu(3);
    }
    f.attachMdev(10);
    return f;
  }

  private static Type1Fixture mdevOnly() {
    Type1Fixture f = Type1Fixture.withLimit(100000);
    f.mdevOnly();
    return f;
  }

  @Test
  void mapWithOneDomain() {
    // kzalloc(vfio_dma), then per single-page run: pin, charge, map.
    int points = sweep(() -> passthrough(false), f -> f.container.mapDma(f.task,
        DmaMapRequest.of(ANON, IOVA, 8 * P, true, true)));
    assertThat(points).isEqualTo(1 + 8 * 3);
  }

  @Test
  void mapOfHugePagesWithTwoDomains() {
    int points = sweep(() -> passthrough(true), f -> f.container.mapDma(f.task,
        DmaMapRequest.of(THP, IOVA, 2048 * P, true, true)));
    assertThat(points).isEqualTo(1 + 4 * (1 + 1 + 2));
  }

  @Test
  void mapCrossingFromRamIntoMmioWithTwoDomains() {
    // 16 RAM runs of one page (pin, charge, two maps), then one MMIO run (two maps only).
    int points = sweep(() -> passthrough(true), f -> f.container.mapDma(f.task,
        DmaMapRequest.of(RAM_16, IOVA, 32 * P, true, true)));
    assertThat(points).isEqualTo(1 + 16 * 4 + 2);
  }

  @Test
  void attachOfTheFirstDomainReplaysAndCharges() {
    // Five allocations, then per page of the replay: pin, charge (not for the 2 pinned), map.
    int points = sweep(() -> {
      Type1Fixture f = mdevOnly();
      f.map(IOVA, ANON, 8);
      f.mdev().pin(IOVA + 2 * P, 2);
      return f;
    }, f -> f.container.attachIommuGroup(f.task, 1));
    assertThat(points).isEqualTo(5 + 8 + 6 + 8);
  }

  @Test
  void attachOfASecondDomainCopiesTheFirst() {
    int points = sweep(() -> {
      Type1Fixture f = passthrough(false);
      f.map(IOVA, THP, 1024);
      f.map(2 * IOVA << 8, ANON, 4);
      f.mdev().pin(IOVA, 3);
      return f;
    }, f -> f.container.attachIommuGroup(f.task, 3));
    assertThat(points).isEqualTo(5 + 2 + 4);
  }

  @Test
  void pinWithoutADomain() {
    // Four new pages (pin, charge, kzalloc(vfio_pfn)); pages 2 and 3 only take references.
    int points = sweep(() -> {
      Type1Fixture f = mdevOnly();
      f.map(IOVA, ANON, 8);
      f.mdev().pin(IOVA + 2 * P, 2);
      return f;
    }, f -> f.mdev().pin(IOVA, 6));
    assertThat(points).isEqualTo(4 * 3);
  }

  @Test
  void pinWithADomain() {
    int points = sweep(() -> {
      Type1Fixture f = passthrough(false);
      f.map(IOVA, ANON, 8);
      f.mdev().pin(IOVA + 2 * P, 2);
      return f;
    }, f -> f.mdev().pin(IOVA, 6));
    assertThat(points).isEqualTo(4 * 2);
  }

  @Test
  void unmapWithCallbacksAndCloseHaveNoFaultPoints() {
    Supplier<Type1Fixture> setUp = () -> {
      Type1Fixture f = passthrough(true);
      f.map(IOVA, ANON, 8);
      f.map(2 * IOVA, THP, 512);
      f.mdev().pin(IOVA, 4);
      f.mdev().pin(2 * IOVA, 4);
      return f;
    };
    assertThat(sweep(setUp, f -> f.container.unmapDma(f.task,
        DmaUnmapRequest.unmapAll()))).isZero();
    assertThat(sweep(setUp, f -> {
      f.mdev().releaseAll();
      f.container.close();
    })).isZero();
  }

  @Test
  void setIommuWithGroupsWaiting() {
    int points = sweep(() -> {
      Type1Fixture f = Type1Fixture.unlimited();
      f.attachIommu(1);
      f.attachIommu(3);
      f.attachMdev(10);
      return f;
    }, f -> f.container.setIommu(f.task, IommuType.TYPE1V2));
    // kzalloc(vfio_iommu); emulated group: one allocation; each IOMMU group: five.
    assertThat(points).isEqualTo(1 + 1 + 5 + 5);
  }

  @Test
  void takingOverInvalidatedMappingsChargesTheNewOwner() {
    int points = sweep(() -> {
      Type1Fixture f = Type1Fixture.withLimit(100000).passthrough();
      f.map(IOVA, ANON, 8);
      f.unmap(new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, IOVA, 8 * P));
      return f;
    }, f -> f.container.mapDma(f.task2,
        new DmaMapRequest(32, DmaMapRequest.FLAG_VADDR, ANON, IOVA, 8 * P)));
    assertThat(points).isOne();
  }

  @Test
  void getInfo() {
    int points = sweep(() -> passthrough(false), f -> f.container.getInfo(f.task, 1024));
    assertThat(points).isEqualTo(4);
  }
}
