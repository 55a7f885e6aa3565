package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Reads lines ({@code \n} or {@code \r\n}) like BufferedReader, but keeps at most {@code maxChars}
 * of each: a log is untrusted input, and one line of a binary file can be gigabytes long. Not
 * thread-safe.
 */
final class BoundedLineReader {
  /** One line; {@code truncated} when its text was cut at the limit. */
  record Line(long number, String text, boolean truncated) {
    Line {
      requireNonNull(text, "text is null");
    }
  }

  private final Reader in;
  private final int maxChars;
  private final StringBuilder text = new StringBuilder();
  private long number;

  BoundedLineReader(Reader in, int maxChars) {
    this.in = requireNonNull(in, "in is null");
    this.maxChars = maxChars;
  }

  /** The next line, or null at the end of the input. */
  @Nullable Line next() throws IOException {
    text.setLength(0);
    boolean truncated = false;
    int c = in.read();
    if (c < 0) {
      return null;
    }
    while (c >= 0 && c != '\n') {
      if (text.length() < maxChars) {
        text.append((char) c);
      } else {
        truncated = true;
      }
      c = in.read();
    }
    int length = text.length();
    if (!truncated && length > 0 && text.charAt(length - 1) == '\r') {
      text.setLength(length - 1);
    }
    number++;
    return new Line(number, text.toString(), truncated);
  }
}
