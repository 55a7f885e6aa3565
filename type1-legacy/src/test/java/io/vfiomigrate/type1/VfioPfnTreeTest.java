package io.vfiomigrate.type1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The compact vfio_pfn tree against a TreeMap oracle. */
class VfioPfnTreeTest {
  /** Oracle value: PFN and reference count. */
  private record Entry(long pfn, int refs) {}

  private static void assertSame(VfioPfnTree tree, TreeMap<Long, Entry> oracle) {
    tree.checkInvariants();
    assertThat(tree.size()).isEqualTo(oracle.size());
    List<String> seen = new ArrayList<>();
    tree.forEach((index, pfn, refs) -> seen.add(index + ":" + pfn + "x" + refs));
    List<String> expected = new ArrayList<>();
    oracle.forEach((index, e) -> expected.add(index + ":" + e.pfn() + "x" + e.refs()));
    assertThat(seen).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void randomOperationsMatchTheOracle(int seed) {
    Random random = new Random(seed);
    VfioPfnTree tree = new VfioPfnTree();
    TreeMap<Long, Entry> oracle = new TreeMap<>();
    long span = seed * 1500L;
    for (int step = 0; step < 30000; step++) {
      long index = random.nextInt((int) span);
      Entry e = oracle.get(index);
      switch (random.nextInt(5)) {
        case 0, 1 -> {
          if (e == null) {
            tree.insert(index, index * 7 + 1);
            oracle.put(index, new Entry(index * 7 + 1, 1));
          } else {
            tree.ref(index);
            oracle.put(index, new Entry(e.pfn(), e.refs() + 1));
          }
        }
        case 2, 3 -> {
          if (e != null) {
            boolean removed = tree.unref(index);
            assertThat(removed).isEqualTo(e.refs() == 1);
            if (removed) {
              oracle.remove(index);
            } else {
              oracle.put(index, new Entry(e.pfn(), e.refs() - 1));
            }
          }
        }
        default -> {
          long last = index + random.nextInt(600);
          assertThat(tree.countInRange(index, last))
              .isEqualTo(oracle.subMap(index, true, last, true).size());
        }
      }
      assertThat(tree.pfnAt(index)).isEqualTo(oracle.containsKey(index)
          ? oracle.get(index).pfn() : -1);
      assertThat(tree.refCount(index)).isEqualTo(oracle.containsKey(index)
          ? oracle.get(index).refs() : 0);
      if (step % 1000 == 0) {
        assertSame(tree, oracle);
      }
    }
    assertSame(tree, oracle);
    for (Map.Entry<Long, Entry> e : List.copyOf(oracle.entrySet())) {
      for (int i = 0; i < e.getValue().refs(); i++) {
        tree.unref(e.getKey());
      }
    }
    assertThat(tree.isEmpty()).isTrue();
    assertThat(tree.leafCount()).isZero();
  }

  @Test
  void ascendingInsertsFillLeavesCompletely() {
    VfioPfnTree tree = new VfioPfnTree();
    for (long i = 0; i < 10 * VfioPfnTree.LEAF_CAPACITY; i++) {
      tree.insert(i * 3, i);
    }
    assertThat(tree.leafCount()).isEqualTo(10);
    assertThat(tree.countInRange(0, Long.MAX_VALUE)).isEqualTo(10L * VfioPfnTree.LEAF_CAPACITY);
    assertThat(tree.countInRange(3, 8)).isEqualTo(2);
    assertThat(tree.countInRange(8, 3)).isZero();
    tree.checkInvariants();
  }

  @Test
  void descendingInsertsAndEmptyingKeepTheStructure() {
    VfioPfnTree tree = new VfioPfnTree();
    for (long i = 2000; i > 0; i--) {
      tree.insert(i, i);
    }
    tree.checkInvariants();
    assertThat(tree.leafCount()).isLessThanOrEqualTo(2000 / (VfioPfnTree.LEAF_CAPACITY / 2) + 1);
    for (long i = 1; i <= 2000; i += 2) {
      assertThat(tree.unref(i)).isTrue();
    }
    tree.checkInvariants();
    assertThat(tree.size()).isEqualTo(1000);
    assertThat(tree.pfnAt(4)).isEqualTo(4);
    assertThat(tree.pfnAt(5)).isEqualTo(-1);
  }

  @Test
  void misuseIsAModelBug() {
    VfioPfnTree tree = new VfioPfnTree();
    tree.insert(5, 50);
    assertThatThrownBy(() -> tree.insert(5, 51)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tree.unref(6)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tree.ref(4)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tree.insert(-1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
