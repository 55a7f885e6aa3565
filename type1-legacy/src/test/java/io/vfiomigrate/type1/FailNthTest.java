package io.vfiomigrate.type1;

import static io.vfiomigrate.type1.Type1Fixture.ANON;
import static io.vfiomigrate.type1.Type1Fixture.P;
import static io.vfiomigrate.type1.Type1Fixture.RAM_16;
import static io.vfiomigrate.type1.Type1Fixture.THP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Host;
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

  /** A fixture with one emulated device (group 10) whose driver pins through it. */
  private record Rig(Type1Fixture f, TrackingMdevDriver driver, VfioDevice device) {
    static Rig of(Type1Fixture f) {
      TrackingMdevDriver driver = Type1Fixture.driver();
      return new Rig(f, driver, f.attachEmulated(10, driver));
    }

    /** A fixture without emulated device: the driver never pins. */
    static Rig withoutDevice(Type1Fixture f) {
      return new Rig(f, Type1Fixture.driver(), null);
    }

    Host host() {
      return f.host;
    }

    String state() {
      return f.state();
    }

    void check() {
      f.backend.checkInvariants();
    }

    void pin(long iova, int npage) {
      driver.pin(device, iova, npage, Prot.READ_WRITE);
    }

    void tearDown() {
      f.releaseAll(driver, device);
      f.closeAndAssertClean();
      assertThat(f.backend.dumpState()).endsWith("leaked pins=0 locked_vm={}\n");
    }
  }

  private static int sweep(Supplier<Rig> setUp, Consumer<Rig> operation) {
    List<Rig> rigs = new ArrayList<>();
    int points = new FailNthSweep<Rig>(() -> {
      Rig rig = setUp.get();
      rigs.add(rig);
      return rig;
    }, Rig::host, Rig::state, Rig::check).run(operation);
    for (Rig rig : rigs) {
      rig.tearDown();
    }
    return points;
  }

  /** IOMMU group 1 and emulated group 10 in a v2 container, plus IOMMU group 3 if asked. */
  private static Rig passthrough(boolean twoDomains) {
    Type1Fixture f = Type1Fixture.withLimit(100000).passthrough();
    if (twoDomains) {
      f.attachIommu(3);
    }
    return Rig.of(f);
  }

  private static Rig mdevOnly() {
    Type1Fixture f = Type1Fixture.withLimit(100000);
    Rig rig = Rig.of(f);
    f.setIommu(IommuType.TYPE1V2);
    return rig;
  }

  @Test
  void mapWithOneDomain() {
    // kzalloc(vfio_dma), then per single-page run: pin, charge, map.
    int points = sweep(() -> passthrough(false), r -> r.f.container.mapDma(r.f.task,
        DmaMapRequest.of(ANON, IOVA, 8 * P, true, true)));
    assertThat(points).isEqualTo(1 + 8 * 3);
  }

  @Test
  void mapOfHugePagesWithTwoDomains() {
    int points = sweep(() -> passthrough(true), r -> r.f.container.mapDma(r.f.task,
        DmaMapRequest.of(THP, IOVA, 2048 * P, true, true)));
    assertThat(points).isEqualTo(1 + 4 * (1 + 1 + 2));
  }

  @Test
  void mapCrossingFromRamIntoMmioWithTwoDomains() {
    // 16 RAM runs of one page (pin, charge, two maps), then one MMIO run (two maps only).
    int points = sweep(() -> passthrough(true), r -> r.f.container.mapDma(r.f.task,
        DmaMapRequest.of(RAM_16, IOVA, 32 * P, true, true)));
    assertThat(points).isEqualTo(1 + 16 * 4 + 2);
  }

  @Test
  void attachOfTheFirstDomainReplaysAndCharges() {
    // Five allocations, then per page of the replay: pin, charge (not for the 2 pinned), map.
    int points = sweep(() -> {
      Rig rig = mdevOnly();
      rig.f.map(IOVA, ANON, 8);
      rig.pin(IOVA + 2 * P, 2);
      return rig;
    }, r -> r.f.container.attachIommuGroup(r.f.task, 1));
    assertThat(points).isEqualTo(5 + 8 + 6 + 8);
  }

  @Test
  void attachOfASecondDomainCopiesTheFirst() {
    int points = sweep(() -> {
      Rig rig = passthrough(false);
      rig.f.map(IOVA, THP, 1024);
      rig.f.map(2 * IOVA << 8, ANON, 4);
      rig.pin(IOVA, 3);
      return rig;
    }, r -> r.f.container.attachIommuGroup(r.f.task, 3));
    assertThat(points).isEqualTo(5 + 2 + 4);
  }

  @Test
  void pinWithoutADomain() {
    // Four new pages (pin, charge, kzalloc(vfio_pfn)); pages 2 and 3 only take references.
    int points = sweep(() -> {
      Rig rig = mdevOnly();
      rig.f.map(IOVA, ANON, 8);
      rig.pin(IOVA + 2 * P, 2);
      return rig;
    }, r -> r.pin(IOVA, 6));
    assertThat(points).isEqualTo(4 * 3);
  }

  @Test
  void pinWithADomain() {
    int points = sweep(() -> {
      Rig rig = passthrough(false);
      rig.f.map(IOVA, ANON, 8);
      rig.pin(IOVA + 2 * P, 2);
      return rig;
    }, r -> r.pin(IOVA, 6));
    assertThat(points).isEqualTo(4 * 2);
  }

  @Test
  void unmapWithCallbacksAndCloseHaveNoFaultPoints() {
    Supplier<Rig> setUp = () -> {
      Rig rig = passthrough(true);
      rig.f.map(IOVA, ANON, 8);
      rig.f.map(2 * IOVA, THP, 512);
      rig.pin(IOVA, 4);
      rig.pin(2 * IOVA, 4);
      return rig;
    };
    assertThat(sweep(setUp, r -> r.f.container.unmapDma(r.f.task,
        DmaUnmapRequest.unmapAll()))).isZero();
    assertThat(sweep(setUp, r -> {
      r.f.releaseAll(r.driver, r.device);
      r.f.container.close();
    })).isZero();
  }

  @Test
  void setIommuWithGroupsWaiting() {
    int points = sweep(() -> {
      Type1Fixture f = Type1Fixture.unlimited();
      f.attachIommu(1);
      f.attachIommu(3);
      return Rig.of(f);
    }, r -> r.f.container.setIommu(r.f.task, IommuType.TYPE1V2));
    // kzalloc(vfio_iommu); emulated group: one allocation; each IOMMU group: five.
    assertThat(points).isEqualTo(1 + 1 + 5 + 5);
  }

  @Test
  void takingOverInvalidatedMappingsChargesTheNewOwner() {
    int points = sweep(() -> {
      Type1Fixture f = Type1Fixture.withLimit(100000).passthrough();
      f.map(IOVA, ANON, 8);
      f.unmap(new DmaUnmapRequest(24, DmaUnmapRequest.FLAG_VADDR, IOVA, 8 * P));
      return Rig.withoutDevice(f);
    }, r -> r.f.container.mapDma(r.f.task2,
        new DmaMapRequest(32, DmaMapRequest.FLAG_VADDR, ANON, IOVA, 8 * P)));
    assertThat(points).isOne();
  }

  @Test
  void getInfo() {
    int points = sweep(() -> passthrough(false), r -> r.f.container.getInfo(r.f.task, 1024));
    assertThat(points).isEqualTo(4);
  }
}
