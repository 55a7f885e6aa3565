package io.vfiomigrate.cli;

import static java.util.Objects.requireNonNull;

/**
 * A semantic problem in a trace that is valid against the schema: {@code where} is {@code header}
 * or {@code event N}, {@code field} the JSON path inside it.
 */
record Finding(String where, String field, String message) {
  Finding {
    requireNonNull(where, "where is null");
    requireNonNull(field, "field is null");
    requireNonNull(message, "message is null");
  }

  /** {@code event 4: mapDma.size: zero size}. */
  @Override
  public String toString() {
    return where + ": " + field + ": " + message;
  }
}
