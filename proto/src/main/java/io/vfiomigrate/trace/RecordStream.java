package io.vfiomigrate.trace;

import java.io.Closeable;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads the top-level fields of a streamed file one record at a time, in file order, holding at
 * most one record in memory. Every record is fully checked against the schema (unknown fields and
 * enum values included) before it is returned.
 */
interface RecordStream extends Closeable {
  static RecordStream open(Path path, StreamLayout layout) {
    InputFiles.Opened input = InputFiles.open(path);
    return switch (input.format()) {
      case JSON -> new JsonRecordStream(input, layout);
      case BINARY -> new BinaryRecordStream(input, path, layout);
    };
  }

  TraceFormat format();

  /**
   * The next record, or null at the end of the file.
   *
   * @throws TraceFormatException if the file is malformed or cannot be read
   */
  @Nullable TopLevelRecord next();

  @Override
  void close();
}
