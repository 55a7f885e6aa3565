package io.vfiomigrate.iommufd.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.host.KernelWarning;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.device.AccessVfioDevice;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.iommufd.iopt.AccountMode;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import org.junit.jupiter.api.Test;

/**
 * The bare {@code iommufd} fixture of the kernel selftest: simple_close, cmd_fail,
 * global_options and vfio_ioas, plus the RLIMIT_MODE rules of spec B.2.
 */
class IommufdSelftestTest {
  private final IommufdFixture f = new IommufdFixture();

  @Test
  void simpleClose() {
    f.teardown();
  }

  @Test
  void destroyOfUnknownIdIsEnoent() {
    f.failsUnchanged(Errno.ENOENT, () -> f.ctx.destroy(0));
    f.teardown();
  }

  @Test
  void globalOptions() {
    assertThat(option(IommuOption.get(IommuOption.RLIMIT_MODE, 0))).isZero();
    option(IommuOption.set(IommuOption.RLIMIT_MODE, 0, 1));
    f.failsUnchanged(Errno.EINVAL,
        () -> f.ctx.option(f.task, IommuOption.set(IommuOption.RLIMIT_MODE, 0, 2)));
    assertThat(option(IommuOption.get(IommuOption.RLIMIT_MODE, 0))).isEqualTo(1);
    assertThat(f.ctx.accountMode()).isEqualTo(AccountMode.MM);
    f.failsUnchanged(Errno.ENOENT,
        () -> f.ctx.option(f.task, IommuOption.get(IommuOption.HUGE_PAGES, 0)));
    f.failsUnchanged(Errno.EOPNOTSUPP,
        () -> f.ctx.option(f.task, IommuOption.get(IommuOption.RLIMIT_MODE, 5)));
    f.failsUnchanged(Errno.EOPNOTSUPP,
        () -> f.ctx.option(f.task, new IommuOption(IommuOption.RLIMIT_MODE, 7, 0, 0)));
    f.failsUnchanged(Errno.EOPNOTSUPP,
        () -> f.ctx.option(f.task, IommuOption.get(9, 0)));
    f.teardown();
  }

  @Test
  void rlimitModeNeedsCapSysResourceAndAnEmptyContext() {
    IommufdFixture unprivileged = new IommufdFixture(IommufdFixture.defaultConfig(
        new TaskSpec(IommufdFixture.PID, IommufdFixture.UID, 1L << 30, false, false, false)));
    unprivileged.failsUnchanged(Errno.EPERM, () -> unprivileged.ctx.option(unprivileged.task,
        IommuOption.set(IommuOption.RLIMIT_MODE, 0, 1)));
    f.ioasAlloc();
    f.failsUnchanged(Errno.EBUSY,
        () -> f.ctx.option(f.task, IommuOption.set(IommuOption.RLIMIT_MODE, 0, 1)));
    assertThat(option(IommuOption.get(IommuOption.RLIMIT_MODE, 0))).isZero();
    f.teardown();
    unprivileged.teardown();
  }

  @Test
  void vfioContainerOpensInMmMode() {
    assertThat(IommufdContext.openVfioContainer(f.host).accountMode()).isEqualTo(AccountMode.MM);
    assertThat(IommufdContext.open(f.host).accountMode()).isEqualTo(AccountMode.USER);
  }

  @Test
  void vfioIoas() {
    f.failsUnchanged(Errno.ENODEV, f.ctx::vfioIoasGet);
    f.failsUnchanged(Errno.ENOENT, () -> f.ctx.vfioIoasSet(55));
    int ioas = f.ioasAlloc();
    f.run(() -> f.ctx.vfioIoasSet(ioas));
    assertThat(f.ctx.vfioIoasGet()).isEqualTo(ioas);
    f.run(f.ctx::vfioIoasClear);
    f.failsUnchanged(Errno.ENODEV, f.ctx::vfioIoasGet);
    f.teardown();
  }

  @Test
  void compatIoasIsCreatedOnceAndClearedByDestroy() {
    f.run(f.ctx::compatIoasCreate);
    int id = f.ctx.vfioIoasGet();
    f.run(f.ctx::compatIoasCreate);
    assertThat(f.ctx.vfioIoasGet()).isEqualTo(id);
    f.failsUnchanged(Errno.EINVAL, f.ctx::setNoIommu);
    f.run(() -> f.ctx.destroy(id));
    f.failsUnchanged(Errno.ENODEV, f.ctx::compatIoas);
    f.run(f.ctx::setNoIommu);
    f.failsUnchanged(Errno.EINVAL, f.ctx::compatIoasCreate);
    f.teardown();
  }

  @Test
  void objectIdsStartAtOneAndAreReused() {
    int a = f.ioasAlloc();
    int b = f.ioasAlloc();
    assertThat(a).isEqualTo(1);
    assertThat(b).isEqualTo(2);
    f.run(() -> f.ctx.destroy(a));
    assertThat(f.ioasAlloc()).isEqualTo(1);
    f.teardown();
  }

  /**
   * A driver that ignores its unmap callback keeps its pins past close, as in the kernel: the
   * IOAS cannot unmap the area (EDEADLOCK after 100 tries) and the pages leak, with warnings.
   */
  @Test
  void closingWithADriverThatNeverUnpinsLeaksItsPins() {
    int ioas = f.ioasAlloc();
    f.mapFixed(ioas, IommufdFixture.BUFFER, 4 * IommufdFixture.P, 0);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.IGNORE, IommufdFixture.P);
    AccessVfioDevice device = AccessVfioDevice.bind(f.ctx, 7, driver, null);
    device.access().attach(ioas);
    driver.pin(device, 0, 2, Prot.READ);
    f.ctx.close();
    assertThat(f.host.memory().pinnedPages()).isEqualTo(2);
    assertThat(f.task.user().lockedVm()).isEqualTo(2);
    assertThat(f.ctx.hasLeaks()).isTrue();
    assertThat(f.ctx.dumpState()).contains("leaked ioas");
    f.check();
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function).containsExactly(
        "iopt_unmap_iova_range", "iommufd_ioas_destroy", "iopt_destroy_table");
  }

  private long option(IommuOption option) {
    return f.op(() -> f.ctx.option(f.task, option));
  }
}
