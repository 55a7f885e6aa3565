package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of one kind of log line: a regex written from QEMU's format string, and the decoder
 * of its groups. {@code format} is QEMU's format, quoted in the reason of a line that does not
 * match it.
 */
record LineFormat(String kind, String format, Pattern pattern, Decoder decoder) {
  /** Builds the event from a full match; throws {@link BadValueException} for impossible values. */
  @FunctionalInterface
  interface Decoder {
    LogEvent decode(Matcher match);
  }

  /** Hex digits of a {@code 0x%"PRIx64} field, without the {@code 0x}. */
  static final String HEX = "([0-9a-fA-F]+)";

  /** A {@code %p} field: {@code 0x…} or {@code (nil)}. */
  static final String POINTER = "(0x[0-9a-fA-F]+|\\(nil\\))";

  /** A {@code %d} or {@code %u} field. */
  static final String NUMBER = "(-?\\d+)";

  LineFormat {
    requireNonNull(kind, "kind is null");
    requireNonNull(format, "format is null");
    requireNonNull(pattern, "pattern is null");
    requireNonNull(decoder, "decoder is null");
  }

  static LineFormat of(String kind, String format, String regex, Decoder decoder) {
    return new LineFormat(kind, format, Pattern.compile(regex), decoder);
  }

  /** Parses {@code text} in full against the format. */
  ParseResult parse(String text) {
    Matcher match = pattern.matcher(text);
    return match.matches() ? decode(match) : mismatch();
  }

  /** Parses the first part of {@code text} that matches the format. */
  ParseResult find(String text) {
    Matcher match = pattern.matcher(text);
    return match.find() ? decode(match) : mismatch();
  }

  private ParseResult decode(Matcher match) {
    try {
      return new ParseResult.Recognised(kind, decoder.decode(match));
    } catch (BadValueException e) {
      return new ParseResult.Malformed(kind, e.getMessage());
    }
  }

  private ParseResult mismatch() {
    return new ParseResult.Malformed(kind, "does not match \"" + format + "\"");
  }
}
