package io.vfiomigrate.iommufd.device;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_PAGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.PID;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.UID;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.MockDomain;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Physical devices, automatic domains and HWPT life cycles (spec B.1, B.3, B.8). */
class DeviceTest {
  /** Group 30 is behind the x86 default IOMMU (4K/2M/1G, MSI window reserved). */
  private final IommufdFixture f = new IommufdFixture();
  private final int ioas = f.ioasAlloc();

  @AfterEach
  void closeLeavesNoPin() {
    f.teardown();
  }

  @Test
  void compatibleDevicesShareOneAutomaticDomainIncompatibleOnesDoNot() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    MockDomain a = f.mockDomain(ioas);
    MockDomain b = f.mockDomain(ioas);
    MockDomain c = f.mockDomainB(ioas);
    assertThat(b.hwptId()).isEqualTo(a.hwptId());
    assertThat(c.hwptId()).isNotEqualTo(a.hwptId());
    assertThat(f.ctx.ioas(ioas).iopt().domains()).hasSize(2);
    f.assertRefs(BUFFER, BUFFER_SIZE, 1);
    f.fails(Errno.EBUSY, () -> f.ctx.destroy(a.hwptId()));
    f.fails(Errno.EBUSY, () -> f.ctx.destroy(a.deviceId()));
    f.fails(Errno.EBUSY, () -> f.ctx.destroy(ioas));
    f.destroyMockDomain(a);
    assertThat(f.ctx.ioas(ioas).iopt().domains()).hasSize(2);
    f.destroyMockDomain(b);
    f.failsUnchanged(Errno.ENOENT, () -> f.ctx.destroy(a.hwptId()));
    assertThat(f.ctx.ioas(ioas).iopt().domains()).hasSize(1);
    f.assertRefs(BUFFER, BUFFER_SIZE, 1);
    f.destroyMockDomain(c);
    f.assertRefs(BUFFER, BUFFER_SIZE, 0);
    f.run(() -> f.ctx.destroy(ioas));
  }

  @Test
  void theApertureIsReservedAndAreasOutsideItRefuseTheDomain() {
    f.mapFixed(ioas, BUFFER, P, 0);
    int dev = f.op(() -> f.ctx.deviceBind(1));
    f.failsUnchanged(Errno.EADDRINUSE, () -> f.ctx.deviceAttach(dev, ioas));
    f.unmap(ioas, 0, P);
    f.run(() -> f.ctx.deviceAttach(dev, ioas));
    f.failsUnchanged(Errno.EINVAL, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.fixed(ioas, BUFFER, P, 0)));
    f.failsUnchanged(Errno.EINVAL, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.fixed(ioas, BUFFER, P, IommuSpec.MOCK_APERTURE_LAST + 1)));
    assertThat(f.ctx.ioasIovaRanges(ioas, 4).ranges())
        .containsExactly(new IovaRange(MOCK_APERTURE_START, IommuSpec.MOCK_APERTURE_LAST));
  }

  @Test
  void theMsiWindowOfAnX86DeviceIsReservedWhileItIsAttached() {
    long msi = IommuSpec.X86_MSI_WINDOW.first();
    int dev = f.op(() -> f.ctx.deviceBind(30));
    f.mapFixed(ioas, BUFFER, P, msi);
    f.failsUnchanged(Errno.EADDRINUSE, () -> f.ctx.deviceAttach(dev, ioas));
    f.unmap(ioas, msi, P);
    f.run(() -> f.ctx.ioasAllowIovas(ioas, List.of(new IovaRange(msi - P, msi + P))));
    f.failsUnchanged(Errno.EADDRINUSE, () -> f.ctx.deviceAttach(dev, ioas));
    f.run(() -> f.ctx.ioasAllowIovas(ioas, List.of()));
    f.run(() -> f.ctx.deviceAttach(dev, ioas));
    assertThat(f.ctx.ioasIovaRanges(ioas, 4).ranges()).containsExactly(
        new IovaRange(0, msi - 1), new IovaRange(IommuSpec.X86_MSI_WINDOW.last() + 1, U64.MAX));
    assertThat(f.ctx.ioasIovaRanges(ioas, 4).iovaAlignment()).isEqualTo(P);
    f.failsUnchanged(Errno.EINVAL, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.fixed(ioas, BUFFER, P, msi)));
    f.run(() -> f.ctx.deviceDetach(dev));
    assertThat(f.ctx.ioasIovaRanges(ioas, 4).ranges()).containsExactly(IovaRange.ALL);
  }

  @Test
  void aDomainNeedsAlignedAreasAndPagesNoBiggerThanPageSize() {
    f.mapFixed(ioas, BUFFER + MOCK_PAGE_SIZE, P, 0x100000);
    int dev = f.op(() -> f.ctx.deviceBind(30));
    f.failsUnchanged(Errno.EADDRINUSE, () -> f.ctx.deviceAttach(dev, ioas));
    IommufdFixture big = new IommufdFixture(HostConfig.builder()
        .task(TaskSpec.of(PID, UID, 1L << 30))
        .groupIommu(5, new IommuSpec("8k", 0x2000, 0, U64.MAX, List.of())).build());
    int bigIoas = big.ioasAlloc();
    int bigDev = big.op(() -> big.ctx.deviceBind(5));
    big.failsUnchanged(Errno.EINVAL, () -> big.ctx.deviceAttach(bigDev, bigIoas));
    big.teardown();
  }

  @Test
  void attachingAnAttachedDeviceReplacesItsDomain() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    int other = f.ioasAlloc();
    f.mapFixed(other, BIG, BUFFER_SIZE, MOCK_APERTURE_START);
    MockDomain d = f.mockDomain(ioas);
    f.assertRefs(BUFFER, BUFFER_SIZE, 1);
    int hwpt = f.op(() -> f.ctx.deviceAttach(d.deviceId(), other));
    assertThat(hwpt).isNotEqualTo(d.hwptId());
    f.assertRefs(BUFFER, BUFFER_SIZE, 0);
    f.assertRefs(BIG, BUFFER_SIZE, 1);
    assertThat(f.ctx.ioas(ioas).iopt().domains()).isEmpty();
    assertThat(f.op(() -> f.ctx.deviceAttach(d.deviceId(), other))).isEqualTo(hwpt);
    assertThat(f.op(() -> f.ctx.deviceAttach(d.deviceId(), ioas))).isNotEqualTo(hwpt);
    f.assertRefs(BIG, BUFFER_SIZE, 0);
    f.failsUnchanged(Errno.EINVAL, () -> f.ctx.deviceAttach(d.deviceId(), d.deviceId()));
  }

  @Test
  void devicesOfOneGroupShareItsDomain() {
    int first = f.op(() -> f.ctx.deviceBind(3));
    int second = f.op(() -> f.ctx.deviceBind(3));
    int other = f.ioasAlloc();
    int hwpt = f.op(() -> f.ctx.deviceAttach(first, ioas));
    f.failsUnchanged(Errno.EINVAL, () -> f.ctx.deviceAttach(second, other));
    assertThat(f.op(() -> f.ctx.deviceAttach(second, ioas))).isEqualTo(hwpt);
    f.run(() -> f.ctx.deviceUnbind(first));
    assertThat(f.ctx.ioas(ioas).iopt().domains()).hasSize(1);
    f.run(() -> f.ctx.deviceUnbind(second));
    assertThat(f.ctx.ioas(ioas).iopt().domains()).isEmpty();
  }

  @Test
  void aHwptCanBeAttachedDirectlyAndTheIoasCannotGoWhileItExists() {
    MockDomain d = f.mockDomain(ioas);
    MockDomain direct = f.mockDomain(d.hwptId());
    assertThat(direct.hwptId()).isEqualTo(d.hwptId());
    f.failsUnchanged(Errno.EINVAL, () -> f.mockDomainB(d.hwptId()));
    f.failsUnchanged(Errno.ENOENT, () -> f.ctx.deviceAttach(d.deviceId(), 77));
    f.failsUnchanged(Errno.ENOENT, () -> f.ctx.deviceDetach(77));
    f.destroyMockDomain(d);
    f.destroyMockDomain(direct);
    f.run(() -> f.ctx.destroy(ioas));
  }
}
