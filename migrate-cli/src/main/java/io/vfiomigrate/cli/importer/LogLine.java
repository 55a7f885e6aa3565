package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A log line without the prefixes loggers put around QEMU's text, and the ids those prefixes
 * carried: {@code processId} from syslog, the journal or SystemTap, {@code threadId} from QEMU's
 * own {@code TID@SEC.USEC:} and {@code …Z (TID)} timestamps (QEMU prints the thread id there, so
 * one process shows several).
 */
record LogLine(String text, @Nullable Integer processId, @Nullable Integer threadId) {
  LogLine {
    requireNonNull(text, "text is null");
  }
}
