package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's {@code interval_tree} ({@code include/linux/interval_tree.h}): closed intervals
 * {@code [start, last]} of u64 values that may overlap, each carrying a value. Iteration visits
 * the intervals intersecting a query range in order of {@code start}; intervals with equal
 * starts come in insertion order.
 *
 * <p>An AVL tree keyed by {@code (start, insertion sequence)} and augmented with the largest
 * {@code last} of each subtree, so that {@link #iterFirst} and {@link #iterNext} skip subtrees
 * that cannot intersect. All comparisons are unsigned.
 *
 * <p>Invariants: every node's {@code maxLast} is the unsigned maximum of its own {@code last}
 * and its children's {@code maxLast}; subtree heights differ by at most one.
 *
 * @param <T> the value each interval carries
 */
public final class IntervalTree<T> {
  /** One interval of the tree. Immutable once inserted; re-insert to change its bounds. */
  public static final class Node<T> {
    private final long start;
    private final long last;
    private final long seq;
    private final T value;
    private Node<T> left;
    private Node<T> right;
    private int height = 1;
    private long maxLast;
    private boolean linked;

    private Node(long start, long last, long seq, T value) {
      this.start = start;
      this.last = last;
      this.seq = seq;
      this.value = value;
      this.maxLast = last;
    }

    public long start() {
      return start;
    }

    public long last() {
      return last;
    }

    public T value() {
      return value;
    }

    /** Whether the node is currently in a tree ({@code !RB_EMPTY_NODE}). */
    public boolean linked() {
      return linked;
    }
  }

  private Node<T> root;
  private int size;
  private long nextSeq;

  /**
   * {@code interval_tree_insert}.
   *
   * @throws IllegalArgumentException if {@code start} is above {@code last}
   */
  public Node<T> insert(long start, long last, T value) {
    if (U64.greaterThan(start, last)) {
      throw new IllegalArgumentException(
          "interval start " + U64.hex(start) + " above last " + U64.hex(last));
    }
    Node<T> node = new Node<>(start, last, nextSeq++, value);
    root = insert(root, node);
    node.linked = true;
    size++;
    return node;
  }

  /**
   * {@code interval_tree_remove}.
   *
   * @throws IllegalStateException if {@code node} is not in this tree
   */
  public void remove(Node<T> node) {
    if (!node.linked) {
      throw new IllegalStateException("interval node is not linked");
    }
    int before = size;
    root = remove(root, node);
    if (size == before) {
      throw new IllegalStateException("interval node belongs to another tree");
    }
    node.linked = false;
  }

  /** {@code interval_tree_iter_first}: the first interval intersecting {@code [first, last]}. */
  public Node<T> iterFirst(long first, long last) {
    return findFirst(root, first, last);
  }

  /**
   * {@code interval_tree_iter_next}: the interval after {@code node} (in start order) that
   * intersects {@code [first, last]}, or null.
   */
  public Node<T> iterNext(Node<?> node, long first, long last) {
    return findAfter(root, node, first, last);
  }

  /** Every interval intersecting {@code [first, last]}, in start order. */
  public List<Node<T>> overlapping(long first, long last) {
    List<Node<T>> out = new ArrayList<>();
    for (Node<T> n = iterFirst(first, last); n != null; n = iterNext(n, first, last)) {
      out.add(n);
    }
    return out;
  }

  /** Every interval, in start order. */
  public List<Node<T>> all() {
    return overlapping(0, U64.MAX);
  }

  public boolean isEmpty() {
    return root == null;
  }

  public int size() {
    return size;
  }

  /**
   * Checks the augmentation, the balance and the key order.
   *
   * @throws IllegalStateException naming the first broken invariant
   */
  public void checkInvariants() {
    check(root, null, null);
  }

  private static int compareKey(Node<?> a, Node<?> b) {
    int c = Long.compareUnsigned(a.start, b.start);
    return c != 0 ? c : Long.compare(a.seq, b.seq);
  }

  private Node<T> findFirst(Node<T> n, long first, long last) {
    while (n != null) {
      if (U64.lessThan(n.maxLast, first)) {
        return null;
      }
      if (n.left != null && U64.lessOrEqual(first, n.left.maxLast)) {
        Node<T> found = findFirst(n.left, first, last);
        if (found != null) {
          return found;
        }
      }
      if (U64.greaterThan(n.start, last)) {
        return null;
      }
      if (U64.lessOrEqual(first, n.last)) {
        return n;
      }
      n = n.right;
    }
    return null;
  }

  private Node<T> findAfter(Node<T> n, Node<?> after, long first, long last) {
    while (n != null) {
      if (U64.lessThan(n.maxLast, first)) {
        return null;
      }
      if (compareKey(n, after) <= 0) {
        n = n.right;
        continue;
      }
      Node<T> found = findAfter(n.left, after, first, last);
      if (found != null) {
        return found;
      }
      if (U64.greaterThan(n.start, last)) {
        return null;
      }
      if (U64.lessOrEqual(first, n.last)) {
        return n;
      }
      return findFirst(n.right, first, last);
    }
    return null;
  }

  private Node<T> insert(Node<T> n, Node<T> node) {
    if (n == null) {
      return node;
    }
    if (compareKey(node, n) < 0) {
      n.left = insert(n.left, node);
    } else {
      n.right = insert(n.right, node);
    }
    return rebalance(n);
  }

  private Node<T> remove(Node<T> n, Node<T> node) {
    if (n == null) {
      return null;
    }
    int c = compareKey(node, n);
    if (c < 0) {
      n.left = remove(n.left, node);
    } else if (c > 0) {
      n.right = remove(n.right, node);
    } else {
      if (n != node) {
        return n;
      }
      size--;
      if (n.left == null) {
        return n.right;
      }
      if (n.right == null) {
        return n.left;
      }
      Node<T> successor = n.right;
      while (successor.left != null) {
        successor = successor.left;
      }
      successor.right = removeMin(n.right);
      successor.left = n.left;
      n.left = null;
      n.right = null;
      return rebalance(successor);
    }
    return rebalance(n);
  }

  private Node<T> removeMin(Node<T> n) {
    if (n.left == null) {
      return n.right;
    }
    n.left = removeMin(n.left);
    return rebalance(n);
  }

  private static int height(Node<?> n) {
    return n == null ? 0 : n.height;
  }

  private void update(Node<T> n) {
    n.height = 1 + Math.max(height(n.left), height(n.right));
    long max = n.last;
    if (n.left != null) {
      max = U64.max(max, n.left.maxLast);
    }
    if (n.right != null) {
      max = U64.max(max, n.right.maxLast);
    }
    n.maxLast = max;
  }

  private Node<T> rebalance(Node<T> n) {
    update(n);
    int balance = height(n.left) - height(n.right);
    if (balance > 1) {
      if (height(n.left.left) < height(n.left.right)) {
        n.left = rotateLeft(n.left);
      }
      return rotateRight(n);
    }
    if (balance < -1) {
      if (height(n.right.right) < height(n.right.left)) {
        n.right = rotateRight(n.right);
      }
      return rotateLeft(n);
    }
    return n;
  }

  private Node<T> rotateRight(Node<T> n) {
    Node<T> l = n.left;
    n.left = l.right;
    l.right = n;
    update(n);
    update(l);
    return l;
  }

  private Node<T> rotateLeft(Node<T> n) {
    Node<T> r = n.right;
    n.right = r.left;
    r.left = n;
    update(n);
    update(r);
    return r;
  }

  private void check(Node<T> n, Node<T> low, Node<T> high) {
    if (n == null) {
      return;
    }
    if ((low != null && compareKey(n, low) <= 0) || (high != null && compareKey(n, high) >= 0)) {
      throw new IllegalStateException("interval tree key order broken at " + U64.hex(n.start));
    }
    check(n.left, low, n);
    check(n.right, n, high);
    long max = n.last;
    if (n.left != null) {
      max = U64.max(max, n.left.maxLast);
    }
    if (n.right != null) {
      max = U64.max(max, n.right.maxLast);
    }
    if (max != n.maxLast) {
      throw new IllegalStateException("interval tree maxLast stale at " + U64.hex(n.start));
    }
    if (Math.abs(height(n.left) - height(n.right)) > 1
        || n.height != 1 + Math.max(height(n.left), height(n.right))) {
      throw new IllegalStateException("interval tree unbalanced at " + U64.hex(n.start));
    }
  }
}
