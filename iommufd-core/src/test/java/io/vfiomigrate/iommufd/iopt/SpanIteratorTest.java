package io.vfiomigrate.iommufd.iopt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The span and double span iterators against a brute-force coverage oracle: the spans must be
 * the maximal runs of equal status (hole, covered by the first tree, covered only by the
 * second) over the requested range.
 */
class SpanIteratorTest {
  /** A span as the iterators report it: status 0 = hole, 1/2 = used by tree 1/2. */
  record Span(long start, long last, int status) {}

  @Test
  void singleTreeSpansAreMaximalRunsOfCoverage() {
    for (long seed = 1; seed <= 30; seed++) {
      Random random = new Random(seed);
      IntervalTree<Void> tree = randomTree(random, 12);
      for (int q = 0; q < 40; q++) {
        long first = random.nextInt(120);
        long last = first + random.nextInt(60);
        List<Span> got = new ArrayList<>();
        for (SpanIterator it = new SpanIterator().first(tree, first, last); !it.done(); it.next()) {
          got.add(new Span(it.start(), it.last(), it.isHole() ? 0 : 1));
        }
        assertThat(got).isEqualTo(oracle(first, last, i -> covered(tree, i) ? 1 : 0));
      }
    }
  }

  @Test
  void doubleSpansPreferTheFirstTree() {
    for (long seed = 1; seed <= 30; seed++) {
      Random random = new Random(seed);
      IntervalTree<Void> one = randomTree(random, 8);
      IntervalTree<Void> two = randomTree(random, 8);
      for (int q = 0; q < 40; q++) {
        long first = random.nextInt(120);
        long last = first + random.nextInt(60);
        assertThat(doubleSpans(one, two, first, last)).isEqualTo(
            oracle(first, last, i -> covered(one, i) ? 1 : covered(two, i) ? 2 : 0));
      }
    }
  }

  /** The seed's span iterator bug: advancing exactly onto lastIndex must not end the walk. */
  @Test
  void advanceOntoTheLastIndexStillYieldsIt() {
    IntervalTree<Void> one = new IntervalTree<>();
    IntervalTree<Void> two = new IntervalTree<>();
    one.insert(0, 8, null);
    two.insert(9, 9, null);
    assertThat(doubleSpans(one, two, 0, 9))
        .containsExactly(new Span(0, 8, 1), new Span(9, 9, 2));
    SpanIterator it = new SpanIterator().first(one, 0, 9);
    it.advance(9);
    assertThat(it.done()).isFalse();
    assertThat(new Span(it.start(), it.last(), it.isHole() ? 0 : 1)).isEqualTo(new Span(9, 9, 0));
    it.advance(10);
    assertThat(it.done()).isTrue();
  }

  @Test
  void touchingIntervalsMergeIntoOneUsedSpan() {
    IntervalTree<Void> tree = new IntervalTree<>();
    tree.insert(5, 9, null);
    tree.insert(10, 12, null);
    tree.insert(2, 6, null);
    List<Span> got = new ArrayList<>();
    for (SpanIterator it = new SpanIterator().first(tree, 0, 20); !it.done(); it.next()) {
      got.add(new Span(it.start(), it.last(), it.isHole() ? 0 : 1));
    }
    assertThat(got).containsExactly(new Span(0, 1, 0), new Span(2, 12, 1), new Span(13, 20, 0));
  }

  @Test
  void wholeSpaceWithAReservedTop() {
    IntervalTree<Void> tree = new IntervalTree<>();
    tree.insert(U64.MAX - 4095, U64.MAX, null);
    tree.insert(0, 4095, null);
    List<Span> got = new ArrayList<>();
    for (SpanIterator it = new SpanIterator().first(tree, 0, U64.MAX); !it.done(); it.next()) {
      got.add(new Span(it.start(), it.last(), it.isHole() ? 0 : 1));
    }
    assertThat(got).containsExactly(new Span(0, 4095, 1), new Span(4096, U64.MAX - 4096, 0),
        new Span(U64.MAX - 4095, U64.MAX, 1));
  }

  static List<Span> doubleSpans(IntervalTree<?> one, IntervalTree<?> two, long first, long last) {
    List<Span> got = new ArrayList<>();
    for (DoubleSpanIterator it = new DoubleSpanIterator().first(one, two, first, last);
        !it.done(); it.next()) {
      got.add(new Span(it.start(), it.last(), it.isUsed()));
    }
    return got;
  }

  private static IntervalTree<Void> randomTree(Random random, int count) {
    IntervalTree<Void> tree = new IntervalTree<>();
    int n = random.nextInt(count + 1);
    for (int i = 0; i < n; i++) {
      long start = random.nextInt(150);
      tree.insert(start, start + random.nextInt(random.nextBoolean() ? 3 : 25), null);
    }
    return tree;
  }

  private static boolean covered(IntervalTree<?> tree, long index) {
    return tree.iterFirst(index, index) != null;
  }

  private interface Status {
    int of(long index);
  }

  private static List<Span> oracle(long first, long last, Status status) {
    List<Span> spans = new ArrayList<>();
    long runStart = first;
    int runStatus = status.of(first);
    for (long i = first + 1; i <= last; i++) {
      int s = status.of(i);
      if (s != runStatus) {
        spans.add(new Span(runStart, i - 1, runStatus));
        runStart = i;
        runStatus = s;
      }
    }
    spans.add(new Span(runStart, last, runStatus));
    return spans;
  }
}
