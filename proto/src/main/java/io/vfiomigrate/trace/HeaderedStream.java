package io.vfiomigrate.trace;

import io.vfiomigrate.proto.TraceHeader;
import java.io.Closeable;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A record stream whose header has been read and checked: the first record must be the header (a
 * streaming reader needs it before anything else) and no second header may follow.
 */
final class HeaderedStream implements Closeable {
  private final RecordStream records;
  private final String file;
  private final TraceHeader header;

  private HeaderedStream(RecordStream records, String file, TraceHeader header) {
    this.records = records;
    this.file = file;
    this.header = header;
  }

  /**
   * @throws TraceFormatException if the file cannot be read, or has no valid header first
   */
  static HeaderedStream open(Path path, StreamLayout layout) {
    String file = path.toString();
    RecordStream records = RecordStream.open(path, layout);
    try {
      TopLevelRecord first = records.next();
      if (first == null || !first.isHeader()) {
        throw TraceFormatException.malformed(file, null, null, "missing header");
      }
      TraceHeader header = (TraceHeader) first.message();
      TraceHeaders.check(header, file);
      return new HeaderedStream(records, file, header);
    } catch (RuntimeException e) {
      records.close();
      throw e;
    }
  }

  TraceHeader header() {
    return header;
  }

  TraceFormat format() {
    return records.format();
  }

  /** The next record after the header, or null at the end of the file. */
  @Nullable TopLevelRecord next() {
    TopLevelRecord record = records.next();
    if (record != null && record.isHeader()) {
      throw TraceFormatException.malformed(file, null, null, "duplicate header");
    }
    return record;
  }

  @Override
  public void close() {
    records.close();
  }
}
