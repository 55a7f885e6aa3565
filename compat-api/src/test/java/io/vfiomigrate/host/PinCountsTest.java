package io.vfiomigrate.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PinCountsTest {
  private static final int PAGES = 200;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void matchesAPerPageArrayUnderRandomPinsAndUnpins(long seed) {
    checkAgainstAPerPageArray(new Random(seed), new PinCounts(), 40);
  }

  /** Leaves of four segments: windows cross leaves, leaves split, empty out and join. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void matchesAPerPageArrayAcrossSmallLeaves(long seed) {
    checkAgainstAPerPageArray(new Random(seed), new PinCounts(4), 6);
  }

  private static void checkAgainstAPerPageArray(Random random, PinCounts counts, int maxLength) {
    long[] oracle = new long[PAGES];
    long pinnedPages = 0;
    long pinRefs = 0;
    long reportedPinnedPages = 0;
    for (int step = 0; step < 3000; step++) {
      int first = random.nextInt(PAGES);
      int last = Math.min(PAGES - 1, first + random.nextInt(random.nextBoolean() ? 3 : maxLength));
      long delta = random.nextInt(3) == 0 ? -1 : 1 + random.nextInt(2);
      boolean allowed = true;
      for (int i = first; i <= last; i++) {
        allowed &= oracle[i] + delta >= 0;
      }
      String before = counts.dump();
      if (!allowed) {
        assertThatThrownBy(() -> counts.add(first, last, delta))
            .isInstanceOf(IllegalStateException.class);
        assertThat(counts.dump()).isEqualTo(before);
        continue;
      }
      PinCounts.Delta change = counts.add(first, last, delta);
      counts.checkInvariants();
      reportedPinnedPages += change.pinnedPages();
      for (int i = first; i <= last; i++) {
        if (oracle[i] == 0 && delta > 0) {
          pinnedPages++;
        }
        oracle[i] += delta;
        if (oracle[i] == 0) {
          pinnedPages--;
        }
      }
      pinRefs += delta * (last - first + 1);
      assertThat(change.pinRefs()).isEqualTo(delta * (last - first + 1));
      assertThat(counts.dump()).isEqualTo(segments(oracle));
      assertThat(sumPinned(counts)).isEqualTo(pinnedPages);
      assertThat(reportedPinnedPages).isEqualTo(pinnedPages);
    }
    assertThat(pinRefs).isEqualTo(java.util.Arrays.stream(oracle).sum());
  }

  @Test
  void scatteredSinglePagesSplitLeavesAndEmptyThemAgain() {
    PinCounts counts = new PinCounts(4);
    for (long page = 0; page < 64; page++) {
      assertThat(counts.add(page * 2, page * 2, 1)).isEqualTo(new PinCounts.Delta(1, 1));
    }
    counts.checkInvariants();
    assertThat(counts.segmentCount()).isEqualTo(64);
    assertThat(counts.count(62)).isEqualTo(1);
    assertThat(counts.count(63)).isZero();

    counts.add(0, 127, 1);
    counts.checkInvariants();
    assertThat(counts.segmentCount()).isEqualTo(128);
    counts.requireAtLeast(0, 127, 1);
    assertThatThrownBy(() -> counts.requireAtLeast(0, 127, 2))
        .hasMessage("unpin of page 1 that has fewer than 2 pins");

    for (long page = 0; page < 64; page++) {
      counts.add(page * 2, page * 2, -1);
    }
    counts.checkInvariants();
    assertThat(counts.dump()).isEqualTo("[0,127]x1");
    assertThat(counts.add(0, 127, -1)).isEqualTo(new PinCounts.Delta(-128, -128));
    assertThat(counts.isEmpty()).isTrue();
  }

  @Test
  void singlePagePinsNextToEachOtherMerge() {
    PinCounts counts = new PinCounts();
    counts.add(5, 5, 1);
    counts.add(7, 7, 1);
    counts.add(6, 6, 1);
    assertThat(counts.dump()).isEqualTo("[5,7]x1");
    counts.add(6, 6, -1);
    assertThat(counts.dump()).isEqualTo("[5,5]x1 [7,7]x1");
    counts.add(6, 6, 2);
    counts.add(6, 6, -1);
    assertThat(counts.dump()).isEqualTo("[5,7]x1");
  }

  @Test
  void theFastPathsKeepTheSegmentsAndTotalsExact() {
    PinCounts counts = new PinCounts();
    assertThat(counts.add(10, 10, 1)).isEqualTo(new PinCounts.Delta(1, 1));
    assertThat(counts.add(12, 12, 2)).isEqualTo(new PinCounts.Delta(1, 2));
    assertThat(counts.add(11, 11, 1)).isEqualTo(new PinCounts.Delta(1, 1));
    assertThat(counts.dump()).isEqualTo("[10,11]x1 [12,12]x2");

    counts.requireAtLeast(10, 11, 1);
    assertThatThrownBy(() -> counts.requireAtLeast(11, 12, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("unpin of page 11 that has fewer than 2 pins");

    assertThat(counts.add(12, 12, -2)).isEqualTo(new PinCounts.Delta(-1, -2));
    assertThat(counts.dump()).isEqualTo("[10,11]x1");
    assertThat(counts.add(10, 11, -1)).isEqualTo(new PinCounts.Delta(-2, -2));
    assertThat(counts.isEmpty()).isTrue();
  }

  private static long sumPinned(PinCounts counts) {
    long total = 0;
    for (long i = 0; i < PAGES; i++) {
      total += counts.count(i) > 0 ? 1 : 0;
    }
    return total;
  }

  /** The dump a maximal-segment encoding of {@code oracle} must produce. */
  private static String segments(long[] oracle) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < oracle.length) {
      if (oracle[i] == 0) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < oracle.length && oracle[j + 1] == oracle[i]) {
        j++;
      }
      out.append('[').append(i).append(',').append(j).append("]x").append(oracle[i]).append(' ');
      i = j + 1;
    }
    return out.toString().trim();
  }
}
