package io.vfiomigrate.trace;

/** One element of an iommufd program after its header: an op or a conversion warning. */
public sealed interface ProgramEntry permits IndexedOp, IndexedWarning {
  /** The position among entries of the same kind, counted from 0 in file order. */
  long index();
}
