package io.vfiomigrate.trace;

import io.vfiomigrate.proto.Type1Event;
import java.nio.file.Path;

/**
 * Streams a type1 trace, JSON or binary (chosen by content), one event at a time: memory use does
 * not grow with the file. The header is read and checked ({@link TraceHeaders}) when the reader is
 * opened.
 *
 * <pre>{@code
 * try (TraceReader trace = TraceReader.open(path)) {
 *   TraceHeader header = trace.header();
 *   while (trace.hasNext()) {
 *     IndexedEvent event = trace.next();
 *   }
 * }
 * }</pre>
 *
 * <p>Every method may throw {@link TraceFormatException}: MALFORMED_INPUT naming the event and
 * field, or UNREADABLE_INPUT. Not thread-safe.
 */
public final class TraceReader extends HeaderedReader<IndexedEvent> {
  private TraceReader(Path path) {
    super(path, StreamLayout.TRACE, "no more events");
  }

  public static TraceReader open(Path path) {
    return new TraceReader(path);
  }

  @Override
  IndexedEvent entry(TopLevelRecord record) {
    return new IndexedEvent(record.index(), (Type1Event) record.message());
  }
}
