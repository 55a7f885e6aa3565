package io.vfiomigrate.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;

/** The two encodings of every file: protobuf JSON and protobuf binary (wire format). */
public enum TraceFormat {
  JSON,
  BINARY;

  private static final int BOM_0 = 0xEF;
  private static final int BOM_1 = 0xBB;
  private static final int BOM_2 = 0xBF;

  /**
   * The format to write {@code target} in, from its extension: {@code .json} or {@code .pb}.
   *
   * @throws TraceFormatException {@link TraceFormatException.Reason#REJECTED_OUTPUT} for any other
   *     name
   */
  public static TraceFormat forOutput(Path target) {
    Path name = target.getFileName();
    String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      return JSON;
    }
    if (lower.endsWith(".pb")) {
      return BINARY;
    }
    throw TraceFormatException.rejectedOutput(
        target.toString(), "unknown output format: the name must end in .json or .pb");
  }

  /**
   * The format of the file at {@code path}, from its content.
   *
   * @throws TraceFormatException {@link TraceFormatException.Reason#UNREADABLE_INPUT} if the file
   *     cannot be opened
   */
  public static TraceFormat detect(Path path) {
    try (InputFiles.Opened input = InputFiles.open(path)) {
      return input.format();
    }
  }

  /**
   * Decides from the first bytes of {@code in}, which must support mark/reset; the stream is left
   * where it was.
   *
   * <p>JSON is a top-level object, so its first non-whitespace byte (after an optional UTF-8 byte
   * order mark) is '{'. Every binary file starts with the header's tag 0x0A, which is also a JSON
   * newline, so "\n{" is ambiguous exactly when the header is 123 (0x7B) bytes long; a JSON object
   * continues with whitespace, '"' or '}', while a valid binary header continues with the
   * formatVersion tag 0x08.
   */
  static TraceFormat detect(InputStream in, int lookahead) throws IOException {
    in.mark(lookahead);
    try {
      int first = in.read();
      int position = 0;
      int b = first;
      if (b == BOM_0 && in.read() == BOM_1 && in.read() == BOM_2) {
        return JSON;
      }
      while (isJsonWhitespace(b) && position < lookahead - 2) {
        b = in.read();
        position++;
      }
      if (b != '{') {
        return BINARY;
      }
      if (first == '\n' && position == 1) {
        int next = in.read();
        return isJsonWhitespace(next) || next == '"' || next == '}' ? JSON : BINARY;
      }
      return JSON;
    } finally {
      in.reset();
    }
  }

  private static boolean isJsonWhitespace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
