package io.vfiomigrate.trace;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes the top-level JSON object incrementally: the header pretty-printed, then each array
 * element on a line of its own, so large files stay greppable and diffable line by line. The result
 * is the standard protobuf JSON of the whole message, as JsonFormat would parse it.
 */
final class JsonRecordSink implements RecordSink {
  private final Writer out;
  private @Nullable FieldDescriptor openArray;
  private boolean first = true;

  JsonRecordSink(OutputStream stream) {
    this.out =
        new BufferedWriter(
            new OutputStreamWriter(stream, StandardCharsets.UTF_8), InputFiles.BUFFER_BYTES);
  }

  @Override
  public void write(FieldDescriptor field, Message element) throws IOException {
    if (field.isRepeated()) {
      if (field.equals(openArray)) {
        out.write(",\n    ");
      } else {
        closeArray();
        startField(field);
        out.write("[\n    ");
        openArray = field;
      }
      JsonCodec.COMPACT.appendTo(element, out);
      return;
    }
    closeArray();
    startField(field);
    // JSON strings cannot hold raw newlines, so every newline is structure and can be indented.
    out.write(JsonCodec.PRETTY.print(element).replace("\n", "\n  "));
  }

  @Override
  public void finish() throws IOException {
    closeArray();
    out.write(first ? "{\n}\n" : "\n}\n");
    out.flush();
  }

  private void startField(FieldDescriptor field) throws IOException {
    out.write(first ? "{\n  \"" : ",\n  \"");
    first = false;
    out.write(field.getJsonName());
    out.write("\": ");
  }

  private void closeArray() throws IOException {
    if (openArray != null) {
      out.write("\n  ]");
      openArray = null;
    }
  }
}
