package io.vfiomigrate.host;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.Errno;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
  private static final long P = 4096;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  private static HostConfig config() {
    return HostConfig.builder()
        .task(TaskSpec.of(100, 1000, 64 * MIB))
        .task(TaskSpec.of(200, 1000, 64 * MIB))
        .region(RegionSpec.of(100, 0x10000000L, 1000 * P, Backing.ANON))
        .region(RegionSpec.of(100, 0x40000000L, 8 * MIB, Backing.THP))
        .region(RegionSpec.of(100, 0x80000000L, 4 * MIB, Backing.HUGETLB_2M))
        .region(RegionSpec.of(100, 0x100000000L, 2 * GIB, Backing.HUGETLB_1G))
        .region(RegionSpec.of(100, 0xc0000000L, 16 * MIB, Backing.MMIO))
        .region(new RegionSpec(200, 0x10000000L, 16 * P, Backing.ANON, true))
        .build();
  }

  @Test
  void pfnsAreAFunctionOfTheConfigAlone() {
    Host a = new Host(config());
    Host b = new Host(config());
    for (long v = 0x10000000L; v < 0x10000000L + 1000 * P; v += P) {
      assertThat(a.memory().pfnAt(a.task(100).mm(), v))
          .isEqualTo(b.memory().pfnAt(b.task(100).mm(), v));
    }
    assertThat(a.memory().pfnAt(a.task(100).mm(), 0x100000000L))
        .isEqualTo(b.memory().pfnAt(b.task(100).mm(), 0x100000000L));
  }

  @Test
  void anonPagesAreDistinctAndNeverPhysicallyConsecutive() {
    Host host = new Host(config());
    Mm mm = host.task(100).mm();
    Set<Long> seen = new HashSet<>();
    long previous = -10;
    for (long v = 0x10000000L; v < 0x10000000L + 1000 * P; v += P) {
      long pfn = host.memory().pfnAt(mm, v);
      assertThat(pfn).isNotEqualTo(previous + 1);
      assertThat(host.memory().isReservedPfn(pfn)).isFalse();
      seen.add(pfn);
      previous = pfn;
    }
    assertThat(seen).hasSize(1000);
    assertThat(host.memory().pfnAt(host.task(200).mm(), 0x10000000L))
        .isNotIn(seen);
  }

  @Test
  void eachBackingPinsInRunsOfItsHugePageSize() {
    Host host = new Host(config());
    PhysicalMemory mem = host.memory();
    Mm mm = host.task(100).mm();
    assertThat(mem.pinUserPages(mm, 0x10000000L, 1000, true).npages()).isEqualTo(1);
    assertThat(mem.pinUserPages(mm, 0x40000000L, 100_000, true).npages()).isEqualTo(512);
    assertThat(mem.pinUserPages(mm, 0x40000000L + 100 * P, 100_000, true).npages())
        .isEqualTo(412);
    assertThat(mem.pinUserPages(mm, 0x80000000L, 100_000, false).npages()).isEqualTo(512);
    PfnRun huge = mem.pinUserPages(mm, 0x100000000L, 1L << 40, false);
    assertThat(huge.npages()).isEqualTo(262144);
    assertThat(huge.pfn() % 262144).isZero();
    PfnRun second = mem.pinUserPages(mm, 0x100000000L + GIB, 1L << 40, false);
    assertThat(second.npages()).isEqualTo(262144);
    assertThat(second.pfn()).isNotEqualTo(huge.endPfn());
    PfnRun bar = mem.followPfnmap(mm, 0xc0000000L, 1L << 40);
    assertThat(bar.npages()).isEqualTo(4096);
    assertThat(bar.reserved()).isTrue();
    assertThat(mem.isReservedPfn(bar.pfn())).isTrue();
  }

  @Test
  void pinUserPagesStopsAtTheRequestedCount() {
    Host host = new Host(config());
    PfnRun run = host.memory().pinUserPages(host.task(100).mm(), 0x40000000L, 3, false);
    assertThat(run.npages()).isEqualTo(3);
    assertThat(host.memory().pinCount(host.task(100).mm(), 0x40000000L + 3 * P)).isZero();
  }

  @Test
  void gupRefusesUnmappedMmioAndReadOnlyWrites() {
    Host host = new Host(config());
    PhysicalMemory mem = host.memory();
    assertErrno(Errno.EFAULT, () -> mem.pinUserPages(host.task(100).mm(), 0x20000000L, 1, false));
    assertErrno(Errno.EFAULT, () -> mem.pinUserPages(host.task(100).mm(), 0xc0000000L, 1, false));
    assertErrno(Errno.EFAULT, () -> mem.pinUserPages(host.task(200).mm(), 0x10000000L, 1, true));
    assertThat(mem.pinUserPages(host.task(200).mm(), 0x10000000L, 1, false).npages()).isEqualTo(1);
    assertErrno(Errno.EFAULT, () -> mem.followPfnmap(host.task(100).mm(), 0x10000000L, 1));
    assertThat(mem.pinnedPages()).isEqualTo(1);
  }

  @Test
  void pinCountsAndTotals() {
    Host host = new Host(config());
    PhysicalMemory mem = host.memory();
    Mm mm = host.task(100).mm();
    PfnRun a = mem.pinUserPages(mm, 0x40000000L, 512, true);
    PfnRun b = mem.pinUserPages(mm, 0x40000000L + 256 * P, 256, true);
    assertThat(mem.pinnedPages()).isEqualTo(512);
    assertThat(mem.pinRefs()).isEqualTo(768);
    assertThat(mem.pinCount(a.pfn())).isEqualTo(1);
    assertThat(mem.pinCount(b.pfn())).isEqualTo(2);
    assertThat(mem.pinSegments()).isEqualTo(2);
    mem.unpinPages(a.pfn(), 512);
    assertThat(mem.pinnedPages()).isEqualTo(256);
    assertThat(mem.pinRefs()).isEqualTo(256);
    assertThat(mem.pinCount(b.pfn())).isEqualTo(1);
    mem.unpinPages(b.pfn(), 256);
    assertThat(mem.pinnedPages()).isZero();
    assertThat(mem.pinRefs()).isZero();
    assertThat(mem.pinSegments()).isZero();
    assertThat(mem.dumpPins()).isEmpty();
  }

  @Test
  void pinningAWholeScatteredRegionIsOneSegment() {
    Host host = new Host(config());
    PhysicalMemory mem = host.memory();
    Mm mm = host.task(100).mm();
    for (long v = 0x10000000L; v < 0x10000000L + 1000 * P; v += P) {
      mem.pinUserPages(mm, v, 1, false);
    }
    assertThat(mem.pinSegments()).isEqualTo(1);
    assertThat(mem.pinnedPages()).isEqualTo(1000);
    assertThat(mem.dumpPins()).isEqualTo("pid 100 0x10000000: [0,999]x1\n");
  }

  @Test
  void unpinningAPageWithoutAPinChangesNothing() {
    Host host = new Host(config());
    PhysicalMemory mem = host.memory();
    Mm mm = host.task(100).mm();
    PfnRun run = mem.pinUserPages(mm, 0x40000000L, 4, false);
    String before = mem.dumpPins();
    assertThatThrownBy(() -> mem.unpinPages(run.pfn(), 5))
        .isInstanceOf(IllegalStateException.class);
    assertThat(mem.dumpPins()).isEqualTo(before);
    assertThatThrownBy(() -> mem.unpinPages(mem.followPfnmap(mm, 0xc0000000L, 1).pfn(), 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unpinAcceptsRunsThatCrossPhysicallyAdjacentHugePages() {
    Host host = new Host(config());
    PhysicalMemory mem = host.memory();
    Mm mm = host.task(100).mm();
    PfnRun first = mem.pinUserPages(mm, 0x40000000L, 512, false);
    long nextVaddr = -1;
    for (long v = 0x40000000L; v < 0x40000000L + 8 * MIB; v += 2 * MIB) {
      if (mem.pfnAt(mm, v) == first.endPfn()) {
        nextVaddr = v;
      }
    }
    assertThat(nextVaddr).as("some THP chunk follows the first one physically").isPositive();
    mem.pinUserPages(mm, nextVaddr, 512, false);
    mem.unpinPages(first.pfn(), 1024);
    assertThat(mem.pinnedPages()).isZero();
  }
}
