package io.vfiomigrate.trace;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.Type1Trace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What a file holds, decided from its first top-level field after the header: {@code events} for a
 * type1 trace, {@code ops} or {@code warnings} for an iommufd program. A file with only a header
 * reads the same either way and counts as an (empty) trace.
 */
public enum FileKind {
  TYPE1_TRACE("type1 trace"),
  IOMMUFD_PROGRAM("iommufd program");

  private final String description;

  FileKind(String description) {
    this.description = description;
  }

  /** "type1 trace" or "iommufd program". */
  public String description() {
    return description;
  }

  /**
   * Reads as little of the file as needed to decide; does not validate the rest.
   *
   * @throws TraceFormatException UNREADABLE_INPUT, or MALFORMED_INPUT if the file has no header
   *     first or a top-level field of neither kind
   */
  public static FileKind detect(Path path) {
    try (InputFiles.Opened input = InputFiles.open(path)) {
      return switch (input.format()) {
        case JSON -> fromJson(input);
        case BINARY -> fromBinary(input);
      };
    }
  }

  private static FileKind fromBinary(InputFiles.Opened input) {
    CodedInputStream in = CodedInputStream.newInstance(input.stream(), InputFiles.BUFFER_BYTES);
    in.setSizeLimit(Integer.MAX_VALUE);
    try {
      if (in.isAtEnd() || WireFormat.getTagFieldNumber(in.readTag()) != StreamLayout.HEADER_FIELD) {
        throw TraceFormatException.malformed(input.file(), null, null, "missing header");
      }
      in.skipField(in.getLastTag());
      if (in.isAtEnd()) {
        return TYPE1_TRACE;
      }
      return ofField(input.file(), WireFormat.getTagFieldNumber(in.readTag()), null);
    } catch (InvalidProtocolBufferException e) {
      throw TraceFormatException.malformed(input.file(), "header", null, Problem.TRUNCATED);
    } catch (IOException e) {
      throw InputFiles.readFailed(input.file(), e);
    }
  }

  private static FileKind fromJson(InputFiles.Opened input) {
    JsonReader reader =
        new JsonReader(
            new BufferedReader(new InputStreamReader(input.stream(), StandardCharsets.UTF_8)));
    try {
      reader.beginObject();
      while (reader.hasNext()) {
        String name = reader.nextName();
        if (reader.peek() == JsonToken.NULL || name.equals("header")) {
          reader.skipValue();
          continue;
        }
        return ofField(input.file(), -1, name);
      }
      return TYPE1_TRACE;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw JsonErrors.translate(input.file(), null, e);
    }
  }

  private static FileKind ofField(String file, int number, @Nullable String name) {
    if (number == Type1Trace.EVENTS_FIELD_NUMBER || "events".equals(name)) {
      return TYPE1_TRACE;
    }
    if (number == IommufdProgram.OPS_FIELD_NUMBER
        || number == IommufdProgram.WARNINGS_FIELD_NUMBER
        || "ops".equals(name)
        || "warnings".equals(name)) {
      return IOMMUFD_PROGRAM;
    }
    String field = name != null ? "\"" + name + "\"" : "number " + number;
    throw TraceFormatException.malformed(
        file,
        null,
        null,
        "unknown field " + field + ": neither a type1 trace nor an iommufd program");
  }
}
