package io.vfiomigrate.trace;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.vfiomigrate.proto.TraceHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;

/**
 * The state machine shared by the typed writers: the header exactly once and first, then elements
 * with non-decreasing field numbers (each repeated field contiguous), then commit. A failed write
 * discards the output at once; later calls fail fast.
 */
final class RecordWriter implements Closeable {
  private enum State {
    NEW,
    WRITING,
    FAILED,
    COMMITTED,
    ABORTED
  }

  private final String file;
  private final StreamLayout layout;
  private final AtomicOutputFile output;
  private final RecordSink sink;
  private final long[] counts;
  private State state = State.NEW;
  private int lastField;

  private RecordWriter(String file, StreamLayout layout, AtomicOutputFile output, RecordSink sink) {
    this.file = file;
    this.layout = layout;
    this.output = output;
    this.sink = sink;
    this.counts = new long[layout.maxFieldNumber() + 1];
  }

  static RecordWriter create(Path target, Collection<Path> inputs, StreamLayout layout) {
    TraceFormat format = TraceFormat.forOutput(target);
    AtomicOutputFile output = AtomicOutputFile.create(target, inputs);
    RecordSink sink =
        switch (format) {
          case JSON -> new JsonRecordSink(output.stream());
          case BINARY -> new BinaryRecordSink(output.stream());
        };
    return new RecordWriter(target.toString(), layout, output, sink);
  }

  void writeHeader(TraceHeader header) {
    requireState(State.NEW, "the header must be written first and once");
    state = State.WRITING;
    put(StreamLayout.HEADER_FIELD, header);
  }

  void write(int fieldNumber, Message element) {
    requireState(State.WRITING, "write the header first");
    if (fieldNumber < lastField) {
      throw new IllegalStateException(
          "field "
              + fieldNumber
              + " after field "
              + lastField
              + ": each repeated field must be contiguous");
    }
    put(fieldNumber, element);
  }

  long count(int fieldNumber) {
    return counts[fieldNumber];
  }

  void commit() {
    requireState(State.WRITING, "nothing to commit without a header");
    try {
      sink.finish();
      output.commit();
      state = State.COMMITTED;
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** Discards everything written unless committed. Never fails. */
  void abort() {
    if (state != State.COMMITTED) {
      output.discard();
      if (state != State.FAILED) {
        state = State.ABORTED;
      }
    }
  }

  @Override
  public void close() {
    abort();
  }

  private void put(int fieldNumber, Message element) {
    FieldDescriptor field = layout.field(fieldNumber);
    try {
      sink.write(field, element);
    } catch (IOException e) {
      throw fail(e);
    }
    counts[fieldNumber]++;
    lastField = fieldNumber;
  }

  private TraceFormatException fail(IOException e) {
    state = State.FAILED;
    output.discard();
    return TraceFormatException.writeFailed(file, "write error: " + e.getMessage(), e);
  }

  private void requireState(State expected, String message) {
    if (state != expected) {
      throw new IllegalStateException(
          message + " (writer is " + state.name().toLowerCase(Locale.ROOT) + ")");
    }
  }
}
