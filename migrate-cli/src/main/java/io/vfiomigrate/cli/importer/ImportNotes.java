package io.vfiomigrate.cli.importer;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inferences and guesses an import made that its user should know about, each counted, in the
 * order they first happened.
 */
final class ImportNotes {
  private final Map<String, Long> counts = new LinkedHashMap<>();

  void add(String note) {
    counts.merge(note, 1L, Long::sum);
  }

  ImmutableMap<String, Long> counts() {
    return ImmutableMap.copyOf(counts);
  }
}
