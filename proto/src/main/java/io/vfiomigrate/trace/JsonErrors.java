package io.vfiomigrate.trace;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Turns Gson's syntax errors into one-line TraceFormatExceptions. Gson describes a position as "at
 * line L column C path $.events[3]"; the line and column are kept, the path is dropped because the
 * caller already says which record it was reading.
 */
final class JsonErrors {
  private static final String LENIENT_HINT =
      "Use JsonReader.setLenient(true) to accept malformed JSON";

  private JsonErrors() {}

  /** Any exception a Gson JsonReader throws while reading {@code file} at {@code where}. */
  static TraceFormatException translate(String file, @Nullable String where, Exception e) {
    if (e instanceof EOFException) {
      return TraceFormatException.malformed(
          file,
          where,
          new Problem(null, Problem.TRUNCATED + " (" + position(e.getMessage()) + ")"),
          e);
    }
    if (e instanceof MalformedJsonException
        || e instanceof IllegalStateException
        || e instanceof NumberFormatException) {
      return TraceFormatException.malformed(
          file, where, new Problem(null, "malformed JSON: " + describe(e.getMessage())), e);
    }
    if (e instanceof IOException io) {
      return InputFiles.readFailed(file, io);
    }
    throw new IllegalArgumentException("not a JSON reader exception", e);
  }

  /**
   * Requires the reader to be at the end of the document. Strict Gson throws a syntax error when it
   * sees a second top-level value; this says what is actually wrong.
   */
  static void requireEnd(JsonReader reader, String file) throws IOException {
    boolean atEnd;
    try {
      atEnd = reader.peek() == JsonToken.END_DOCUMENT;
    } catch (MalformedJsonException e) {
      atEnd = false;
    }
    if (!atEnd) {
      throw TraceFormatException.malformed(file, null, null, "data after the top-level object");
    }
  }

  private static String describe(@Nullable String message) {
    if (message == null) {
      return "syntax error";
    }
    String text = message.replace(LENIENT_HINT, "syntax error");
    int path = text.indexOf(" path ");
    if (path >= 0) {
      text = text.substring(0, path);
    }
    int newline = text.indexOf('\n');
    if (newline >= 0) {
      text = text.substring(0, newline);
    }
    return text.isEmpty()
        ? "syntax error"
        : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  private static String position(@Nullable String message) {
    if (message == null) {
      return "end of JSON";
    }
    int at = message.indexOf(" at line ");
    if (at < 0) {
      return "end of JSON";
    }
    String rest = message.substring(at + 1);
    int path = rest.indexOf(" path ");
    return "end of JSON " + (path >= 0 ? rest.substring(0, path) : rest);
  }
}
