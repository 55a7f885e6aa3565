package io.vfiomigrate.trace;

import io.vfiomigrate.proto.TraceHeader;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The skeleton of {@link TraceReader} and {@link ProgramReader}: a {@link HeaderedStream} read one
 * record ahead, each record turned into an entry by the subclass.
 */
abstract sealed class HeaderedReader<T> implements Iterator<T>, Closeable
    permits TraceReader, ProgramReader {
  private final HeaderedStream stream;
  private final String noMore;
  private @Nullable T lookahead;
  private boolean exhausted;

  /**
   * @param noMore the message of {@link #next}'s NoSuchElementException
   */
  HeaderedReader(Path path, StreamLayout layout, String noMore) {
    this.stream = HeaderedStream.open(path, layout);
    this.noMore = noMore;
  }

  /** The entry of a record of the stream's layout. */
  abstract T entry(TopLevelRecord record);

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
        lookahead = entry(record);
      }
    }
    return lookahead != null;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException(noMore);
    }
    T entry = lookahead;
    lookahead = null;
    return entry;
  }

  @Override
  public void close() {
    stream.close();
  }
}
