package io.vfiomigrate.cli.report;

import io.vfiomigrate.trace.AtomicOutputFile;
import io.vfiomigrate.trace.TraceFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Writes a text file (the HTML report) as the trace writers write theirs, through {@link
 * AtomicOutputFile}: atomically, never over an input file, nothing left behind on failure. Errors
 * are {@link TraceFormatException}s so that the exit codes match (rejected output 64, write failure
 * 74).
 */
public final class AtomicText {
  private AtomicText() {}

  public static void write(Path target, String content, Collection<Path> inputs) {
    AtomicOutputFile.write(target, content.getBytes(StandardCharsets.UTF_8), inputs);
  }

  /**
   * Checks, before any work, that {@code target} can be written: not a directory, not one of the
   * inputs.
   *
   * @throws TraceFormatException REJECTED_OUTPUT (exit 64)
   */
  public static void checkTarget(Path target, Collection<Path> inputs) {
    AtomicOutputFile.checkTarget(target, inputs);
  }
}
