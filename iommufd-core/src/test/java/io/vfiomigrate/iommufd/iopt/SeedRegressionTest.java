package io.vfiomigrate.iommufd.iopt;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.MockDomain;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import org.junit.jupiter.api.Test;

/**
 * One regression test per bug found in pages.c by syzkaller, the fail-nth study and review
 * (the seeds). Each scenario is built so that the buggy variant of the algorithm corrupts pin
 * counts, unmaps what it should not, or warns.
 */
class SeedRegressionTest {
  private static final long HUGE_PAGE = 2L << 20;

  private final IommufdFixture f = new IommufdFixture();
  private final int ioas = f.ioasAlloc();

  /**
   * A hugetlb area in one domain, an access holding {@code [first, last]} (page indexes), and
   * the domain removed: the unfill must unmap whole 2 MiB map calls and carry the PFNs the
   * access keeps.
   */
  private SelftestAccess removeDomainAroundAccess(long first, long last) {
    MockDomain domain = f.mockDomain(ioas);
    f.mapFixed(ioas, HUGE, HUGE_SIZE, MOCK_APERTURE_START);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(ioas));
    access.pin(MOCK_APERTURE_START + first * P, (last - first + 1) * P, false);
    f.destroyMockDomain(domain);
    for (long i = 0; i < HUGE_SIZE / P; i++) {
      assertThat(f.pins(HUGE + i * P)).as("pins of index %d", i)
          .isEqualTo(i >= first && i <= last ? 1 : 0);
    }
    assertThat(f.task.user().lockedVm()).isEqualTo(last - first + 1);
    return access;
  }

  /**
   * "Set end correctly when doing batch carry": the carry must stay the first entry so the
   * next hole's PFNs are appended after it, not over it.
   */
  @Test
  void batchCarryEnd() {
    SelftestAccess access = removeDomainAroundAccess(10, 20);
    access.unpin(0);
    f.assertRefs(HUGE, HUGE_SIZE, 0);
    f.teardown();
  }

  /**
   * "Do not corrupt the pfn list when doing batch carry": with a one-entry batch the carried
   * PFN must be computed before the entry's count is overwritten.
   */
  @Test
  void batchCarryOrdering() {
    SelftestAccess access = removeDomainAroundAccess(10, 10);
    access.unpin(0);
    f.teardown();
  }

  /**
   * "Fix unpinning of pages when an access is present": after a carry the batch starts at the
   * hole's first index, not at the first index still to be read from the domain.
   */
  @Test
  void unpinWithAnAccessPresent() {
    SelftestAccess access = removeDomainAroundAccess(10, 12);
    assertThat(f.pins(HUGE + 13 * P)).isZero();
    assertThat(f.pins(HUGE + HUGE_PAGE)).isZero();
    access.unpin(0);
    f.teardown();
  }

  /** "Check for uptr overflow": a user range that wraps past zero is refused up front. */
  @Test
  void uptrOverflow() {
    f.mockDomain(ioas);
    f.failsUnchanged(Errno.EOVERFLOW, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.anywhere(ioas, U64.MAX - P + 1, 2 * P)));
    f.teardown();
  }

  /**
   * The span iterator at its limit: advancing exactly onto the last index must still visit it,
   * or the last page of a pin that extends an existing access is never filled.
   */
  @Test
  void spanIteratorLimit() {
    f.mapFixed(ioas, BIG, 16 * P, MOCK_APERTURE_START);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(ioas));
    access.pin(MOCK_APERTURE_START, 9 * P, false);
    access.pin(MOCK_APERTURE_START, 10 * P, false);
    f.assertRefs(BIG, 10 * P, 1);
    access.unpin(0);
    access.unpin(1);
    f.teardown();
  }

  /**
   * The error unwind of {@code iopt_area_fill_domains}: only domains before the failed one
   * took the current batch; the failed one already unmapped its part.
   */
  @Test
  void errorUnwindOrder() {
    f.ctx.testSetTempMemoryLimit(IoptEnv.MOCK_DOMAIN_LIMIT);
    f.mockDomain(ioas);
    f.mockDomainB(ioas);
    f.host.faults().arm(FaultPoint.IOMMU_MAP, 4);
    f.failsUnchanged(Errno.ENOMEM, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.fixed(ioas, BIG, 8 * P, MOCK_APERTURE_START)));
    f.host.faults().disarm();
    assertThat(f.host.log().warnings()).isEmpty();
    f.teardown();
  }

  /**
   * "Pin release before unfill": on a failed fill the reader's own pins (in the batch and
   * pinned ahead of it) are dropped before the domain is unfilled, so the unfill only ever
   * sees {@code npinned} fall to {@code last_npinned}.
   */
  @Test
  void pinReleaseBeforeUnfill() {
    f.ctx.testSetTempMemoryLimit(32);
    f.mockDomain(ioas);
    f.host.faults().arm(FaultPoint.IOMMU_MAP, 3);
    f.failsUnchanged(Errno.ENOMEM, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.fixed(ioas, BIG, 16 * P, MOCK_APERTURE_START)));
    f.host.faults().disarm();
    assertThat(f.host.log().warnings()).isEmpty();
    f.teardown();
  }

  /**
   * "Batch overflow when unfilling the xarray": scattered PFNs need many batches; an entry
   * that did not fit in a batch must stay in the xarray until it is unpinned.
   */
  @Test
  void batchOverflowWhenUnfillingTheXarray() {
    f.ctx.testSetTempMemoryLimit(IoptEnv.MOCK_DOMAIN_LIMIT);
    f.mapFixed(ioas, BIG, 32 * P, MOCK_APERTURE_START);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(ioas));
    access.pin(MOCK_APERTURE_START, 32 * P, false);
    f.assertRefs(BIG, 32 * P, 1);
    access.unpin(0);
    f.assertRefs(BIG, 32 * P, 0);
    f.teardown();
  }

  /**
   * Kernel latent bug (model deviation in {@code PfnBatch#skipCarry}): with one-entry batches
   * an access that swallows the whole carry left the kernel's batch unable to read the next
   * hole, and the unfill unmapped one page out of a 2 MiB map call.
   */
  @Test
  void fullySkippedCarryWithOneEntryBatches() {
    f.ctx.testSetTempMemoryLimit(IoptEnv.MOCK_DOMAIN_LIMIT);
    SelftestAccess access = removeDomainAroundAccess(511, 512);
    access.unpin(0);
    f.teardown();
  }
}
