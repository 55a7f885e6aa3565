package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.proto.Type1Event;

/**
 * An event that is built but not yet written: error lines that follow its log line may still set
 * its {@code expect}. Mutable; owned by {@link RecentRequests}.
 */
final class PendingEvent {
  private final Type1Event.Builder event;
  private final Outcome outcome;
  private boolean errnoByNumber;
  private boolean mmio;

  PendingEvent(Type1Event.Builder event, Outcome outcome) {
    this.event = requireNonNull(event, "event is null");
    this.outcome = requireNonNull(outcome, "outcome is null");
  }

  Type1Event.Builder event() {
    return event;
  }

  boolean isMap() {
    return event.hasMapDma();
  }

  boolean isRequest() {
    return event.hasMapDma() || event.hasUnmapDma();
  }

  Outcome outcome() {
    return outcome;
  }

  /** Whether the errno came from a number, which no strerror text may override. */
  boolean errnoByNumber() {
    return errnoByNumber;
  }

  /** The kernel refused the vaddr as a PCI BAR (iommufd's EFAULT hint): its memory is MMIO. */
  boolean mmio() {
    return mmio;
  }

  void markMmio() {
    mmio = true;
  }

  /** Records the request's failure as its expected outcome. */
  void fail(Errno errno, boolean byNumber) {
    event.getExpectBuilder().setErrno(errno.name());
    errnoByNumber = byNumber;
  }
}
