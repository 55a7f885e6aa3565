package io.vfiomigrate.trace;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Keeps a sequence of messages on disk instead of in memory, to be replayed later in order, for
 * writers that learn what must come first only at the end. The hidden temporary file holds
 * varint-delimited messages and is deleted by {@link #close()}.
 */
public final class MessageSpill<M extends Message> implements Closeable {
  private final Path file;
  private final Parser<M> parser;
  private final OutputStream out;

  private MessageSpill(Path file, Parser<M> parser, OutputStream out) {
    this.file = file;
    this.parser = parser;
    this.out = out;
  }

  /** A new spill file in {@code directory}: put it next to the output, on a writable disk. */
  public static <M extends Message> MessageSpill<M> create(Path directory, Parser<M> parser)
      throws IOException {
    Path file = Files.createTempFile(directory, ".vfio-migrate-spill.", ".tmp");
    try {
      return new MessageSpill<>(
          file,
          parser,
          new BufferedOutputStream(Files.newOutputStream(file), InputFiles.BUFFER_BYTES));
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  public void append(M message) throws IOException {
    message.writeDelimitedTo(out);
  }

  /** Hands every appended message to {@code consumer}, in order. */
  public void replay(Consumer<M> consumer) throws IOException {
    out.flush();
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(file), InputFiles.BUFFER_BYTES)) {
      for (M message = parser.parseDelimitedFrom(in);
          message != null;
          message = parser.parseDelimitedFrom(in)) {
        consumer.accept(message);
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
      // Hidden and marked .tmp; nothing more can be done.
    }
  }
}
