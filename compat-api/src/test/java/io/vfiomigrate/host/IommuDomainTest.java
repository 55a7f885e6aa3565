package io.vfiomigrate.host;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.Prot;
import org.junit.jupiter.api.Test;

class IommuDomainTest {
  private static final long P = 4096;

  private static Host host() {
    return new Host(HostConfig.builder().build());
  }

  @Test
  void mapsTranslateAndUnmapWhole() {
    Host host = host();
    IommuDomain d = host.allocDomain(IommuSpec.defaults());
    d.map(0x100000, 0x5000000, 4 * P, Prot.READ_WRITE);
    d.map(0x104000, 0x9000000, P, Prot.READ);
    assertThat(d.iovaToPhys(0x102123)).hasValue(0x5002123L);
    assertThat(d.iovaToPhys(0x104000)).hasValue(0x9000000L);
    assertThat(d.iovaToPhys(0x105000)).isEmpty();
    assertThat(d.protAt(0x104000)).isEqualTo(Prot.READ);
    assertThat(d.mappedBytes()).isEqualTo(5 * P);
    assertThat(d.unmap(0x100000, 5 * P)).isEqualTo(5 * P);
    assertThat(d.entryCount()).isZero();
  }

  @Test
  void mappedBytesFromReachesTheEndOfTheMapCall() {
    IommuDomain d = host().allocDomain(IommuSpec.defaults());
    d.map(0x100000, 0x5000000, 4 * P, Prot.READ_WRITE);
    d.mapPageByPage(0x200000, 0x7000000, 2 * P, Prot.READ, P);
    assertThat(d.mappedBytesFrom(0x100000)).isEqualTo(4 * P);
    assertThat(d.mappedBytesFrom(0x102800)).isEqualTo(0x1800);
    assertThat(d.mappedBytesFrom(0x200000)).isEqualTo(2 * P);
    assertThat(d.mappedBytesFrom(0x104000)).isZero();
  }

  @Test
  void unmapOfAHoleReturnsZeroAndSupersetsAreFine() {
    IommuDomain d = host().allocDomain(IommuSpec.defaults());
    assertThat(d.unmap(0, 1L << 40)).isZero();
    d.map(0x200000, 0x200000, P, Prot.READ);
    assertThat(d.unmap(0, 1L << 40)).isEqualTo(P);
  }

  @Test
  void rejectsMisalignedMapsWithEinval() {
    IommuDomain d = host().allocDomain(IommuSpec.defaults());
    assertErrno(Errno.EINVAL, () -> d.map(0x800, 0, P, Prot.READ));
    assertErrno(Errno.EINVAL, () -> d.map(0, 0x800, P, Prot.READ));
    assertErrno(Errno.EINVAL, () -> d.map(0, 0, 0x800, Prot.READ));
    assertErrno(Errno.EINVAL, () -> d.map(0, 0, 0, Prot.READ));
    assertErrno(Errno.EINVAL, () -> d.map(-P, 0, 2 * P, Prot.READ));
    assertThat(d.entryCount()).isZero();
  }

  @Test
  void vtdRefusesMapsWithoutPermissionsAndTheMockTakesThem() {
    Host host = host();
    IommuDomain vtd = host.allocDomain(IommuSpec.defaults());
    assertErrno(Errno.EINVAL, () -> vtd.map(0x100000, 0, P, Prot.NONE));
    IommuDomain mock = host.allocDomain(IommuSpec.mock());
    mock.map(IommuSpec.MOCK_APERTURE_START, 0, P, Prot.NONE);
    assertThat(mock.protAt(IommuSpec.MOCK_APERTURE_START)).isEqualTo(Prot.NONE);
  }

  @Test
  void mockDomainTakesTwoKibPages() {
    IommuDomain d = host().allocDomain(IommuSpec.mock());
    d.map(IommuSpec.MOCK_APERTURE_START + 0x800, 0x1000800, 0x800, Prot.READ);
    assertThat(d.iovaToPhys(IommuSpec.MOCK_APERTURE_START + 0x900)).hasValue(0x1000900L);
    assertThat(d.spec().minPageSize()).isEqualTo(2048);
  }

  @Test
  void mappingOverAMappedIovaIsACallerBug() {
    IommuDomain d = host().allocDomain(IommuSpec.defaults());
    d.map(0x100000, 0, 2 * P, Prot.READ);
    assertThatThrownBy(() -> d.map(0x101000, 0, P, Prot.READ))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> d.map(0xff000, 0, 2 * P, Prot.READ))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unmapMustNotCutAnEarlierMap() {
    IommuDomain d = host().allocDomain(IommuSpec.defaults());
    d.map(0x100000, 0, 4 * P, Prot.READ);
    String before = d.dump();
    assertThatThrownBy(() -> d.unmap(0x101000, P)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> d.unmap(0x100000, P)).isInstanceOf(IllegalStateException.class);
    assertThat(d.dump()).isEqualTo(before);
  }

  @Test
  void pageByPageMapsSplitAtAnyPage() {
    IommuDomain d = host().allocDomain(IommuSpec.defaults());
    d.mapPageByPage(0x100000, 0x700000, 4 * P, Prot.READ_WRITE, P);
    assertThat(d.unmap(0x101000, 2 * P)).isEqualTo(2 * P);
    assertThat(d.iovaToPhys(0x100000)).hasValue(0x700000L);
    assertThat(d.iovaToPhys(0x103000)).hasValue(0x703000L);
    assertThat(d.iovaToPhys(0x101000)).isEmpty();
    assertThat(d.entryCount()).isEqualTo(2);
    assertThatThrownBy(() -> d.unmap(0x100800, 0x800)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mapsAndDomainAllocationsAreFaultPoints() {
    Host host = host();
    IommuDomain d = host.allocDomain(IommuSpec.defaults());
    host.faults().arm(1);
    assertErrno(Errno.ENOMEM, () -> d.map(0, 0, P, Prot.READ));
    assertThat(d.entryCount()).isZero();
    host.faults().arm(1);
    assertErrno(Errno.ENOMEM, () -> host.allocDomain(IommuSpec.defaults()));
    assertThat(host.faults().firedSite()).contains("iommu_paging_domain_alloc");
  }
}
