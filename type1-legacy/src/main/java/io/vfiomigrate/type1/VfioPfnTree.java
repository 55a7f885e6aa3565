package io.vfiomigrate.type1;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code pfn_list} of one {@code vfio_dma}: a {@code vfio_pfn} {iova, pfn, ref_count} for
 * every page an emulated device's driver holds pinned, keyed by the page's index within the
 * dma. This is the only per-page state type1 keeps, in the kernel as here.
 *
 * <p>The kernel spends an rb-tree node per page (about 64 bytes with slab rounding). This tree
 * keeps the entries in sorted leaves of parallel primitive arrays (8 bytes of key, 8 of PFN, 4
 * of reference count), indexed by a small map from each leaf's first key, so an entry costs
 * about 20 bytes plus leaf slack. Appending in ascending order fills leaves completely; a full
 * leaf otherwise splits in half; a leaf that drops below a quarter is merged into a neighbour.
 *
 * <p>Invariants: keys are unique and ascending across leaves; every leaf is non-empty and is
 * indexed by its first key; every reference count is at least 1; {@link #size()} is the number
 * of entries.
 */
final class VfioPfnTree {
  /** Entries per leaf at most. */
  static final int LEAF_CAPACITY = 256;
  private static final int MIN_ARRAY = 8;

  /** One leaf: {@code count} entries sorted by key in the first slots of the arrays. */
  private static final class Leaf {
    long[] keys;
    long[] pfns;
    int[] refs;
    int count;

    Leaf(int capacity) {
      keys = new long[capacity];
      pfns = new long[capacity];
      refs = new int[capacity];
    }

    int search(long index) {
      return Arrays.binarySearch(keys, 0, count, index);
    }

    /** First slot whose key is at least {@code index}. */
    int lowerBound(long index) {
      int pos = search(index);
      return pos >= 0 ? pos : -pos - 1;
    }

    void resize(int capacity) {
      keys = Arrays.copyOf(keys, capacity);
      pfns = Arrays.copyOf(pfns, capacity);
      refs = Arrays.copyOf(refs, capacity);
    }

    void insertAt(int pos, long index, long pfn) {
      if (count == keys.length) {
        resize(Math.min(LEAF_CAPACITY, keys.length * 2));
      }
      System.arraycopy(keys, pos, keys, pos + 1, count - pos);
      System.arraycopy(pfns, pos, pfns, pos + 1, count - pos);
      System.arraycopy(refs, pos, refs, pos + 1, count - pos);
      keys[pos] = index;
      pfns[pos] = pfn;
      refs[pos] = 1;
      count++;
    }

    void removeAt(int pos) {
      System.arraycopy(keys, pos + 1, keys, pos, count - pos - 1);
      System.arraycopy(pfns, pos + 1, pfns, pos, count - pos - 1);
      System.arraycopy(refs, pos + 1, refs, pos, count - pos - 1);
      count--;
      if (keys.length > MIN_ARRAY && count < keys.length / 4) {
        resize(Math.max(MIN_ARRAY, keys.length / 2));
      }
    }

    /** Moves the entries from {@code from} on into a new leaf. */
    Leaf splitAt(int from) {
      int moved = count - from;
      Leaf right = new Leaf(Math.max(MIN_ARRAY, Integer.highestOneBit(moved - 1) << 1));
      System.arraycopy(keys, from, right.keys, 0, moved);
      System.arraycopy(pfns, from, right.pfns, 0, moved);
      System.arraycopy(refs, from, right.refs, 0, moved);
      right.count = moved;
      count = from;
      return right;
    }

    /** Appends every entry of {@code right}, whose keys are all above this leaf's. */
    void absorb(Leaf right) {
      int total = count + right.count;
      if (total > keys.length) {
        resize(Math.min(LEAF_CAPACITY, Math.max(MIN_ARRAY, Integer.highestOneBit(total - 1) << 1)));
      }
      System.arraycopy(right.keys, 0, keys, count, right.count);
      System.arraycopy(right.pfns, 0, pfns, count, right.count);
      System.arraycopy(right.refs, 0, refs, count, right.count);
      count = total;
    }
  }

  /** Visits the entries in key order. */
  @FunctionalInterface
  interface Visitor {
    void visit(long index, long pfn, int refCount);
  }

  private final TreeMap<Long, Leaf> leaves = new TreeMap<>();
  private long size;

  long size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** {@code vfio_find_vpfn}: the PFN pinned at {@code index}, or -1 if none. */
  long pfnAt(long index) {
    Leaf leaf = leafFor(index);
    int pos = leaf == null ? -1 : leaf.search(index);
    return pos >= 0 ? leaf.pfns[pos] : -1;
  }

  /** The reference count at {@code index}, 0 if there is no entry. */
  int refCount(long index) {
    Leaf leaf = leafFor(index);
    int pos = leaf == null ? -1 : leaf.search(index);
    return pos >= 0 ? leaf.refs[pos] : 0;
  }

  /** {@code vfio_iova_get_vfio_pfn}: takes one more reference on an existing entry. */
  void ref(long index) {
    Leaf leaf = leafFor(index);
    int pos = leaf == null ? -1 : leaf.search(index);
    if (pos < 0) {
      throw new IllegalStateException("no vfio_pfn at page " + index);
    }
    leaf.refs[pos] = Math.addExact(leaf.refs[pos], 1);
  }

  /**
   * {@code vfio_add_to_pfn_list}: a new entry with one reference.
   *
   * @throws IllegalStateException if {@code index} already has an entry
   */
  void insert(long index, long pfn) {
    if (index < 0) {
      throw new IllegalArgumentException("negative page index " + index);
    }
    Map.Entry<Long, Leaf> entry = leaves.floorEntry(index);
    if (entry == null) {
      entry = leaves.firstEntry();
      if (entry == null) {
        Leaf leaf = new Leaf(MIN_ARRAY);
        leaf.insertAt(0, index, pfn);
        leaves.put(index, leaf);
        size++;
        return;
      }
    }
    Leaf leaf = entry.getValue();
    int pos = leaf.search(index);
    if (pos >= 0) {
      throw new IllegalStateException("vfio_pfn at page " + index + " already exists");
    }
    pos = -pos - 1;
    long key = entry.getKey();
    if (leaf.count == LEAF_CAPACITY) {
      if (pos == leaf.count && leaves.higherKey(key) == null) {
        // Ascending appends start a fresh leaf and leave this one full.
        Leaf next = new Leaf(MIN_ARRAY);
        next.insertAt(0, index, pfn);
        leaves.put(index, next);
        size++;
        return;
      }
      int half = leaf.count / 2;
      Leaf right = leaf.splitAt(half);
      leaves.put(right.keys[0], right);
      if (pos > half) {
        leaf = right;
        key = right.keys[0];
        pos -= half;
      }
    }
    leaf.insertAt(pos, index, pfn);
    if (pos == 0) {
      leaves.remove(key);
      leaves.put(index, leaf);
    }
    size++;
  }

  /**
   * {@code vfio_iova_put_vfio_pfn} without the unpin: drops one reference and removes the entry
   * when none is left.
   *
   * @return true if the entry was removed (the caller then releases the page's pin)
   */
  boolean unref(long index) {
    Map.Entry<Long, Leaf> entry = leaves.floorEntry(index);
    Leaf leaf = entry == null ? null : entry.getValue();
    int pos = leaf == null ? -1 : leaf.search(index);
    if (pos < 0) {
      throw new IllegalStateException("no vfio_pfn at page " + index);
    }
    if (leaf.refs[pos] > 1) {
      leaf.refs[pos]--;
      return false;
    }
    leaf.removeAt(pos);
    size--;
    long key = entry.getKey();
    if (leaf.count == 0) {
      leaves.remove(key);
      return true;
    }
    if (pos == 0) {
      leaves.remove(key);
      key = leaf.keys[0];
      leaves.put(key, leaf);
    }
    mergeIfSparse(key, leaf);
    return true;
  }

  /** Number of entries with an index in {@code [first, last]}. */
  long countInRange(long first, long last) {
    if (first > last) {
      return 0;
    }
    Map.Entry<Long, Leaf> entry = leaves.floorEntry(first);
    if (entry == null) {
      entry = leaves.ceilingEntry(first);
    }
    long total = 0;
    while (entry != null && entry.getKey() <= last) {
      Leaf leaf = entry.getValue();
      int from = leaf.lowerBound(first);
      int to = last == Long.MAX_VALUE ? leaf.count : leaf.lowerBound(last + 1);
      total += to - from;
      entry = leaves.higherEntry(entry.getKey());
    }
    return total;
  }

  void forEach(Visitor visitor) {
    for (Leaf leaf : leaves.values()) {
      for (int i = 0; i < leaf.count; i++) {
        visitor.visit(leaf.keys[i], leaf.pfns[i], leaf.refs[i]);
      }
    }
  }

  /** Number of leaves: the tree's object count beyond its entries. */
  int leafCount() {
    return leaves.size();
  }

  /**
   * @throws IllegalStateException naming the first broken structural invariant
   */
  void checkInvariants() {
    long counted = 0;
    long previous = -1;
    for (Map.Entry<Long, Leaf> entry : leaves.entrySet()) {
      Leaf leaf = entry.getValue();
      if (leaf.count == 0 || leaf.keys[0] != entry.getKey()) {
        throw new IllegalStateException(
            "vfio_pfn leaf at " + entry.getKey() + " is empty or mis-keyed");
      }
      for (int i = 0; i < leaf.count; i++) {
        if (leaf.keys[i] <= previous || leaf.refs[i] < 1) {
          throw new IllegalStateException("vfio_pfn at page " + leaf.keys[i]
              + " is out of order or has ref_count " + leaf.refs[i]);
        }
        previous = leaf.keys[i];
      }
      counted += leaf.count;
    }
    if (counted != size) {
      throw new IllegalStateException(
          "vfio_pfn tree counts " + size + " entries but holds " + counted);
    }
  }

  /** Joins a leaf that fell below a quarter full with a neighbour when both fit in half a leaf. */
  private void mergeIfSparse(long key, Leaf leaf) {
    if (leaf.count >= LEAF_CAPACITY / 4) {
      return;
    }
    Map.Entry<Long, Leaf> right = leaves.higherEntry(key);
    if (right != null && leaf.count + right.getValue().count <= LEAF_CAPACITY / 2) {
      leaf.absorb(right.getValue());
      leaves.remove(right.getKey());
      return;
    }
    Map.Entry<Long, Leaf> left = leaves.lowerEntry(key);
    if (left != null && left.getValue().count + leaf.count <= LEAF_CAPACITY / 2) {
      left.getValue().absorb(leaf);
      leaves.remove(key);
    }
  }

  private Leaf leafFor(long index) {
    Map.Entry<Long, Leaf> entry = leaves.floorEntry(index);
    return entry == null ? null : entry.getValue();
  }
}
