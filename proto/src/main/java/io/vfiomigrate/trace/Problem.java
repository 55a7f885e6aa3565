package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A defect found inside one record: the JSON path of the field it concerns (null when it
 * concerns the record as a whole) and a one-line description.
 */
record Problem(@Nullable String field, String detail) {
  static final String TRUNCATED = "truncated input";

  Problem {
    requireNonNull(detail, "detail is null");
  }

  static Problem at(String path, String detail) {
    return new Problem(path.isEmpty() ? null : path, detail);
  }
}
