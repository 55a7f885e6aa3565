package io.vfiomigrate.cli.importer;

/**
 * A field of a log line that matched its format but holds an impossible value (a number beyond 64
 * bits, an end below its start, a NULL host address). Thrown by field decoders and turned into
 * {@link ParseResult.Malformed} by {@link LineFormat}; it never leaves the parsers.
 */
final class BadValueException extends RuntimeException {
  BadValueException(String message) {
    super(message, null, false, false);
  }
}
