package io.vfiomigrate.trace;

import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.TraceHeader;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Streams an iommufd program, JSON or binary (chosen by content), one entry at a time, in file
 * order: ops and conversion warnings as they appear ({@link ProgramWriter} puts all warnings after
 * all ops). The header is read and checked when the reader is opened.
 *
 * <p>Every method may throw {@link TraceFormatException}. Not thread-safe.
 */
public final class ProgramReader implements Iterator<ProgramEntry>, Closeable {
  private final HeaderedStream stream;
  private @Nullable ProgramEntry lookahead;
  private boolean exhausted;

  private ProgramReader(HeaderedStream stream) {
    this.stream = stream;
  }

  public static ProgramReader open(Path path) {
    return new ProgramReader(HeaderedStream.open(path, StreamLayout.PROGRAM));
  }

  public TraceHeader header() {
    return stream.header();
  }

  public TraceFormat format() {
    return stream.format();
  }

  @Override
  public boolean hasNext() {
    if (lookahead == null && !exhausted) {
      TopLevelRecord record = stream.next();
      if (record == null) {
        exhausted = true;
      } else if (record.field().getNumber() == IommufdProgram.OPS_FIELD_NUMBER) {
        lookahead = new IndexedOp(record.index(), (IommufdOp) record.message());
      } else {
        lookahead = new IndexedWarning(record.index(), (ConversionWarning) record.message());
      }
    }
    return lookahead != null;
  }

  @Override
  public ProgramEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries");
    }
    ProgramEntry entry = lookahead;
    lookahead = null;
    return entry;
  }

  @Override
  public void close() {
    stream.close();
  }
}
