package io.vfiomigrate.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An mdev driver that remembers the pins it took, as real drivers do (KVMGT's GGTT entries,
 * vfio-ccw's channel programs), so that its dma_unmap callback can release them. Pins are
 * released with exactly the {@code (iova, npage)} they were taken with, which iommufd
 * requires. Single-threaded, like one driver instance.
 *
 * <p>Pins are kept in one sorted map from {@code (iova, npage)} to how many times that pin is held,
 * so pinning and unpinning are one O(log n) map operation each, and finding the pins a callback
 * must release is O(log n) plus the pins found.
 */
public final class TrackingMdevDriver implements MdevDriver {
  /** One successful vfio_pin_pages call. */
  public record Pin(long iova, int npage) {}

  /** By IOVA, then by length, both unsigned; written out so that nothing is boxed. */
  private static final Comparator<Pin> ORDER =
      (a, b) -> {
        int byIova = Long.compareUnsigned(a.iova(), b.iova());
        return byIova != 0 ? byIova : Integer.compareUnsigned(a.npage(), b.npage());
      };

  private final UnmapPolicy policy;
  private final long pageSize;
  /** (iova, npage) -> how many times that pin is held. */
  private final TreeMap<Pin, Integer> pins = new TreeMap<>(ORDER);
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
    pins.merge(new Pin(iova, npage), 1, Integer::sum);
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
    for (Map.Entry<Pin, Integer> held
        : pins.subMap(new Pin(lowest, 0), true, new Pin(last, -1), true)
            .entrySet()) {
      Pin pin = held.getKey();
      if (U64.lessOrEqual(iova, pin.iova() + pin.npage() * pageSize - 1)) {
        for (int i = 0; i < held.getValue(); i++) {
          released.add(pin);
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
    pins.forEach((pin, count) -> {
      for (int i = 0; i < count; i++) {
        out.add(pin);
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

  private void forget(long iova, int npage) {
    pins.computeIfPresent(new Pin(iova, npage), (k, n) -> n == 1 ? null : n - 1);
  }
}
