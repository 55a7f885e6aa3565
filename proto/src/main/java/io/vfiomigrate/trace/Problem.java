package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A defect found inside one record: the JSON path of the field it concerns (null when it concerns
 * the record as a whole) and a one-line description.
 */
record Problem(@Nullable String field, String detail) {
  static final String TRUNCATED = "truncated input";

  Problem {
    requireNonNull(detail, "detail is null");
  }

  static Problem at(String path, String detail) {
    return new Problem(path.isEmpty() ? null : path, detail);
  }

  /**
   * This problem seen from the message that holds it in field {@code parent}: an empty path (the
   * field itself) becomes {@code parent}; problems without a path keep none.
   */
  Problem within(String parent) {
    if (field == null) {
      return this;
    }
    return new Problem(field.isEmpty() ? parent : parent + "." + field, detail);
  }
}
