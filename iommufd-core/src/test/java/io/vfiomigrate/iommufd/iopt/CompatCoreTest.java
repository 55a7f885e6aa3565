package io.vfiomigrate.iommufd.iopt;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the type1 compatibility adapter needs from the core: large pages disabled (page by
 * page maps), {@code iopt_cut_iova}/{@code iopt_area_split} for v1 partial unmaps, the bytes
 * unmapped before a failure, MM accounting for the iommufd-provided {@code /dev/vfio/vfio}.
 */
class CompatCoreTest {
  private static final long A = MOCK_APERTURE_START;
  private static final long HUGE_PAGE = 2L << 20;

  private final IommufdFixture f = new IommufdFixture();
  private final int ioas = f.ioasAlloc();
  private final IoPagetable iopt = f.ctx.ioas(ioas).iopt();

  @AfterEach
  void closeLeavesNoPin() {
    f.teardown();
  }

  @Test
  void withLargePagesDisabledAV1UnmapSplitsAnyPage() {
    f.run(iopt::disableLargePages);
    assertThat(iopt.iovaAlignment()).isEqualTo(P);
    f.mockDomain(ioas);
    f.mapFixed(ioas, HUGE, HUGE_SIZE, A);
    assertThat(iopt.domains().get(0).dump()).contains("/4096");
    f.run(() -> iopt.cutIova(A + 3 * P - 1, A + HUGE_PAGE + 5 * P - 1));
    assertThat(iopt.areaCount()).isEqualTo(3);
    assertThat(f.unmap(ioas, A + 3 * P, HUGE_PAGE + 2 * P)).isEqualTo(HUGE_PAGE + 2 * P);
    assertThat(f.pins(HUGE)).isEqualTo(1);
    assertThat(f.pins(HUGE + 3 * P)).isZero();
    assertThat(f.pins(HUGE + HUGE_PAGE + 4 * P)).isZero();
    assertThat(f.pins(HUGE + HUGE_PAGE + 5 * P)).isEqualTo(1);
    assertThat(f.task.user().lockedVm()).isEqualTo(1024 - 512 - 2);
    assertThat(f.ctx.dumpState()).contains("refs 2");
    assertThat(f.unmap(ioas, 0, -1L)).isEqualTo(HUGE_SIZE - HUGE_PAGE - 2 * P);
  }

  @Test
  void cutsAreRefusedWhereTheKernelRefusesThem() {
    f.mockDomain(ioas);
    f.mapFixed(ioas, HUGE, HUGE_SIZE, A);
    f.failsUnchanged(Errno.EINVAL, () -> iopt.cutIova(A + P - 1));
    f.failsUnchanged(Errno.EINVAL, () -> iopt.disableLargePages());
    f.run(() -> iopt.cutIova(A, A + HUGE_SIZE - 1, A - 1));
    assertThat(iopt.areaCount()).isEqualTo(1);

    int lazy = f.ioasAlloc();
    IoPagetable table = f.ctx.ioas(lazy).iopt();
    f.mapFixed(lazy, BUFFER, 8 * P, 0);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(lazy));
    f.failsUnchanged(Errno.EINVAL, () -> table.cutIova(0x7ff));
    f.run(() -> table.cutIova(P - 1, 2 * P - 1));
    assertThat(table.areaCount()).isEqualTo(3);
    access.pin(4 * P, P, false);
    f.failsUnchanged(Errno.EINVAL, () -> table.cutIova(5 * P - 1));
    access.unpin(0);
    f.run(() -> table.cutIova(5 * P - 1));
    assertThat(table.areaCount()).isEqualTo(4);
  }

  @Test
  void hugePagesCanBeReenabledAndDisablingChecksAlignment() {
    f.mapFixed(ioas, BUFFER + 0x800, P, 0);
    f.failsUnchanged(Errno.EADDRINUSE, iopt::disableLargePages);
    assertThat(iopt.largePagesDisabled()).isFalse();
    f.unmap(ioas, 0, P);
    f.run(iopt::disableLargePages);
    f.run(iopt::disableLargePages);
    f.run(iopt::enableLargePages);
    assertThat(iopt.iovaAlignment()).isEqualTo(1);
    assertThat(f.op(() -> f.ctx.option(f.task, IommuOption.get(IommuOption.HUGE_PAGES, ioas))))
        .isEqualTo(1);
  }

  @Test
  void aFailedUnmapReportsTheBytesUnmappedBeforeIt() {
    f.mapFixed(ioas, BUFFER, 4 * P, 0);
    f.mapFixed(ioas, BUFFER, 4 * P, 4 * P);
    try {
      iopt.unmapIova(0, 6 * P);
      throw new AssertionError("unmap succeeded");
    } catch (KernelException e) {
      assertThat(e.errno()).isEqualTo(Errno.ENOENT);
      assertThat(e.partialResult()).hasValue(4 * P);
    }
    f.check();
    assertThat(iopt.areaCount()).isEqualTo(1);
    assertThat(iopt.unmapIova(0, 4 * P)).as("an empty range unmaps nothing").isZero();
    f.fails(Errno.ENOENT, () -> f.ctx.ioasUnmap(ioas, 0, 4 * P));
  }

  @Test
  void theVfioContainerChargesTheMappersMm() {
    IommufdContext compat = IommufdContext.openVfioContainer(f.host);
    compat.compatIoasCreate();
    IoPagetable table = compat.compatIoas().iopt();
    compat.deviceAttach(compat.deviceBind(4), compat.vfioIoasGet());
    table.mapUserPages(f.task, compat.accountMode(), A, BUFFER, 8 * P, Prot.NONE, false);
    assertThat(f.task.mm().lockedVm()).isEqualTo(8);
    assertThat(f.task.mm().pinnedVm()).isEqualTo(8);
    assertThat(f.task.user().lockedVm()).isZero();
    compat.close();
    assertThat(f.task.mm().lockedVm()).isZero();
  }
}
