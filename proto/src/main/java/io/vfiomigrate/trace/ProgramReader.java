package io.vfiomigrate.trace;

import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdProgram;
import java.nio.file.Path;

/**
 * Streams an iommufd program, JSON or binary (chosen by content), one entry at a time, in file
 * order: ops and conversion warnings as they appear ({@link ProgramWriter} puts all warnings after
 * all ops). The header is read and checked when the reader is opened.
 *
 * <p>Every method may throw {@link TraceFormatException}. Not thread-safe.
 */
public final class ProgramReader extends HeaderedReader<ProgramEntry> {
  private ProgramReader(Path path) {
    super(path, StreamLayout.PROGRAM, "no more entries");
  }

  public static ProgramReader open(Path path) {
    return new ProgramReader(path);
  }

  @Override
  ProgramEntry entry(TopLevelRecord record) {
    if (record.field().getNumber() == IommufdProgram.OPS_FIELD_NUMBER) {
      return new IndexedOp(record.index(), (IommufdOp) record.message());
    }
    return new IndexedWarning(record.index(), (ConversionWarning) record.message());
  }
}
