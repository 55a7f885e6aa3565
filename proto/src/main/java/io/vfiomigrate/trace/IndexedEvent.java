package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.Type1Event;

/** Event {@code index} of a trace, counted from 0: the step number of replays and diffs. */
public record IndexedEvent(long index, Type1Event event) {
  public IndexedEvent {
    requireNonNull(event, "event is null");
  }
}
