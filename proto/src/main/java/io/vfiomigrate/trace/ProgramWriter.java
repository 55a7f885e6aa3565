package io.vfiomigrate.trace;

import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.TraceHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Streams an iommufd program to a {@code .json} or {@code .pb} file: header, ops, then warnings.
 * Ops and warnings may be written in any interleaving; warnings are kept in a spill file next to
 * the output (not in memory) and written after the last op, because a JSON object cannot interleave
 * two arrays. Publication and failure behave as in {@link TraceWriter}: nothing appears without
 * {@link #commit()}.
 */
public final class ProgramWriter implements Closeable {
  private final RecordWriter writer;
  private final Path target;
  private @Nullable MessageSpill<ConversionWarning> warnings;
  private long warningCount;

  private ProgramWriter(RecordWriter writer, Path target) {
    this.writer = writer;
    this.target = target;
  }

  /**
   * @throws TraceFormatException as {@link TraceWriter#create}
   */
  public static ProgramWriter create(Path target, Collection<Path> inputs) {
    return new ProgramWriter(RecordWriter.create(target, inputs, StreamLayout.PROGRAM), target);
  }

  public void writeHeader(TraceHeader header) {
    writer.writeHeader(header);
  }

  public void write(IommufdOp op) {
    writer.write(IommufdProgram.OPS_FIELD_NUMBER, op);
  }

  public void write(ConversionWarning warning) {
    try {
      if (warnings == null) {
        warnings =
            MessageSpill.create(target.toAbsolutePath().getParent(), ConversionWarning.parser());
      }
      warnings.append(warning);
      warningCount++;
    } catch (IOException e) {
      abort();
      throw TraceFormatException.writeFailed(
          target.toString(), "write error: " + e.getMessage(), e);
    }
  }

  public long opsWritten() {
    return writer.count(IommufdProgram.OPS_FIELD_NUMBER);
  }

  public long warningsWritten() {
    return warningCount;
  }

  /** Appends the warnings, finishes the file and moves it into place. */
  public void commit() {
    try {
      if (warnings != null) {
        warnings.replay(warning -> writer.write(IommufdProgram.WARNINGS_FIELD_NUMBER, warning));
      }
      writer.commit();
    } catch (IOException e) {
      abort();
      throw TraceFormatException.writeFailed(
          target.toString(), "write error: " + e.getMessage(), e);
    } finally {
      deleteSpill();
    }
  }

  /** Discards the output unless committed; never fails. */
  public void abort() {
    writer.abort();
    deleteSpill();
  }

  @Override
  public void close() {
    abort();
  }

  private void deleteSpill() {
    if (warnings != null) {
      warnings.close();
      warnings = null;
    }
  }
}
