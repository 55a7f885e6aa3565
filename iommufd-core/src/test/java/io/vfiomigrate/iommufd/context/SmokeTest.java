package io.vfiomigrate.iommufd.context;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.iommufd.testing.IommufdFixture;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void mapAttachPinUnmapClose() {
    IommufdFixture f = new IommufdFixture();
    int ioas = f.ioasAlloc();
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    assertThat(f.host.memory().pinnedPages()).isZero();
    IommufdFixture.MockDomain d = f.mockDomain(ioas);
    assertThat(f.host.memory().pinnedPages()).isEqualTo(16);
    IommufdFixture.SelftestAccess a = f.access(true);
    f.run(() -> a.access().attach(ioas));
    a.pin(MOCK_APERTURE_START + P, 2 * P, true);
    assertThat(f.host.memory().pinnedPages()).isEqualTo(16);
    assertThat(f.task.user().lockedVm()).isEqualTo(16);
    f.destroyMockDomain(d);
    assertThat(f.host.memory().pinnedPages()).isEqualTo(2);
    assertThat(f.unmap(ioas, MOCK_APERTURE_START, BUFFER_SIZE)).isEqualTo(BUFFER_SIZE);
    assertThat(a.callbacks()).isEqualTo(1);
    assertThat(f.host.memory().pinnedPages()).isZero();
    f.ctx.close();
    assertThat(f.host.memory().pinnedPages()).isZero();
    assertThat(f.host.log().count()).isZero();
  }
}
