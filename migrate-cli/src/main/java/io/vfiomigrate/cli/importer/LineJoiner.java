package io.vfiomigrate.cli.importer;

import java.util.Optional;

/**
 * Mends a line that a mail client wrapped in two. Only a line that starts like a known event but
 * does not parse is a candidate, and only when joining it to the next raw line parses: directly
 * (the break fell inside a word) or with one space (the break replaced a space, which is where mail
 * clients break).
 */
final class LineJoiner {
  private LineJoiner() {}

  static Optional<ParseResult.Recognised> join(
      LogLineParser parser, String first, String continuation) {
    for (String joined :
        new String[] {first + continuation, first.stripTrailing() + " " + continuation.strip()}) {
      if (parser.parse(joined) instanceof ParseResult.Recognised recognised) {
        return Optional.of(recognised);
      }
    }
    return Optional.empty();
  }
}
