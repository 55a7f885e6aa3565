package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The last events built, held back so that the error lines that follow a request can still set its
 * {@code expect}. QEMU prints most errors right after the ioctl, but a map that fails while a
 * device is realized is reported only when the realize gives up, after the rest of the listener's
 * replay, so the window is generous. Events leave in order, to {@code retire}, when the window is
 * full and at {@link #flush()}.
 */
final class RecentRequests {
  /** Events held back; a listener replay of a large VM is a few hundred sections. */
  static final int WINDOW = 1024;

  private final ArrayDeque<PendingEvent> window = new ArrayDeque<>();
  private final Consumer<PendingEvent> retire;

  RecentRequests(Consumer<PendingEvent> retire) {
    this.retire = requireNonNull(retire, "retire is null");
  }

  void add(PendingEvent event) {
    window.addLast(event);
    if (window.size() > WINDOW) {
      retire.accept(window.removeFirst());
    }
  }

  /**
   * An error line naming the request by address: the newest map (or unmap) of exactly {@code [iova,
   * iova + size)} whose outcome the log did not already report as a success.
   *
   * @return why nothing matched, if nothing did
   */
  Optional<String> failByAddress(boolean map, long iova, long size, Errno errno) {
    Iterator<PendingEvent> newestFirst = window.descendingIterator();
    while (newestFirst.hasNext()) {
      PendingEvent pending = newestFirst.next();
      if (pending.isRequest()
          && pending.isMap() == map
          && pending.outcome() != Outcome.SUCCEEDED
          && iova(pending) == iova
          && size(pending) == size) {
        pending.fail(errno, true);
        return Optional.empty();
      }
    }
    return Optional.of(
        "no "
            + (map ? "map" : "unmap")
            + " of 0x"
            + Long.toHexString(iova)
            + " size 0x"
            + Long.toHexString(size)
            + " among the last "
            + WINDOW
            + " events");
  }

  /**
   * An error line printed right after the failing ioctl, without addresses: it belongs to the
   * newest request, if that is of the right type and not reported as a success. A number already
   * recorded wins over strerror text.
   *
   * @return why nothing matched, if nothing did
   */
  Optional<String> failNewest(boolean map, Errno errno, boolean byNumber, boolean pciBar) {
    Optional<PendingEvent> newest = newestRequest();
    if (newest.isEmpty()
        || newest.get().isMap() != map
        || newest.get().outcome() == Outcome.SUCCEEDED) {
      return Optional.of("it does not follow a failed " + (map ? "map" : "unmap") + " request");
    }
    PendingEvent pending = newest.get();
    if (byNumber || !pending.errnoByNumber()) {
      pending.fail(errno, byNumber);
    }
    if (pciBar) {
      pending.markMmio();
    }
    return Optional.empty();
  }

  /**
   * {@code vfio_listener_region_add_no_dma_map}: the map just built for a RAM device section inside
   * {@code [iova, iova + size)} is not made.
   *
   * @return why nothing matched, if nothing did
   */
  Optional<String> retractNewestMap(long iova, long size) {
    PendingEvent newest = window.peekLast();
    if (newest == null || !newest.isMap() || Long.compareUnsigned(iova(newest) - iova, size) >= 0) {
      return Optional.of("it does not follow the map of its section");
    }
    window.removeLast();
    return Optional.empty();
  }

  /** Retires every event held back, oldest first. */
  void flush() {
    while (!window.isEmpty()) {
      retire.accept(window.removeFirst());
    }
  }

  private Optional<PendingEvent> newestRequest() {
    Iterator<PendingEvent> newestFirst = window.descendingIterator();
    while (newestFirst.hasNext()) {
      PendingEvent pending = newestFirst.next();
      if (pending.isRequest()) {
        return Optional.of(pending);
      }
    }
    return Optional.empty();
  }

  private static long iova(PendingEvent pending) {
    return pending.isMap()
        ? pending.event().getMapDma().getIova()
        : pending.event().getUnmapDma().getIova();
  }

  private static long size(PendingEvent pending) {
    return pending.isMap()
        ? pending.event().getMapDma().getSize()
        : pending.event().getUnmapDma().getSize();
  }
}
