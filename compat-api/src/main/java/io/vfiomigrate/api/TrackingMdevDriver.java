package io.vfiomigrate.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An mdev driver that remembers the pins it took, as real drivers do (KVMGT's GGTT entries,
 * vfio-ccw's channel programs), so that its dma_unmap callback can release them. Pins are
 * released with exactly the {@code (iova, npage)} they were taken with, which iommufd
 * requires. Single-threaded, like one driver instance.
 *
 * <p>How many times each pin is held is in a hash map, so pinning and unpinning are O(1) (a
 * KVMGT-style churn pins and unpins single pages all the time). The callback's question, which
 * pins intersect a range, is answered by an index of the distinct pins by IOVA, which changes only
 * when a pin is taken for the first time or released for the last: O(log n) plus the pins found.
 */
public final class TrackingMdevDriver implements MdevDriver {
  /** One successful vfio_pin_pages call. */
  public record Pin(long iova, int npage) {
    /** Written out: the record's generated one is a hot spot of pin churn. */
    @Override
    public int hashCode() {
      return Long.hashCode(iova * 0x9e3779b97f4a7c15L) ^ npage;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Pin pin && pin.iova == iova && pin.npage == npage;
    }
  }

  private final UnmapPolicy policy;
  private final long pageSize;
  /** (iova, npage) -> how many times that pin is held. */
  private final HashMap<Pin, Integer> held = new HashMap<>();
  /**
   * The lengths of the distinct pins held at each IOVA, in unsigned order, keyed by the IOVA with
   * its sign bit flipped so that the natural order of {@code long} is the unsigned order of IOVAs.
   */
  private final TreeMap<Long, int[]> byIova = new TreeMap<>();
  /** The longest pin ever taken, in bytes: how far below a range a pin may start and reach in. */
  private long maxPinBytes;
  private long callbacks;

  public TrackingMdevDriver(UnmapPolicy policy, long pageSize) {
    this.policy = requireNonNull(policy, "policy is null");
    this.pageSize = pageSize;
  }

  /** Pins through {@code device} and remembers the pin if it succeeded. */
  public PinnedPages pin(VfioDevice device, long iova, int npage, Prot prot) {
    PinnedPages pages = device.pinPages(iova, npage, prot);
    if (held.merge(new Pin(iova, npage), 1, Integer::sum) == 1) {
      byIova.merge(key(iova), new int[] {npage}, TrackingMdevDriver::withLength);
    }
    maxPinBytes = Math.max(maxPinBytes, npage * pageSize);
    return pages;
  }

  /**
   * Unpins through {@code device} and forgets one matching pin. The unpin is passed on even if
   * the driver never took that pin, so that the backend sees what a buggy driver does.
   */
  public void unpin(VfioDevice device, long iova, int npage) {
    forget(new Pin(iova, npage));
    device.unpinPages(iova, npage);
  }

  @Override
  public void dmaUnmap(VfioDevice device, long iova, long length) {
    callbacks++;
    if (policy == UnmapPolicy.IGNORE || length == 0) {
      return;
    }
    long last = U64.lastOverflows(iova, length) ? U64.MAX : iova + length - 1;
    long lowest = U64.lessThan(iova, maxPinBytes) ? 0 : iova - maxPinBytes + 1;
    List<Pin> released = new ArrayList<>();
    for (Map.Entry<Long, int[]> at : byIova.subMap(key(lowest), true, key(last), true).entrySet()) {
      long pinIova = at.getKey() ^ Long.MIN_VALUE;
      for (int npage : at.getValue()) {
        if (U64.lessOrEqual(iova, pinIova + npage * pageSize - 1)) {
          Pin pin = new Pin(pinIova, npage);
          released.addAll(Collections.nCopies(held.get(pin), pin));
        }
      }
    }
    for (Pin pin : released) {
      forget(pin);
    }
    for (Pin pin : released) {
      device.unpinPages(pin.iova(), pin.npage());
    }
  }

  /** The pins the driver still holds, by IOVA, a pin held twice listed twice. */
  public List<Pin> pins() {
    List<Pin> out = new ArrayList<>();
    byIova.forEach(
        (key, lengths) -> {
          for (int npage : lengths) {
            Pin pin = new Pin(key ^ Long.MIN_VALUE, npage);
            out.addAll(Collections.nCopies(held.get(pin), pin));
          }
        });
    return out;
  }

  /** How many times the backend called dma_unmap. */
  public long callbacks() {
    return callbacks;
  }

  public UnmapPolicy policy() {
    return policy;
  }

  /** Forgets one hold of {@code pin}, if the driver has it. */
  private void forget(Pin pin) {
    Integer count = held.get(pin);
    if (count == null) {
      return;
    }
    if (count > 1) {
      held.put(pin, count - 1);
      return;
    }
    held.remove(pin);
    byIova.computeIfPresent(key(pin.iova()), (key, lengths) -> withoutLength(lengths, pin.npage()));
  }

  private static long key(long iova) {
    return iova ^ Long.MIN_VALUE;
  }

  /** {@code lengths} and the one length of {@code added}, in unsigned order. */
  private static int[] withLength(int[] lengths, int[] added) {
    int npage = added[0];
    int at = 0;
    while (at < lengths.length && Integer.compareUnsigned(lengths[at], npage) < 0) {
      at++;
    }
    int[] out = new int[lengths.length + 1];
    System.arraycopy(lengths, 0, out, 0, at);
    out[at] = npage;
    System.arraycopy(lengths, at, out, at + 1, lengths.length - at);
    return out;
  }

  /** {@code lengths} without {@code npage}; null (no entry) when none is left. */
  private static int[] withoutLength(int[] lengths, int npage) {
    if (lengths.length == 1) {
      return null;
    }
    int[] out = new int[lengths.length - 1];
    for (int i = 0, j = 0; i < lengths.length; i++) {
      if (lengths[i] != npage) {
        out[j++] = lengths[i];
      }
    }
    return out;
  }
}
