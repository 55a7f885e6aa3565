package io.vfiomigrate.contract;

import static io.vfiomigrate.contract.ContractHost.GROUP;
import static io.vfiomigrate.contract.ContractHost.MB;
import static io.vfiomigrate.contract.ContractHost.MDEV;
import static io.vfiomigrate.contract.ContractHost.P;
import static io.vfiomigrate.contract.ContractHost.PID;
import static io.vfiomigrate.contract.ContractHost.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.testing.FailNthSweep;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fail-nth study (spec D.3) through the contract: every fault point each operation
 * passes is made to fail in turn; a failed operation leaves the backend and the host exactly
 * as they were, an absorbed failure as a clean run would, the invariants hold, and closing the
 * container afterwards leaves no pin and no charge.
 */
class FailNthContractTest {
  /** A container of {@link ContractHost#PID} with an emulated group and SET_IOMMU done. */
  private record Guest(BackendUnderTest k, Task task, Type1Container c,
      TrackingMdevDriver driver, VfioDevice mdev) {
    static Guest of(ContractBackend backend, boolean passthrough, IommuType type) {
      BackendUnderTest k = new BackendUnderTest(backend);
      Task task = k.host.task(PID);
      Type1Container c = k.open(PID);
      if (passthrough) {
        c.attachIommuGroup(task, GROUP);
      }
      TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
      VfioDevice mdev = c.attachEmulatedGroup(task, MDEV, driver);
      c.setIommu(task, type);
      return new Guest(k, task, c, driver, mdev);
    }

    void map(long iova, long size) {
      c.mapDma(task, DmaMapRequest.of(RAM + iova, iova, size, true, true));
    }

    /** The driver releases its pins as its close_device would, then the container closes. */
    void close() {
      driver.pins().forEach(pin -> driver.unpin(mdev, pin.iova(), pin.npage()));
      k.closeAll();
    }
  }

  private static int sweep(Supplier<Guest> setUp, Consumer<Guest> op) {
    return new FailNthSweep<Guest>(setUp, g -> g.k().host, g -> g.k().state(),
        g -> g.k().backend.checkInvariants())
        .teardown(Guest::close)
        .run(op);
  }

  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void mapWithADomain(ContractBackend backend) {
    int points = sweep(() -> Guest.of(backend, true, IommuType.TYPE1V2), g -> g.map(MB, 2 * MB));
    assertThat(points).isPositive();
  }

  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void unmapWithPinsToRelease(ContractBackend backend) {
    sweep(() -> {
      Guest g = Guest.of(backend, true, IommuType.TYPE1V2);
      g.map(MB, MB);
      g.map(2 * MB, MB);
      g.driver().pin(g.mdev(), 2 * MB, 4, Prot.READ);
      return g;
    }, g -> g.c().unmapDma(g.task(), DmaUnmapRequest.range(MB, 2 * MB)));
  }

  /** Compat's v1 unmap cuts an area first (iopt_area_split allocates two areas). */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void v1PartialUnmap(ContractBackend backend) {
    int points = sweep(() -> {
      Guest g = Guest.of(backend, true, IommuType.TYPE1);
      g.map(MB, MB);
      return g;
    }, g -> g.c().unmapDma(g.task(), DmaUnmapRequest.range(MB, MB / 2)));
    assertThat(points).isEqualTo(backend.pick(0, 2));
  }

  /** Attaching a passthrough group fills its new domain: pins, maps and charges every page. */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void attachWithDomainFill(ContractBackend backend) {
    int points = sweep(() -> {
      Guest g = Guest.of(backend, false, IommuType.TYPE1V2);
      g.map(MB, MB);
      g.map(4 * MB, 2 * MB);
      g.driver().pin(g.mdev(), MB, 4, Prot.READ_WRITE);
      return g;
    }, g -> g.c().attachIommuGroup(g.task(), GROUP));
    assertThat(points).isPositive();
  }

  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void pinWithoutADomain(ContractBackend backend) {
    int points = sweep(() -> {
      Guest g = Guest.of(backend, false, IommuType.TYPE1V2);
      g.map(MB, MB);
      return g;
    }, g -> g.driver().pin(g.mdev(), MB, 16, Prot.READ_WRITE));
    assertThat(points).isPositive();
  }
}
