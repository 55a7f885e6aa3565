package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens input files, turning every way of failing into an UNREADABLE_INPUT error. */
final class InputFiles {
  static final int BUFFER_BYTES = 1 << 16;

  private InputFiles() {}

  /** An open, buffered input and the format its first bytes announce. */
  record Opened(InputStream stream, TraceFormat format, String file) implements Closeable {
    Opened {
      requireNonNull(stream, "stream is null");
      requireNonNull(format, "format is null");
      requireNonNull(file, "file is null");
    }

    /** Closing an input cannot lose data, so a failure to close is ignored. */
    @Override
    public void close() {
      try {
        stream.close();
      } catch (IOException ignored) {
        // Nothing was written; there is nothing to report.
      }
    }
  }

  static Opened open(Path path) {
    String file = path.toString();
    if (Files.isDirectory(path)) {
      throw TraceFormatException.unreadable(file, "is a directory", null);
    }
    InputStream raw;
    try {
      raw = Files.newInputStream(path);
    } catch (IOException e) {
      throw TraceFormatException.openFailed(file, e);
    }
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER_BYTES);
    try {
      return new Opened(in, TraceFormat.detect(in, BUFFER_BYTES), file);
    } catch (IOException e) {
      closeQuietly(in);
      throw readFailed(file, e);
    }
  }

  /** An I/O error while reading an input that was opened successfully. */
  static TraceFormatException readFailed(String file, IOException e) {
    return TraceFormatException.unreadable(file, "read error: " + e.getMessage(), e);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // Already failing; the original error is the one to report.
    }
  }
}
