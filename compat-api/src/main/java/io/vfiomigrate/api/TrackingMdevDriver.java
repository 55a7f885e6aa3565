package io.vfiomigrate.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An mdev driver that remembers the pins it took, as real drivers do (KVMGT's GGTT entries,
 * vfio-ccw's channel programs), so that its dma_unmap callback can release them. Pins are released
 * with exactly the {@code (iova, npage)} they were taken with, which iommufd requires.
 * Single-threaded, like one driver instance.
 *
 * <p>The pins are a {@link PinMultiset}: pinning and unpinning are O(1), and a callback finds the
 * pins it must release without looking at the others. Released pins go back in IOVA order, as a
 * driver walking its own sorted cache (KVMGT's gfn tree) would.
 */
public final class TrackingMdevDriver implements MdevDriver {
  /** One successful vfio_pin_pages call. */
  public record Pin(long iova, int npage) {}

  private final UnmapPolicy policy;
  private final PinMultiset held;
  private long callbacks;

  public TrackingMdevDriver(UnmapPolicy policy, long pageSize) {
    this.policy = requireNonNull(policy, "policy is null");
    this.held = new PinMultiset(pageSize);
  }

  /** Pins through {@code device} and remembers the pin if it succeeded. */
  public PinnedPages pin(VfioDevice device, long iova, int npage, Prot prot) {
    PinnedPages pages = device.pinPages(iova, npage, prot);
    held.add(iova, npage);
    return pages;
  }

  /**
   * Unpins through {@code device} and forgets one matching pin. The unpin is passed on even if the
   * driver never took that pin, so that the backend sees what a buggy driver does.
   */
  public void unpin(VfioDevice device, long iova, int npage) {
    held.remove(iova, npage);
    device.unpinPages(iova, npage);
  }

  @Override
  public void dmaUnmap(VfioDevice device, long iova, long length) {
    callbacks++;
    if (policy == UnmapPolicy.IGNORE || length == 0) {
      return;
    }
    long last = U64.lastOverflows(iova, length) ? U64.MAX : iova + length - 1;
    List<Pin> released = new ArrayList<>();
    held.removeIntersecting(
        iova, last, (pinIova, npage, count) -> addCopies(released, pinIova, npage, count));
    for (Pin pin : released) {
      device.unpinPages(pin.iova(), pin.npage());
    }
  }

  /** The pins the driver still holds, by IOVA, a pin held twice listed twice. */
  public List<Pin> pins() {
    List<Pin> out = new ArrayList<>();
    held.forEach((iova, npage, count) -> addCopies(out, iova, npage, count));
    return out;
  }

  /** How many times the backend called dma_unmap. */
  public long callbacks() {
    return callbacks;
  }

  public UnmapPolicy policy() {
    return policy;
  }

  private static void addCopies(List<Pin> out, long iova, int npage, int count) {
    out.addAll(Collections.nCopies(count, new Pin(iova, npage)));
  }
}
