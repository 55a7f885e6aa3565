package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

/** What a parser made of one line (or of a line joined with its continuation). */
sealed interface ParseResult {
  /** A line of a known kind with valid arguments; {@code kind} is the event name as logged. */
  record Recognised(String kind, LogEvent event) implements ParseResult {
    public Recognised {
      requireNonNull(kind, "kind is null");
      requireNonNull(event, "event is null");
    }
  }

  /** A line of a known kind whose arguments are wrong or cut short. */
  record Malformed(String kind, String reason) implements ParseResult {
    public Malformed {
      requireNonNull(kind, "kind is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /** Anything else: noise around the events, never an error. */
  record Unknown() implements ParseResult {}
}
