package io.vfiomigrate.iommufd.compat;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.iommufd.context.IommufdContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The VFIO compat tests of the selftest's bare {@code iommufd} fixture (spec D.2): a fresh fd
 * answers the static CHECK_EXTENSIONs, rejects bad arguments first and then fails with ENODEV
 * for want of a compat IOAS; IOMMU_VFIO_IOAS GET, SET and CLEAR.
 */
class VfioCompatFreshFdTest {
  private static final long START = IommuSpec.MOCK_APERTURE_START;

  private final CompatFixture f = new CompatFixture();
  private final VfioCompatContainer container = f.container;

  @AfterEach
  void teardown() {
    f.teardown();
  }

  @Test
  void simpleIoctls() {
    assertThat(container.checkExtension(VfioExtension.TYPE1V2_IOMMU)).isEqualTo(1);
    f.failsUnchanged(Errno.ENODEV, () -> container.checkExtension(VfioExtension.DMA_CC_IOMMU));
  }

  @Test
  void unmapCmd() {
    f.failsUnchanged(Errno.EINVAL, () -> container.unmapDma(f.task,
        new DmaUnmapRequest(1, 0, START, CompatFixture.P)));
    f.failsUnchanged(Errno.EINVAL, () -> container.unmapDma(f.task,
        new DmaUnmapRequest(DmaUnmapRequest.STRUCT_SIZE, 1 << 31, START, CompatFixture.P)));
    f.failsUnchanged(Errno.ENODEV, () -> container.unmapDma(f.task,
        DmaUnmapRequest.range(START, CompatFixture.P)));
  }

  @Test
  void mapCmd() {
    f.failsUnchanged(Errno.EINVAL, () -> container.mapDma(f.task,
        new DmaMapRequest(1, 0, BUFFER, START, CompatFixture.P)));
    f.failsUnchanged(Errno.EINVAL, () -> container.mapDma(f.task,
        new DmaMapRequest(DmaMapRequest.STRUCT_SIZE, 1 << 31, BUFFER, START, CompatFixture.P)));
    f.failsUnchanged(Errno.ENODEV, () -> container.mapDma(f.task,
        DmaMapRequest.of(BUFFER, START, CompatFixture.P, true, true)));
  }

  @Test
  void infoCmd() {
    f.failsUnchanged(Errno.EINVAL, () -> container.getInfo(f.task, 1));
    f.failsUnchanged(Errno.ENODEV, () -> container.getInfo(f.task, 24));
  }

  @Test
  void setIommuCmd() {
    f.failsUnchanged(Errno.ENODEV, () -> container.setIommu(f.task, IommuType.TYPE1V2));
    f.failsUnchanged(Errno.ENODEV, () -> container.setIommu(f.task, IommuType.TYPE1));
  }

  @Test
  void vfioIoas() {
    IommufdContext ictx = container.ictx();
    f.failsUnchanged(Errno.ENODEV, ictx::vfioIoasGet);
    f.failsUnchanged(Errno.ENOENT, () -> ictx.vfioIoasSet(0));
    int ioasId = ictx.ioasAlloc();
    f.run(() -> ictx.vfioIoasSet(ioasId));
    assertThat(f.op(ictx::vfioIoasGet)).isEqualTo(ioasId);
    f.run(ictx::vfioIoasClear);
    f.failsUnchanged(Errno.ENODEV, ictx::vfioIoasGet);
  }
}
