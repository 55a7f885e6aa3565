package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.IommufdOp;

/** Op {@code index} of an iommufd program, counted from 0. */
public record IndexedOp(long index, IommufdOp op) implements ProgramEntry {
  public IndexedOp {
    requireNonNull(op, "op is null");
  }
}
