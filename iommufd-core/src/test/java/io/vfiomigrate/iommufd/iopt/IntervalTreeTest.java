package io.vfiomigrate.iommufd.iopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interval tree against a brute-force list of intervals, with random operations. */
class IntervalTreeTest {
  private record Interval(long start, long last, int id) {}

  @Test
  void randomOperationsMatchBruteForce() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      IntervalTree<Integer> tree = new IntervalTree<>();
      List<IntervalTree.Node<Integer>> nodes = new ArrayList<>();
      List<Interval> oracle = new ArrayList<>();
      for (int step = 0; step < 600; step++) {
        if (oracle.isEmpty() || random.nextInt(3) != 0) {
          long start = random.nextInt(300);
          long last = start + random.nextInt(random.nextBoolean() ? 4 : 60);
          nodes.add(tree.insert(start, last, step));
          oracle.add(new Interval(start, last, step));
        } else {
          int victim = random.nextInt(oracle.size());
          tree.remove(nodes.remove(victim));
          oracle.remove(victim);
        }
        tree.checkInvariants();
        assertThat(tree.size()).isEqualTo(oracle.size());
        long first = random.nextInt(330);
        long last = first + random.nextInt(80);
        assertThat(ids(tree.overlapping(first, last))).isEqualTo(expected(oracle, first, last));
      }
    }
  }

  @Test
  void unsignedOrderNearTheTopOfTheSpace() {
    IntervalTree<String> tree = new IntervalTree<>();
    tree.insert(U64.MAX - 10, U64.MAX, "top");
    tree.insert(0, 5, "bottom");
    tree.insert(1L << 63, (1L << 63) + 1, "middle");
    assertThat(values(tree.overlapping(0, U64.MAX))).containsExactly("bottom", "middle", "top");
    assertThat(values(tree.overlapping(U64.MAX, U64.MAX))).containsExactly("top");
    assertThat(values(tree.overlapping(6, (1L << 63) - 1))).isEmpty();
  }

  @Test
  void removingANodeTwiceOrFromAnotherTreeIsABug() {
    IntervalTree<String> a = new IntervalTree<>();
    IntervalTree<String> b = new IntervalTree<>();
    IntervalTree.Node<String> node = a.insert(1, 2, "x");
    b.insert(1, 2, "y");
    assertThatThrownBy(() -> b.remove(node)).isInstanceOf(IllegalStateException.class);
    a.remove(node);
    assertThatThrownBy(() -> a.remove(node)).isInstanceOf(IllegalStateException.class);
  }

  private static List<Integer> expected(List<Interval> oracle, long first, long last) {
    List<Interval> hits = new ArrayList<>();
    for (Interval i : oracle) {
      if (i.start() <= last && first <= i.last()) {
        hits.add(i);
      }
    }
    hits.sort((x, y) -> x.start() != y.start() ? Long.compare(x.start(), y.start())
        : Integer.compare(x.id(), y.id()));
    List<Integer> ids = new ArrayList<>();
    hits.forEach(i -> ids.add(i.id()));
    return ids;
  }

  private static <T> List<T> values(List<IntervalTree.Node<T>> nodes) {
    List<T> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.value()));
    return out;
  }

  private static List<Integer> ids(List<IntervalTree.Node<Integer>> nodes) {
    return values(nodes);
  }
}
