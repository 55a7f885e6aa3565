package io.vfiomigrate.cli.importer;

import io.vfiomigrate.proto.Type1Event;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Holds the events of an import on disk until the header, which comes first in a trace but is known
 * only at the end of the log, has been written. Varint-delimited {@code Type1Event}s in a hidden
 * temporary file, deleted on {@link #close()}. Reading the log twice instead would not work for a
 * pipe ({@code <(journalctl …)}).
 */
final class EventSpill implements Closeable {
  private static final int BUFFER_BYTES = 1 << 16;

  private final Path file;
  private final OutputStream out;

  private EventSpill(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** A new spill file in {@code directory}, next to the output so that it is on a writable disk. */
  static EventSpill create(Path directory) throws IOException {
    Path file = Files.createTempFile(directory, ".vfio-migrate-import.", ".tmp");
    try {
      return new EventSpill(
          file, new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES));
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * @throws UncheckedIOException if the disk refuses the write
   */
  void append(Type1Event event) {
    try {
      event.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Hands every appended event to {@code consumer}, in order. */
  void replay(Consumer<Type1Event> consumer) throws IOException {
    out.flush();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES)) {
      for (Type1Event event = Type1Event.parseDelimitedFrom(in);
          event != null;
          event = Type1Event.parseDelimitedFrom(in)) {
        consumer.accept(event);
      }
    }
  }

  /** Deletes the file; never fails. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException ignored) {
      // The content is no longer needed.
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A hidden .tmp file is all that can be left; nothing more can be done.
    }
  }
}
