package io.vfiomigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PinMultisetTest {
  private static final long P = 4096;
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** One call of a {@link PinMultiset.Visitor}. */
  private record Visit(long iova, int npage, int count) {
    @Override
    public String toString() {
      return U64.hex(iova) + "+" + Integer.toUnsignedString(npage) + "x" + count;
    }
  }

  private record Key(long iova, int npage) {}

  /** Unsigned IOVA, then unsigned npage: the order the multiset promises. */
  private static final Comparator<Key> UNSIGNED =
      (a, b) -> {
        int byIova = Long.compareUnsigned(a.iova(), b.iova());
        return byIova != 0 ? byIova : Integer.compareUnsigned(a.npage(), b.npage());
      };

  private static Visit v(long iova, int npage, int count) {
    return new Visit(iova, npage, count);
  }

  private static List<Visit> contents(PinMultiset set) {
    List<Visit> out = new ArrayList<>();
    set.forEach((iova, npage, count) -> out.add(new Visit(iova, npage, count)));
    return out;
  }

  private static List<Visit> removeIntersecting(PinMultiset set, long first, long last) {
    List<Visit> out = new ArrayList<>();
    set.removeIntersecting(
        first, last, (iova, npage, count) -> out.add(new Visit(iova, npage, count)));
    return out;
  }

  /** The home slot the multiset's Fibonacci hash gives {@code iova} in a table of capacity. */
  private static int home(long iova, int capacity) {
    return (int) ((iova * 0x9e3779b97f4a7c15L) >>> (64 - Integer.numberOfTrailingZeros(capacity)));
  }

  // ---------------------------------------------------------------------------------------------
  // Examples
  // ---------------------------------------------------------------------------------------------

  @Test
  void addRemoveCountDistinctTotalWithRepeats() {
    PinMultiset set = new PinMultiset(P);
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.distinct()).isZero();
    assertThat(set.total()).isZero();
    assertThat(contents(set)).isEmpty();
    assertThat(set).hasToString("PinMultiset[]");

    assertThat(set.add(0x1000, 1)).isEqualTo(1);
    assertThat(set.add(0x1000, 1)).isEqualTo(2);
    assertThat(set.add(0x1000, 2)).isEqualTo(1);
    assertThat(set.add(0x5000, 3)).isEqualTo(1);
    assertThat(set.add(0x1000, 1)).isEqualTo(3);

    assertThat(set.isEmpty()).isFalse();
    assertThat(set.distinct()).isEqualTo(3);
    assertThat(set.total()).isEqualTo(5);
    assertThat(set.count(0x1000, 1)).isEqualTo(3);
    assertThat(set.count(0x1000, 2)).isEqualTo(1);
    assertThat(set.count(0x1000, 3)).isZero();
    assertThat(set.count(0x5000, 3)).isEqualTo(1);
    assertThat(set.count(0x2000, 1)).isZero();
    assertThat(contents(set)).containsExactly(v(0x1000, 1, 3), v(0x1000, 2, 1), v(0x5000, 3, 1));
    assertThat(set).hasToString("PinMultiset[0x1000+1x3, 0x1000+2, 0x5000+3]");

    assertThat(set.remove(0x1000, 1)).isTrue();
    assertThat(set.count(0x1000, 1)).isEqualTo(2);
    assertThat(set.distinct()).isEqualTo(3);
    assertThat(set.total()).isEqualTo(4);

    assertThat(set.remove(0x1000, 1)).isTrue();
    assertThat(set.remove(0x1000, 1)).isTrue();
    assertThat(set.count(0x1000, 1)).isZero();
    assertThat(set.distinct()).isEqualTo(2);
    assertThat(set.total()).isEqualTo(2);
    assertThat(set.remove(0x1000, 1)).isFalse();
    assertThat(set.distinct()).isEqualTo(2);
    assertThat(set.total()).isEqualTo(2);
    assertThat(contents(set)).containsExactly(v(0x1000, 2, 1), v(0x5000, 3, 1));

    assertThat(set.remove(0x5000, 3)).isTrue();
    assertThat(set.remove(0x1000, 2)).isTrue();
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.distinct()).isZero();
    assertThat(set.total()).isZero();
    assertThat(contents(set)).isEmpty();

    // Re-adding after the table emptied starts from one again.
    assertThat(set.add(0x1000, 1)).isEqualTo(1);
    assertThat(contents(set)).containsExactly(v(0x1000, 1, 1));
  }

  @Test
  void removeOfAbsentPinReturnsFalseAndChangesNothing() {
    PinMultiset set = new PinMultiset(P);
    assertThat(set.remove(0, 1)).isFalse();
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.total()).isZero();

    set.add(0x1000, 2);
    set.add(0x1000, 2);
    set.add(0x3000, 1);
    set.add(-P, 1);
    List<Visit> before = contents(set);

    assertThat(set.remove(0x1000, 1)).isFalse(); // same IOVA, other length
    assertThat(set.remove(0x1000, 3)).isFalse();
    assertThat(set.remove(0x2000, 2)).isFalse(); // same length, other IOVA
    assertThat(set.remove(0x1001, 2)).isFalse();
    assertThat(set.remove(0x3000, 0)).isFalse();
    assertThat(set.remove(0x3000, -1)).isFalse();
    assertThat(set.remove(-P, 2)).isFalse();
    assertThat(set.remove(-P + 1, 1)).isFalse();
    assertThat(set.remove(0, 1)).isFalse();

    assertThat(contents(set)).isEqualTo(before);
    assertThat(before).containsExactly(v(0x1000, 2, 2), v(0x3000, 1, 1), v(-P, 1, 1));
    assertThat(set.distinct()).isEqualTo(3);
    assertThat(set.total()).isEqualTo(4);
    assertThat(set.count(0x1000, 2)).isEqualTo(2);
  }

  @Test
  void pinsNearTheTopOfTheSpaceAndSaturatingEnds() {
    PinMultiset set = new PinMultiset(P);
    set.add(-2 * P, 2); // the last two pages exactly
    set.add(-P, 1);
    set.add(-P, 5); // would wrap to [-P, 4P - 1]: saturates at 2^64 - 1 instead
    set.add(0x2000, 1);
    assertThat(set.distinct()).isEqualTo(4);
    assertThat(set.total()).isEqualTo(4);
    assertThat(contents(set))
        .containsExactly(v(0x2000, 1, 1), v(-2 * P, 2, 1), v(-P, 1, 1), v(-P, 5, 1));

    // The low pages the wrapping pin would reach if it wrapped: only the real pin there.
    assertThat(removeIntersecting(set, 0, 4 * P - 1)).containsExactly(v(0x2000, 1, 1));
    // The last byte of the first page of the two-page pin: the pins at -P start one byte later.
    assertThat(removeIntersecting(set, -P - 1, -P - 1)).containsExactly(v(-2 * P, 2, 1));
    // The very last byte.
    assertThat(removeIntersecting(set, U64.MAX, U64.MAX)).containsExactly(v(-P, 1, 1), v(-P, 5, 1));
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.total()).isZero();
  }

  @Test
  void saturatingPinIsNotFoundByALargeRangeBelowIt() {
    PinMultiset set = new PinMultiset(P);
    set.add(-P, 5);
    set.add(0, 1);
    set.add(Long.MAX_VALUE & -P, 1);
    // A range far larger than the table: answered by the scan.
    assertThat(removeIntersecting(set, 0, Long.MAX_VALUE))
        .containsExactly(v(0, 1, 1), v(Long.MAX_VALUE & -P, 1, 1));
    assertThat(contents(set)).containsExactly(v(-P, 5, 1));
    assertThat(removeIntersecting(set, Long.MIN_VALUE, -P - 1)).isEmpty();
    assertThat(removeIntersecting(set, Long.MIN_VALUE, -P)).containsExactly(v(-P, 5, 1));
    assertThat(set.isEmpty()).isTrue();
  }

  @Test
  void pinsLongerThanTheSpaceSaturateWithHugePages() {
    long page = 1L << 62; // four pages span the whole space
    PinMultiset set = new PinMultiset(page);
    set.add(0, 3); // [0, 0xbfff_ffff_ffff_ffff]
    set.add(0, 4); // exactly 2^64 bytes: the whole space
    set.add(page, 4); // would wrap: saturates
    set.add(0, 8); // twice the space: saturates
    assertThat(contents(set)).containsExactly(v(0, 3, 1), v(0, 4, 1), v(0, 8, 1), v(page, 4, 1));

    assertThat(removeIntersecting(set, 0xc000_0000_0000_0000L, 0xc000_0000_0000_0000L))
        .containsExactly(v(0, 4, 1), v(0, 8, 1), v(page, 4, 1));
    assertThat(contents(set)).containsExactly(v(0, 3, 1));

    set.add(0, 4);
    set.add(0, 8);
    assertThat(removeIntersecting(set, U64.MAX, U64.MAX)).containsExactly(v(0, 4, 1), v(0, 8, 1));
    assertThat(contents(set)).containsExactly(v(0, 3, 1));
    assertThat(removeIntersecting(set, 0xbfff_ffff_ffff_ffffL, 0xbfff_ffff_ffff_ffffL))
        .containsExactly(v(0, 3, 1));
    assertThat(set.isEmpty()).isTrue();
  }

  @Test
  void forEachUsesUnsignedOrder() {
    PinMultiset set = new PinMultiset(P);
    set.add(-P, 1);
    set.add(Long.MIN_VALUE, 1); // top bit set: after every IOVA below 2^63
    set.add(0x7fff_ffff_ffff_f000L, 1);
    set.add(P, 0x8000_0000); // 2^31 pages: after 3 unsigned
    set.add(P, 3);
    set.add(P, 1);
    set.add(0, 1);
    set.add(0, 1);
    assertThat(contents(set))
        .containsExactly(
            v(0, 1, 2),
            v(P, 1, 1),
            v(P, 3, 1),
            v(P, 0x8000_0000, 1),
            v(0x7fff_ffff_ffff_f000L, 1, 1),
            v(Long.MIN_VALUE, 1, 1),
            v(-P, 1, 1));
    assertThat(set)
        .hasToString(
            "PinMultiset[0x0+1x2, 0x1000+1, 0x1000+3, 0x1000+2147483648, 0x7ffffffffffff000+1,"
                + " 0x8000000000000000+1, 0xfffffffffffff000+1]");
    assertThat(set.total()).isEqualTo(8);
    assertThat(set.distinct()).isEqualTo(7);
  }

  @Test
  void removeIntersectingBoundaries() {
    PinMultiset set = new PinMultiset(P);
    assertThat(removeIntersecting(set, 0, U64.MAX)).isEmpty(); // empty set

    set.add(0x10000, 4); // [0x10000, 0x13fff]
    set.add(0x10000, 4);
    set.add(0x20000, 1); // [0x20000, 0x20fff]
    set.add(0x30000, 2); // [0x30000, 0x31fff]
    set.add(0x40000, 1);

    // The gap between two pins: one byte after the first, one byte before the second.
    assertThat(removeIntersecting(set, 0x14000, 0x1ffff)).isEmpty();
    assertThat(set.total()).isEqualTo(5);
    // An empty (reversed) range removes nothing even though a pin covers both ends.
    assertThat(removeIntersecting(set, 0x30001, 0x30000)).isEmpty();
    assertThat(set.total()).isEqualTo(5);

    // Touches only the last byte of the first pin, ends one byte before the second.
    assertThat(removeIntersecting(set, 0x13fff, 0x1ffff)).containsExactly(v(0x10000, 4, 2));
    assertThat(set.distinct()).isEqualTo(3);
    assertThat(set.total()).isEqualTo(3);
    assertThat(set.count(0x10000, 4)).isZero();

    // A single byte inside the second page of a pin that starts below the range.
    assertThat(removeIntersecting(set, 0x31000, 0x31000)).containsExactly(v(0x30000, 2, 1));
    // The first byte of a pin.
    assertThat(removeIntersecting(set, 0x3ffff, 0x40000)).containsExactly(v(0x40000, 1, 1));
    assertThat(contents(set)).containsExactly(v(0x20000, 1, 1));

    set.add(0, 1);
    set.add(-P, 1);
    set.add(-P, 1);
    assertThat(removeIntersecting(set, 0, U64.MAX))
        .containsExactly(v(0, 1, 1), v(0x20000, 1, 1), v(-P, 1, 2));
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.total()).isZero();
    assertThat(removeIntersecting(set, 0, U64.MAX)).isEmpty();
  }

  @Test
  void unalignedPinsAreFoundBySmallRanges() {
    PinMultiset set = new PinMultiset(P);
    set.add(0x10000, 1);
    set.add(0x5800, 2); // [0x5800, 0x77ff]
    set.add(0x3001, 1); // [0x3001, 0x4000]: its last byte is on the next page
    assertThat(contents(set)).containsExactly(v(0x3001, 1, 1), v(0x5800, 2, 1), v(0x10000, 1, 1));

    assertThat(removeIntersecting(set, 0x3000, 0x3000)).isEmpty();
    assertThat(removeIntersecting(set, 0x57ff, 0x57ff)).isEmpty();
    assertThat(removeIntersecting(set, 0x7800, 0xffff)).isEmpty();
    assertThat(set.distinct()).isEqualTo(3);

    assertThat(removeIntersecting(set, 0x4000, 0x4000)).containsExactly(v(0x3001, 1, 1));
    assertThat(removeIntersecting(set, 0x7000, 0x7000)).containsExactly(v(0x5800, 2, 1));
    assertThat(contents(set)).containsExactly(v(0x10000, 1, 1));
    assertThat(set.total()).isEqualTo(1);
  }

  @Test
  void unalignedPinAddedLaterStillFound() {
    PinMultiset set = new PinMultiset(P);
    for (int i = 0; i < 40; i++) {
      set.add(i * 0x10000L, 1);
    }
    set.add(0x8_0000 + 0xfff, 1); // [0x80fff, 0x81ffe]
    assertThat(removeIntersecting(set, 0x81000, 0x81000)).containsExactly(v(0x80fff, 1, 1));
    assertThat(removeIntersecting(set, 0x80000, 0x80000)).containsExactly(v(0x80000, 1, 1));
    assertThat(set.distinct()).isEqualTo(39);
  }

  @Test
  void pinsOfDifferentLengthsAtOneIova() {
    PinMultiset set = new PinMultiset(P);
    set.add(0x8000, 16);
    set.add(0x8000, 2);
    set.add(0x8000, 1);
    set.add(0x8000, 3);
    set.add(0x8000, 2);
    assertThat(contents(set))
        .containsExactly(v(0x8000, 1, 1), v(0x8000, 2, 2), v(0x8000, 3, 1), v(0x8000, 16, 1));
    assertThat(set.count(0x8000, 1)).isEqualTo(1);
    assertThat(set.count(0x8000, 2)).isEqualTo(2);
    assertThat(set.count(0x8000, 3)).isEqualTo(1);
    assertThat(set.count(0x8000, 16)).isEqualTo(1);
    assertThat(set.count(0x8000, 4)).isZero();

    assertThat(set.remove(0x8000, 2)).isTrue();
    assertThat(set.count(0x8000, 2)).isEqualTo(1);

    // The third page, 0xa000: only pins of three pages or more reach it.
    assertThat(removeIntersecting(set, 0xa000, 0xa000))
        .containsExactly(v(0x8000, 3, 1), v(0x8000, 16, 1));
    assertThat(removeIntersecting(set, 0x9000, 0x9fff)).containsExactly(v(0x8000, 2, 1));
    assertThat(contents(set)).containsExactly(v(0x8000, 1, 1));
    assertThat(set.distinct()).isEqualTo(1);
    assertThat(set.total()).isEqualTo(1);
  }

  @Test
  void probeRunWrappingPastTheEndOfTheTable() {
    // White box: IOVAs whose home is the last and the first slot of the initial 16-slot table.
    long last = 0;
    long first = 0;
    for (long k = 1; last == 0 || first == 0; k++) {
      int slot = home(k * P, 16);
      if (slot == 15 && last == 0) {
        last = k * P;
      } else if (slot == 0 && first == 0) {
        first = k * P;
      }
    }
    PinMultiset set = new PinMultiset(P);
    for (int npage = 1; npage <= 5; npage++) {
      set.add(last, npage); // one run: slots 15, 0, 1, 2, 3
    }
    set.add(first, 1); // home 0, lands after the wrapped run
    set.add(first, 2);
    assertThat(set.distinct()).isEqualTo(7);

    assertThat(set.remove(last, 1)).isTrue(); // backward shift across the end of the table
    for (int npage = 2; npage <= 5; npage++) {
      assertThat(set.count(last, npage)).isEqualTo(1);
    }
    assertThat(set.count(first, 1)).isEqualTo(1);
    assertThat(set.count(first, 2)).isEqualTo(1);
    assertThat(set.count(last, 1)).isZero();

    assertThat(set.remove(last, 3)).isTrue(); // a hole in the middle of the wrapped part
    assertThat(set.count(last, 4)).isEqualTo(1);
    assertThat(set.count(last, 5)).isEqualTo(1);
    assertThat(set.count(first, 1)).isEqualTo(1);
    assertThat(set.count(first, 2)).isEqualTo(1);

    List<Visit> expected = new ArrayList<>();
    List<Visit> lastPins = List.of(v(last, 2, 1), v(last, 4, 1), v(last, 5, 1));
    List<Visit> firstPins = List.of(v(first, 1, 1), v(first, 2, 1));
    expected.addAll(Long.compareUnsigned(last, first) < 0 ? lastPins : firstPins);
    expected.addAll(Long.compareUnsigned(last, first) < 0 ? firstPins : lastPins);
    assertThat(contents(set)).isEqualTo(expected);

    // The fourth page of `last`: a small range, answered by probing.
    assertThat(removeIntersecting(set, last + 3 * P, last + 3 * P))
        .containsExactly(v(last, 4, 1), v(last, 5, 1));
    assertThat(removeIntersecting(set, first + P, first + P)).containsExactly(v(first, 2, 1));
    assertThat(contents(set))
        .containsExactlyElementsOf(
            Long.compareUnsigned(last, first) < 0
                ? List.of(v(last, 2, 1), v(first, 1, 1))
                : List.of(v(first, 1, 1), v(last, 2, 1)));
    assertThat(set.remove(first, 1)).isTrue();
    assertThat(set.remove(last, 2)).isTrue();
    assertThat(set.isEmpty()).isTrue();
  }

  @Test
  void constructorRejectsPageSizesThatAreNotPowersOfTwo() {
    for (long bad : new long[] {0, -1, 3, 6144, 4097, 12288, -4096, Long.MAX_VALUE}) {
      assertThatThrownBy(() -> new PinMultiset(bad))
          .as("page size %d", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a power of two");
    }
    for (long good : new long[] {1, 2, 4096, 65536, 1L << 21, 1L << 62}) {
      PinMultiset set = new PinMultiset(good);
      assertThat(set.add(good, 1)).isEqualTo(1);
      assertThat(removeIntersecting(set, 2 * good - 1, 2 * good - 1))
          .containsExactly(v(good, 1, 1));
      assertThat(removeIntersecting(set, 2 * good, 2 * good)).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Growth
  // ---------------------------------------------------------------------------------------------

  @Test
  void growsToAHundredThousandPinsAndShrinksBack() {
    SplittableRandom random = new SplittableRandom(0x5eed);
    PinMultiset set = new PinMultiset(P);
    TreeMap<Key, Integer> model = new TreeMap<>(UNSIGNED);
    while (model.size() < 100_000) {
      Key key = new Key(random.nextLong() & -P, 1);
      int copies = random.nextInt(10) == 0 ? 2 : 1;
      for (int i = 0; i < copies; i++) {
        int now = set.add(key.iova(), key.npage());
        assertThat(now).isEqualTo(model.merge(key, 1, Integer::sum));
      }
    }
    long modelTotal = model.values().stream().mapToLong(Integer::longValue).sum();
    assertThat(set.distinct()).isEqualTo(100_000);
    assertThat(set.total()).isEqualTo(modelTotal);
    assertThat(contents(set)).isEqualTo(visits(model));

    // Remove every other pin entirely, one hold at a time.
    List<Key> removed = new ArrayList<>();
    int index = 0;
    for (Map.Entry<Key, Integer> entry : model.entrySet()) {
      if (index++ % 2 == 0) {
        removed.add(entry.getKey());
        for (int i = 0; i < entry.getValue(); i++) {
          assertThat(set.remove(entry.getKey().iova(), 1)).isTrue();
        }
      }
    }
    for (Key key : removed) {
      modelTotal -= model.remove(key);
    }
    assertThat(set.distinct()).isEqualTo(50_000);
    assertThat(set.total()).isEqualTo(modelTotal);
    for (Key key : removed) {
      assertThat(set.count(key.iova(), 1)).isZero();
      assertThat(set.remove(key.iova(), 1)).isFalse();
    }
    for (Map.Entry<Key, Integer> entry : model.entrySet()) {
      assertThat(set.count(entry.getKey().iova(), 1)).isEqualTo(entry.getValue());
    }
    assertThat(contents(set)).isEqualTo(visits(model));

    // Small ranges in the big table: exactly the one pin on that page.
    List<Key> keys = new ArrayList<>(model.keySet());
    for (int i = 0; i < 1000; i++) {
      Key key = keys.get(random.nextInt(keys.size()));
      Integer count = model.remove(key);
      if (count == null) {
        continue;
      }
      modelTotal -= count;
      long at = key.iova() + random.nextLong(P);
      assertThat(removeIntersecting(set, at, at)).containsExactly(v(key.iova(), 1, count));
    }
    assertThat(set.distinct()).isEqualTo(model.size());
    assertThat(set.total()).isEqualTo(modelTotal);

    assertThat(removeIntersecting(set, 0, U64.MAX)).isEqualTo(visits(model));
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.total()).isZero();
  }

  private static List<Visit> visits(TreeMap<Key, Integer> model) {
    List<Visit> out = new ArrayList<>(model.size());
    model.forEach((key, count) -> out.add(new Visit(key.iova(), key.npage(), count)));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Property test against a brute-force model
  // ---------------------------------------------------------------------------------------------

  /** The obvious multiset: a sorted map, and intersection in exact arithmetic. */
  private static final class Model {
    final long pageSize;
    final TreeMap<Key, Integer> counts = new TreeMap<>(UNSIGNED);
    long total;

    Model(long pageSize) {
      this.pageSize = pageSize;
    }

    int add(Key key) {
      total++;
      return counts.merge(key, 1, Integer::sum);
    }

    boolean remove(Key key) {
      Integer count = counts.get(key);
      if (count == null) {
        return false;
      }
      total--;
      if (count == 1) {
        counts.remove(key);
      } else {
        counts.put(key, count - 1);
      }
      return true;
    }

    int count(Key key) {
      return counts.getOrDefault(key, 0);
    }

    /** Inclusive last byte of a pin, saturating at 2^64 - 1. */
    BigInteger lastByte(Key key) {
      BigInteger bytes =
          BigInteger.valueOf(Integer.toUnsignedLong(key.npage()))
              .multiply(BigInteger.valueOf(pageSize));
      return unsigned(key.iova()).add(bytes).subtract(BigInteger.ONE).min(U64_MAX);
    }

    List<Visit> removeIntersecting(long first, long last) {
      BigInteger from = unsigned(first);
      BigInteger to = unsigned(last);
      List<Visit> out = new ArrayList<>();
      if (from.compareTo(to) > 0) {
        return out;
      }
      for (Map.Entry<Key, Integer> entry : counts.entrySet()) {
        Key key = entry.getKey();
        if (unsigned(key.iova()).compareTo(to) <= 0 && from.compareTo(lastByte(key)) <= 0) {
          out.add(new Visit(key.iova(), key.npage(), entry.getValue()));
        }
      }
      for (Visit visit : out) {
        counts.remove(new Key(visit.iova(), visit.npage()));
        total -= visit.count();
      }
      return out;
    }
  }

  private static BigInteger unsigned(long value) {
    return new BigInteger(Long.toUnsignedString(value));
  }

  private static final int[] NPAGE_PALETTE = {1, 2, 3, 16, 255, 256, 599, 600};

  /**
   * Random operations over a small universe of IOVAs near 0, near 2^63 and near 2^64, checked
   * against {@link Model} after every step. Few IOVAs and many lengths per IOVA make long probe
   * runs, wrap-around and backward shifts common; a ballast of far-away pins grows the table so
   * that small ranges are answered by per-page probing even with 600-page pins about; unaligned
   * pins force the scan.
   */
  @ParameterizedTest(name = "seed {0}, page {1}, npage <= {2}, unaligned {3}, ballast {4}")
  @CsvSource({
    "1, 4096, 600, false, 0",
    "2, 65536, 600, false, 0",
    "3, 4096, 4, false, 0",
    "4, 65536, 4, false, 0",
    "5, 4096, 600, false, 300",
    "6, 65536, 600, true, 0",
    "7, 4096, 3, true, 0",
    "8, 65536, 600, false, 300",
    "9, 4096, 600, true, 300",
    "10, 4096, 8, false, 300",
    // 2^56-byte pages: 256 of them span the space, so lengths saturate without any wrap.
    "11, 72057594037927936, 600, false, 0",
    "12, 72057594037927936, 300, true, 0",
  })
  void behavesLikeABruteForceModel(
      long seed, long pageSize, int maxNpage, boolean unaligned, int ballast) {
    SplittableRandom random = new SplittableRandom(seed);
    PinMultiset set = new PinMultiset(pageSize);
    Model model = new Model(pageSize);
    long[] universe = {
      0,
      pageSize,
      2 * pageSize,
      3 * pageSize,
      5 * pageSize,
      8 * pageSize,
      13 * pageSize,
      600 * pageSize,
      Long.MAX_VALUE & -pageSize,
      Long.MIN_VALUE,
      Long.MIN_VALUE + pageSize,
      -pageSize,
      -2 * pageSize,
      -3 * pageSize,
      -5 * pageSize,
      -8 * pageSize,
      -600 * pageSize,
      -601 * pageSize,
    };
    for (int i = 0; i < ballast; i++) {
      Key key = new Key(0x4000_0000_0000L + i * 3 * pageSize, 1);
      set.add(key.iova(), key.npage());
      model.add(key);
    }
    int[] ops = new int[7];
    int nonEmptyRemovals = 0;
    for (int step = 0; step < 4000; step++) {
      String context = "seed " + seed + " step " + step;
      int dice = random.nextInt(100);
      if (dice < 35) {
        ops[0]++;
        Key key = randomKey(random, universe, pageSize, maxNpage, unaligned);
        assertThat(set.add(key.iova(), key.npage())).as(context).isEqualTo(model.add(key));
      } else if (dice < 50 && !model.counts.isEmpty()) {
        ops[1]++;
        Key key = randomPresent(random, model);
        assertThat(set.remove(key.iova(), key.npage())).as(context).isTrue();
        model.remove(key);
      } else if (dice < 55) {
        ops[2]++;
        Key key = randomKey(random, universe, pageSize, maxNpage, unaligned);
        if (model.count(key) == 0) {
          assertThat(set.remove(key.iova(), key.npage())).as(context).isFalse();
        }
      } else if (dice < 78) {
        ops[3]++;
        long[] range = smallRange(random, universe, pageSize, model);
        List<Visit> expected = model.removeIntersecting(range[0], range[1]);
        assertThat(removeIntersecting(set, range[0], range[1]))
            .as("%s range [%s, %s]", context, U64.hex(range[0]), U64.hex(range[1]))
            .isEqualTo(expected);
        nonEmptyRemovals += expected.isEmpty() ? 0 : 1;
      } else if (dice < 81) {
        ops[4]++;
        long[] range = hugeRange(random, pageSize);
        List<Visit> expected = model.removeIntersecting(range[0], range[1]);
        assertThat(removeIntersecting(set, range[0], range[1]))
            .as("%s range [%s, %s]", context, U64.hex(range[0]), U64.hex(range[1]))
            .isEqualTo(expected);
      } else if (dice < 83) {
        ops[5]++;
        long at = universe[random.nextInt(universe.length)] + random.nextLong(-1, 2);
        if (at != 0) {
          // [at, at - 1] is empty: nothing may go.
          assertThat(removeIntersecting(set, at, at - 1)).as(context).isEmpty();
        }
      } else {
        ops[6]++;
        Key key =
            model.counts.isEmpty() || random.nextBoolean()
                ? randomKey(random, universe, pageSize, maxNpage, unaligned)
                : randomPresent(random, model);
        assertThat(set.count(key.iova(), key.npage())).as(context).isEqualTo(model.count(key));
      }
      assertThat(set.distinct()).as(context).isEqualTo(model.counts.size());
      assertThat(set.total()).as(context).isEqualTo(model.total);
      assertThat(set.isEmpty()).as(context).isEqualTo(model.counts.isEmpty());
      assertThat(contents(set)).as(context).isEqualTo(visits(model.counts));
      if (step % 250 == 0) {
        for (Map.Entry<Key, Integer> entry : model.counts.entrySet()) {
          Key key = entry.getKey();
          assertThat(set.count(key.iova(), key.npage())).as(context).isEqualTo(entry.getValue());
        }
      }
    }
    // The run did what it is meant to: every kind of operation, and real removals.
    assertThat(IntStream.of(ops).min().getAsInt()).as("fewest of one kind").isGreaterThan(20);
    assertThat(nonEmptyRemovals).isGreaterThan(50);

    assertThat(removeIntersecting(set, 0, U64.MAX)).isEqualTo(visits(model.counts));
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.total()).isZero();
  }

  private static Key randomKey(
      SplittableRandom random, long[] universe, long pageSize, int maxNpage, boolean unaligned) {
    long iova = universe[random.nextInt(universe.length)];
    if (unaligned && random.nextInt(10) < 3) {
      iova += random.nextLong(1, pageSize);
    }
    int npage;
    if (maxNpage <= 8 || random.nextInt(10) < 4) {
      npage = random.nextInt(1, maxNpage + 1);
    } else {
      do {
        npage = NPAGE_PALETTE[random.nextInt(NPAGE_PALETTE.length)];
      } while (npage > maxNpage);
    }
    return new Key(iova, npage);
  }

  private static Key randomPresent(SplittableRandom random, Model model) {
    int skip = random.nextInt(model.counts.size());
    for (Key key : model.counts.keySet()) {
      if (skip-- == 0) {
        return key;
      }
    }
    throw new AssertionError("unreachable");
  }

  /** A range of at most a few pages near the universe or at the edge of an existing pin. */
  private static long[] smallRange(
      SplittableRandom random, long[] universe, long pageSize, Model model) {
    if (!model.counts.isEmpty() && random.nextInt(10) < 4) {
      Key pin = randomPresent(random, model);
      long lastByte = model.lastByte(pin).longValue();
      switch (random.nextInt(4)) {
        case 0:
          return new long[] {lastByte, lastByte}; // its last byte
        case 1:
          if (lastByte != U64.MAX) {
            return new long[] {lastByte + 1, saturatingAdd(lastByte + 1, pageSize - 1)}; // after
          }
          return new long[] {lastByte - 1, lastByte};
        case 2:
          if (pin.iova() != 0) {
            return new long[] {pin.iova() - pageSize, pin.iova() - 1}; // just before
          }
          return new long[] {0, 0};
        default:
          return new long[] {pin.iova(), pin.iova()}; // its first byte
      }
    }
    long first = universe[random.nextInt(universe.length)];
    first += random.nextBoolean() ? random.nextLong(-2 * pageSize, 3 * pageSize) : 0;
    long length = random.nextBoolean() ? 1 + random.nextLong(4 * pageSize) : pageSize;
    return new long[] {first, saturatingAdd(first, length - 1)};
  }

  /** A range far wider than the table, so that the table is scanned. */
  private static long[] hugeRange(SplittableRandom random, long pageSize) {
    switch (random.nextInt(6)) {
      case 0:
        return new long[] {0, U64.MAX};
      case 1:
        return new long[] {Long.MIN_VALUE, U64.MAX};
      case 2:
        return new long[] {0, Long.MAX_VALUE};
      case 3:
        return new long[] {pageSize * 7 + 1, -pageSize * 7};
      case 4:
        long first = random.nextLong() & -pageSize;
        return new long[] {first, saturatingAdd(first, 1L << 40)};
      default:
        return new long[] {random.nextLong(1, 1L << 20), random.nextLong(1L << 50, 1L << 62)};
    }
  }

  private static long saturatingAdd(long a, long b) {
    return U64.addOverflows(a, b) ? U64.MAX : a + b;
  }
}
