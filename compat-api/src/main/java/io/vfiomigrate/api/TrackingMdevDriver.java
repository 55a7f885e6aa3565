package io.vfiomigrate.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An mdev driver that remembers the pins it took, as real drivers do (KVMGT's GGTT entries,
 * vfio-ccw's channel programs), so that its dma_unmap callback can release them. Pins are
 * released with exactly the {@code (iova, npage)} they were taken with, which iommufd
 * requires. Single-threaded, like one driver instance.
 *
 * <p>Pins are kept by IOVA with a count per {@code (iova, npage)}, so pinning, unpinning and
 * finding the pins a callback must release cost O(log n) each plus the pins found.
 */
public final class TrackingMdevDriver implements MdevDriver {
  /** One successful vfio_pin_pages call. */
  public record Pin(long iova, int npage) {}

  private final UnmapPolicy policy;
  private final long pageSize;
  /** iova -> (npage -> how many times that pin is held). */
  private final TreeMap<Long, TreeMap<Integer, Integer>> pins = new TreeMap<>(Long::compareUnsigned);
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
    pins.computeIfAbsent(iova, k -> new TreeMap<>()).merge(npage, 1, Integer::sum);
    maxPinBytes = Math.max(maxPinBytes, npage * pageSize);
    return pages;
  }

  /**
   * Unpins through {@code device} and forgets one matching pin. The unpin is passed on even if
   * the driver never took that pin, so that the backend sees what a buggy driver does.
   */
  public void unpin(VfioDevice device, long iova, int npage) {
    forget(iova, npage);
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
    for (Map.Entry<Long, TreeMap<Integer, Integer>> e
        : pins.subMap(lowest, true, last, true).entrySet()) {
      for (Map.Entry<Integer, Integer> held : e.getValue().entrySet()) {
        long pinLast = e.getKey() + held.getKey() * pageSize - 1;
        if (U64.lessOrEqual(iova, pinLast)) {
          for (int i = 0; i < held.getValue(); i++) {
            released.add(new Pin(e.getKey(), held.getKey()));
          }
        }
      }
    }
    for (Pin pin : released) {
      forget(pin.iova(), pin.npage());
    }
    for (Pin pin : released) {
      device.unpinPages(pin.iova(), pin.npage());
    }
  }

  /** The pins the driver still holds, by IOVA, a pin held twice listed twice. */
  public List<Pin> pins() {
    List<Pin> out = new ArrayList<>();
    pins.forEach((iova, byLength) -> byLength.forEach((npage, count) -> {
      for (int i = 0; i < count; i++) {
        out.add(new Pin(iova, npage));
      }
    }));
    return out;
  }

  /** How many times the backend called dma_unmap. */
  public long callbacks() {
    return callbacks;
  }

  public UnmapPolicy policy() {
    return policy;
  }

  private void forget(long iova, int npage) {
    TreeMap<Integer, Integer> byLength = pins.get(iova);
    if (byLength == null) {
      return;
    }
    byLength.computeIfPresent(npage, (k, n) -> n == 1 ? null : n - 1);
    if (byLength.isEmpty()) {
      pins.remove(iova);
    }
  }
}
