package io.vfiomigrate.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An mdev driver that remembers the pins it took, as real drivers do (KVMGT's GGTT entries,
 * vfio-ccw's channel programs), so that its dma_unmap callback can release them. Pins are
 * released with exactly the {@code (iova, npage)} they were taken with, which iommufd
 * requires. Single-threaded, like one driver instance.
 */
public final class TrackingMdevDriver implements MdevDriver {
  /** One successful vfio_pin_pages call. */
  public record Pin(long iova, int npage) {
    /** True if the pinned pages intersect {@code [iova, iova + length)}. */
    boolean intersects(long start, long length, long pageSize) {
      long pinLast = iova + (long) npage * pageSize - 1;
      long last = start + length - 1;
      return U64.lessOrEqual(iova, last) && U64.lessOrEqual(start, pinLast);
    }
  }

  private final UnmapPolicy policy;
  private final long pageSize;
  private final List<Pin> pins = new ArrayList<>();
  private long callbacks;

  public TrackingMdevDriver(UnmapPolicy policy, long pageSize) {
    this.policy = requireNonNull(policy, "policy is null");
    this.pageSize = pageSize;
  }

  /** Pins through {@code device} and remembers the pin if it succeeded. */
  public PinnedPages pin(VfioDevice device, long iova, int npage, Prot prot) {
    PinnedPages pages = device.pinPages(iova, npage, prot);
    pins.add(new Pin(iova, npage));
    return pages;
  }

  /**
   * Unpins through {@code device} and forgets one matching pin. The unpin is passed on even if
   * the driver never took that pin, so that the backend sees what a buggy driver does.
   */
  public void unpin(VfioDevice device, long iova, int npage) {
    pins.remove(new Pin(iova, npage));
    device.unpinPages(iova, npage);
  }

  @Override
  public void dmaUnmap(VfioDevice device, long iova, long length) {
    callbacks++;
    if (policy == UnmapPolicy.IGNORE) {
      return;
    }
    List<Pin> released = new ArrayList<>();
    for (Iterator<Pin> it = pins.iterator(); it.hasNext(); ) {
      Pin pin = it.next();
      if (pin.intersects(iova, length, pageSize)) {
        it.remove();
        released.add(pin);
      }
    }
    for (Pin pin : released) {
      device.unpinPages(pin.iova(), pin.npage());
    }
  }

  /** The pins the driver still holds, oldest first. */
  public List<Pin> pins() {
    return List.copyOf(pins);
  }

  /** How many times the backend called dma_unmap. */
  public long callbacks() {
    return callbacks;
  }

  public UnmapPolicy policy() {
    return policy;
  }
}
