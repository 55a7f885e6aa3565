package io.vfiomigrate.trace;

import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Streams a type1 trace to a {@code .json} or {@code .pb} file, one event at a time.
 *
 * <p>The file appears at its path only on {@link #commit()}, complete, by an atomic rename of a
 * temporary file in the same directory. {@link #close()} without a commit, or any failure, leaves
 * nothing behind: an exception thrown between writes therefore never publishes half a trace through
 * try-with-resources.
 *
 * <pre>{@code
 * try (TraceWriter out = TraceWriter.create(target, List.of(input))) {
 *   out.writeHeader(header);
 *   for (Type1Event event : events) {
 *     out.write(event);
 *   }
 *   out.commit();
 * }
 * }</pre>
 *
 * <p>Write failures throw {@link TraceFormatException} WRITE_FAILED; misuse (no header, writing
 * after commit) throws IllegalStateException. Not thread-safe.
 */
public final class TraceWriter implements Closeable {
  private final RecordWriter writer;

  private TraceWriter(RecordWriter writer) {
    this.writer = writer;
  }

  /**
   * @param inputs the files being read, which the output must not replace
   * @throws TraceFormatException REJECTED_OUTPUT for a name not ending in .json or .pb, a directory
   *     or an input file; WRITE_FAILED if the output cannot be created
   */
  public static TraceWriter create(Path target, Collection<Path> inputs) {
    return new TraceWriter(RecordWriter.create(target, inputs, StreamLayout.TRACE));
  }

  public void writeHeader(TraceHeader header) {
    writer.writeHeader(header);
  }

  public void write(Type1Event event) {
    writer.write(Type1Trace.EVENTS_FIELD_NUMBER, event);
  }

  public long eventsWritten() {
    return writer.count(Type1Trace.EVENTS_FIELD_NUMBER);
  }

  /** Finishes the file and moves it into place. */
  public void commit() {
    writer.commit();
  }

  /** Discards the output unless committed; never fails. */
  public void abort() {
    writer.abort();
  }

  /** Same as {@link #abort()}: a writer closed without commit leaves nothing behind. */
  @Override
  public void close() {
    writer.close();
  }
}
