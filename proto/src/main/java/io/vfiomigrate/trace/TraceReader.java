package io.vfiomigrate.trace;

import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

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
public final class TraceReader implements Iterator<IndexedEvent>, Closeable {
  private final HeaderedStream stream;
  private @Nullable IndexedEvent lookahead;
  private boolean exhausted;

  private TraceReader(HeaderedStream stream) {
    this.stream = stream;
  }

  public static TraceReader open(Path path) {
    return new TraceReader(HeaderedStream.open(path, StreamLayout.TRACE));
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
      } else {
        lookahead = new IndexedEvent(record.index(), (Type1Event) record.message());
      }
    }
    return lookahead != null;
  }

  @Override
  public IndexedEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more events");
    }
    IndexedEvent event = lookahead;
    lookahead = null;
    return event;
  }

  @Override
  public void close() {
    stream.close();
  }
}
