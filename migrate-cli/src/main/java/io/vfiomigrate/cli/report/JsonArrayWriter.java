package io.vfiomigrate.cli.report;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a report message whose last field is a repeated message field, streaming the elements: the
 * output is byte for byte what {@code MessageFiles.toJson} prints for the whole message, so a
 * million steps never sit in memory.
 *
 * <p>Layout of protobuf's pretty printer: the top-level fields at two spaces, the array opened on
 * the field's line ({@code "steps": [{}), elements separated by {@code "}, {"}, the array closed
 * with {@code "}]"}, or {@code []} when empty.
 */
final class JsonArrayWriter {
  private final Appendable out;
  private boolean any;

  /** Starts the object with {@code fields} (already formatted lines) and opens {@code array}. */
  JsonArrayWriter(Appendable out, String fields, String array) {
    this.out = out;
    write("{\n" + fields + "  \"" + array + "\": [");
  }

  /** One element: its fields as lines indented by four spaces, without the braces. */
  void element(String body) {
    write(any ? "}, {\n" : "{\n");
    write(body);
    write("  ");
    any = true;
  }

  void finish() {
    write(any ? "}]\n}\n" : "]\n}\n");
  }

  /** A field line of the top-level object: {@code "name": value,}. */
  static String field(String name, String value) {
    return "  \"" + name + "\": " + value + ",\n";
  }

  private void write(String text) {
    try {
      out.append(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
