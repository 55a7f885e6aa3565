package io.vfiomigrate.cli.report;

import com.google.gson.Gson;

/**
 * The pieces of the project's JSON (protobuf's JSON mapping as {@code MessageFiles.toJson} prints
 * it) that the streaming report writers need: strings escaped as protobuf's printer escapes them
 * (Gson's HTML-safe escaping), 64-bit integers as unsigned decimal strings, 32-bit ones as numbers.
 */
final class JsonText {
  private static final Gson GSON = new Gson();

  private JsonText() {}

  static String string(String value) {
    return GSON.toJson(value);
  }

  static String uint64(long value) {
    return "\"" + Long.toUnsignedString(value) + "\"";
  }

  static String uint32(int value) {
    return Integer.toUnsignedString(value);
  }
}
