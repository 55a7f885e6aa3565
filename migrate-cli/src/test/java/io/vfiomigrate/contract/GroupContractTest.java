package io.vfiomigrate.contract;

import static io.vfiomigrate.api.Errno.EEXIST;
import static io.vfiomigrate.api.Errno.EINVAL;
import static io.vfiomigrate.api.Errno.ENOMEM;
import static io.vfiomigrate.contract.ContractHost.GROUP;
import static io.vfiomigrate.contract.ContractHost.GROUP2;
import static io.vfiomigrate.contract.ContractHost.MB;
import static io.vfiomigrate.contract.ContractHost.MDEV;
import static io.vfiomigrate.contract.ContractHost.P;
import static io.vfiomigrate.contract.ContractHost.PID;
import static io.vfiomigrate.contract.ContractHost.PID_L1000;
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
import io.vfiomigrate.contract.BackendUnderTest.Vm;
import io.vfiomigrate.host.KernelWarning;
import io.vfiomigrate.host.Task;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Groups joining and leaving a container: domains, replay, reaccounting, close. */
class GroupContractTest {
  private static DmaMapRequest rw(long vaddr, long iova, long size) {
    return DmaMapRequest.of(vaddr, iova, size, true, true);
  }

  /**
   * Oracle detach-last-group-drops-mappings: the last group leaving a type1 container releases
   * the backend, so the mappings go and MAP is EINVAL until SET_IOMMU again; the compat IOAS
   * survives with its area unpinned (EEXIST), and re-attaching the device re-pins it.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void detachingTheLastGroup(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    k.step(() -> c.attachIommuGroup(task, GROUP));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    k.step(() -> c.detachGroup(task, GROUP));
    assertThat(k.vm(PID)).isEqualTo(new Vm(0, 0));
    k.failsUnchanged(k.expect(EINVAL, EEXIST), () -> c.mapDma(task, rw(RAM, MB, MB)));
    k.step(() -> c.attachIommuGroup(task, GROUP));
    assertThat(k.vm(PID)).isEqualTo(k.expect(new Vm(0, 0), new Vm(256, 256)));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.outcome(k.expect(null, EEXIST), () -> c.mapDma(task, rw(RAM, MB, MB)));
    assertThat(k.step(() -> c.unmapDma(task, DmaUnmapRequest.unmapAll()))).isEqualTo(MB);
    k.closeAll();
  }

  /**
   * Spec C5, oracle c5-hotplug-passthrough-*: hot-plugging a passthrough group under mdev pins
   * pins and charges the rest (type1 replay, iommufd domain fill), unplugging reaccounts to the
   * mdev pins; with too small a limit the attach fails ENOMEM and changes nothing.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void hotplugPassthroughUnderMdevPins(ContractBackend backend) {
    for (int pid : new int[] {PID, PID_L1000}) {
      BackendUnderTest k = new BackendUnderTest(backend);
      Task task = k.host.task(pid);
      Type1Container c = k.open(pid);
      TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
      VfioDevice mdev = k.step(() -> c.attachEmulatedGroup(task, MDEV, driver));
      k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
      k.step(() -> c.mapDma(task, rw(RAM, MB, 4 * MB)));
      assertThat(k.vm(pid)).isEqualTo(new Vm(0, 0));
      k.step(() -> driver.pin(mdev, MB, 4, Prot.READ_WRITE));
      assertThat(k.vm(pid)).isEqualTo(k.charged(4));
      if (pid == PID_L1000) {
        k.failsUnchanged(ENOMEM, () -> c.attachIommuGroup(task, GROUP));
      } else {
        k.step(() -> c.attachIommuGroup(task, GROUP));
        assertThat(k.vm(pid)).isEqualTo(k.charged(1024));
        k.step(() -> c.detachGroup(task, GROUP));
      }
      assertThat(k.vm(pid)).isEqualTo(k.charged(4));
      k.step(() -> driver.unpin(mdev, MB, 4));
      assertThat(k.vm(pid)).isEqualTo(new Vm(0, 0));
      k.closeAll();
    }
  }

  /**
   * Oracle two-passthrough-groups-share-domain and hotplug-mdev-into-passthrough-then-unplug:
   * groups behind one IOMMU share a domain (pinned once); an mdev hot-plugged into it pins for
   * free, and its unplug keeps the mappings.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void sharedDomainAndMdevHotplug(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    k.step(() -> c.attachIommuGroup(task, GROUP));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    k.step(() -> c.attachIommuGroup(task, GROUP2));
    assertThat(k.vm(PID)).isEqualTo(k.charged(256));
    assertThat(k.host.memory().pinCount(task.mm(), RAM)).isEqualTo(1);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice mdev = k.step(() -> c.attachEmulatedGroup(task, MDEV, driver));
    k.step(() -> driver.pin(mdev, MB, 8, Prot.READ));
    assertThat(k.vm(PID)).isEqualTo(k.charged(256));
    k.step(() -> driver.unpin(mdev, MB, 8));
    k.step(() -> c.detachGroup(task, MDEV));
    assertThat(k.vm(PID)).isEqualTo(k.charged(256));
    k.failsUnchanged(EINVAL, () -> c.attachIommuGroup(task, GROUP));
    k.failsUnchanged(EINVAL, () -> c.detachGroup(task, MDEV));
    k.closeAll();
  }

  /**
   * Oracle container-close-releases-everything: a driver that releases its pins when its
   * device closes (close_device), then close, returns every counter to 0 in both.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void closeReleasesEverything(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    k.step(() -> c.attachIommuGroup(task, GROUP));
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice mdev = k.step(() -> c.attachEmulatedGroup(task, MDEV, driver));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.step(() -> c.mapDma(task, rw(RAM, MB, 2 * MB)));
    k.step(() -> driver.pin(mdev, MB, 16, Prot.READ_WRITE));
    driver.pins().forEach(pin -> k.step(() -> driver.unpin(mdev, pin.iova(), pin.npage())));
    k.closeAll();
  }

  /**
   * Closing while a driver still holds pins and has no close_device of its own: type1's release
   * frees the dmas without notifying anyone (vfio_remove_dma WARNs and the pins leak), while
   * compat destroys the device's access, whose detach calls dma_unmap over the whole IOVA space
   * (drivers/vfio/iommufd.c, iommufd_access_change_ioas): the driver unpins and nothing leaks.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void closeWithPinsStillHeld(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice mdev = k.step(() -> c.attachEmulatedGroup(task, MDEV, driver));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    k.step(() -> driver.pin(mdev, MB, 4, Prot.READ));
    k.step(c::close);
    assertThat(k.host.memory().pinRefs()).isEqualTo(k.expect(4L, 0L));
    assertThat(k.vm(PID)).isEqualTo(k.expect(new Vm(4, 0), new Vm(0, 0)));
    assertThat(driver.pins()).hasSize(k.expect(1, 0));
    assertThat(k.host.log().warnings()).extracting(KernelWarning::function)
        .containsExactlyElementsOf(k.expect(List.of("vfio_remove_dma"),
            List.of()));
  }
}
