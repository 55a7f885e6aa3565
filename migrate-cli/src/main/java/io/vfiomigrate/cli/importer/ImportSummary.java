package io.vfiomigrate.cli.importer;

import com.google.common.collect.ImmutableMap;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What an import made of each line: recognised (counted per kind), joined to the line before (a
 * wrapped line), or skipped, either unknown (noise around the events) or unusable (a known kind
 * with bad arguments, or one that could not be applied), with the first few kept for {@code
 * --verbose}. Not thread-safe.
 */
final class ImportSummary {
  /** Skipped lines listed under --verbose, per category. */
  static final int SHOWN = 10;

  private final Map<String, Long> recognised = new TreeMap<>();
  private final List<String> firstUnusable = new ArrayList<>();
  private final List<Long> firstUnknown = new ArrayList<>();
  private long lines;
  private long joined;
  private long unusable;
  private long unknown;

  void read(long line) {
    lines = line;
  }

  void recognised(String kind) {
    recognised.merge(kind, 1L, Long::sum);
  }

  void joined() {
    joined++;
  }

  void unusable(long line, String kind, String reason) {
    unusable++;
    if (firstUnusable.size() < SHOWN) {
      firstUnusable.add("line " + line + ": " + kind + ": " + reason);
    }
  }

  void unknown(long line) {
    unknown++;
    if (firstUnknown.size() < SHOWN) {
      firstUnknown.add(line);
    }
  }

  long lines() {
    return lines;
  }

  long recognisedLines() {
    return recognised.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The first line of the summary: what became of the lines of {@code file}. */
  String headline(String file) {
    return file
        + ": "
        + lines
        + " lines: "
        + recognisedLines()
        + " recognised, "
        + joined
        + " joined to the line before, "
        + (unknown + unusable)
        + " skipped ("
        + unknown
        + " unknown, "
        + unusable
        + " unusable)";
  }

  /** Prints the summary for people; deterministic. */
  void print(String file, ImmutableMap<String, Long> notes, boolean verbose, PrintStream err) {
    err.println(headline(file));
    err.println("recognised:");
    recognised.forEach((kind, count) -> err.println("  " + kind + " " + count));
    if (!notes.isEmpty()) {
      err.println("notes:");
      notes.forEach(
          (note, count) -> err.println("  " + note + (count == 1 ? "" : " (" + count + " times)")));
    }
    if (verbose && !firstUnusable.isEmpty()) {
      err.println("unusable lines (first " + SHOWN + "):");
      firstUnusable.forEach(line -> err.println("  " + line));
    }
    if (verbose && !firstUnknown.isEmpty()) {
      err.println(
          "unknown lines (first "
              + SHOWN
              + "): "
              + firstUnknown.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }
  }
}
