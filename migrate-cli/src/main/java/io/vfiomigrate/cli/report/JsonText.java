package io.vfiomigrate.cli.report;

/**
 * The pieces of the project's JSON (protobuf's JSON mapping as {@code MessageFiles.toJson} prints
 * it) that the streaming report writers need: strings escaped as protobuf's printer escapes them
 * (Gson's HTML-safe escaping), 64-bit integers as unsigned decimal strings, 32-bit ones as numbers.
 */
final class JsonText {
  private JsonText() {}

  /**
   * {@code value} as a JSON string literal, escaped exactly as Gson's HTML-safe writer does
   * (control characters, quote, backslash, {@code < > & = '} and U+2028/U+2029). Written by hand
   * because the reflective {@code Gson.toJson} cost a tenth of a large diff.
   */
  static String string(String value) {
    int i = 0;
    while (i < value.length() && escape(value.charAt(i)) == null) {
      i++;
    }
    if (i == value.length()) {
      return "\"" + value + "\"";
    }
    StringBuilder out = new StringBuilder(value.length() + 16).append('"');
    out.append(value, 0, i);
    for (; i < value.length(); i++) {
      char c = value.charAt(i);
      String replacement = escape(c);
      if (replacement == null) {
        out.append(c);
      } else {
        out.append(replacement);
      }
    }
    return out.append('"').toString();
  }

  static String uint64(long value) {
    return "\"" + Long.toUnsignedString(value) + "\"";
  }

  static String uint32(int value) {
    return Integer.toUnsignedString(value);
  }

  private static String escape(char c) {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\t':
        return "\\t";
      case '\b':
        return "\\b";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\f':
        return "\\f";
      case '<':
      case '>':
      case '&':
      case '=':
      case '\'':
      case 0x2028:
      case 0x2029:
        return String.format("\\u%04x", (int) c);
      default:
        return c < 0x20 ? String.format("\\u%04x", (int) c) : null;
    }
  }
}
