package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.ConversionWarning;

/** Warning {@code index} of an iommufd program, counted from 0. */
public record IndexedWarning(long index, ConversionWarning warning) implements ProgramEntry {
  public IndexedWarning {
    requireNonNull(warning, "warning is null");
  }
}
