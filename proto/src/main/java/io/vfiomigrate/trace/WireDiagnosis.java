package io.vfiomigrate.trace;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the field at which a binary message that failed to parse went wrong, by walking its tags
 * against the descriptor and recursing into sub-messages, so that errors can name it ("mapDma.size:
 * truncated input").
 *
 * <p>Only used after a parse failed: the parser stays the authority on what is valid, this class
 * only explains.
 */
final class WireDiagnosis {
  private WireDiagnosis() {}

  /**
   * @param bytes the bytes of one message, possibly cut short
   * @param partial whether the input ended inside this message, so that running out of bytes means
   *     truncation rather than a misreported length
   * @return the innermost field where the bytes stop making sense, or null if they parse
   */
  static @Nullable Problem find(byte[] bytes, Descriptor type, boolean partial) {
    try {
      return walk(bytes, type, "", partial);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a byte array cannot fail", e);
    }
  }

  private static @Nullable Problem walk(
      CodedInputStream in, Descriptor type, String prefix, boolean partial) throws IOException {
    Map<Integer, Integer> repeats = new HashMap<>();
    String here = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    while (!in.isAtEnd()) {
      int tag;
      try {
        tag = in.readTag();
      } catch (InvalidProtocolBufferException e) {
        return Problem.at(here, partial ? Problem.TRUNCATED : "malformed field tag");
      }
      int number = WireFormat.getTagFieldNumber(tag);
      int wireType = WireFormat.getTagWireType(tag);
      FieldDescriptor field = type.findFieldByNumber(number);
      if (field == null) {
        return new Problem(null, "unknown field number " + number + " in " + type.getName());
      }
      String path = prefix + field.getJsonName();
      if (field.isRepeated()) {
        int index = repeats.merge(number, 1, Integer::sum) - 1;
        path = path + "[" + index + "]";
      }
      if (wireType != expectedWireType(field)
          && !(field.isPackable() && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        return Problem.at(
            path,
            "wrong wire type "
                + wireType
                + " for "
                + field.getType().name().toLowerCase(Locale.ROOT));
      }
      Problem problem = value(in, field, wireType, path, partial);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static @Nullable Problem value(
      CodedInputStream in, FieldDescriptor field, int wireType, String path, boolean partial)
      throws IOException {
    String cutShort = partial ? Problem.TRUNCATED : "value runs past the end of its message";
    switch (wireType) {
      case WireFormat.WIRETYPE_VARINT -> {
        try {
          in.readRawVarint64();
        } catch (InvalidProtocolBufferException e) {
          return Problem.at(path, partial && in.isAtEnd() ? Problem.TRUNCATED : "malformed varint");
        }
        return null;
      }
      case WireFormat.WIRETYPE_FIXED64, WireFormat.WIRETYPE_FIXED32 -> {
        int size = wireType == WireFormat.WIRETYPE_FIXED64 ? 8 : 4;
        if (in.getBytesUntilLimit() < size) {
          return Problem.at(path, cutShort);
        }
        in.skipRawBytes(size);
        return null;
      }
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
        return lengthDelimited(in, field, path, partial, cutShort);
      }
      default -> {
        return Problem.at(path, "unsupported wire type " + wireType);
      }
    }
  }

  private static @Nullable Problem lengthDelimited(
      CodedInputStream in, FieldDescriptor field, String path, boolean partial, String cutShort)
      throws IOException {
    int length;
    try {
      length = in.readRawVarint32();
    } catch (InvalidProtocolBufferException e) {
      return Problem.at(path, partial && in.isAtEnd() ? Problem.TRUNCATED : "malformed length");
    }
    if (length < 0) {
      return Problem.at(path, "negative length " + length);
    }
    int available = in.getBytesUntilLimit();
    boolean isMessage = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
    if (length > available) {
      if (!partial) {
        return Problem.at(path, "length " + length + " runs past the end of its message");
      }
      if (isMessage) {
        byte[] rest = in.readRawBytes(available);
        Problem inner = walk(rest, field.getMessageType(), path + ".", true);
        return inner != null ? inner : Problem.at(path, Problem.TRUNCATED);
      }
      return Problem.at(path, Problem.TRUNCATED);
    }
    if (isMessage) {
      int outer = in.pushLimit(length);
      Problem inner = walk(in, field.getMessageType(), path + ".", false);
      if (inner != null) {
        return inner;
      }
      in.popLimit(outer);
      return null;
    }
    if (field.getType() == FieldDescriptor.Type.STRING) {
      ByteString text = ByteString.copyFrom(in.readRawBytes(length));
      return text.isValidUtf8() ? null : Problem.at(path, "invalid UTF-8");
    }
    in.skipRawBytes(length);
    return null;
  }

  private static @Nullable Problem walk(
      byte[] bytes, Descriptor type, String prefix, boolean partial) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.pushLimit(bytes.length);
    return walk(in, type, prefix, partial);
  }

  private static int expectedWireType(FieldDescriptor field) {
    return switch (field.getType()) {
      case DOUBLE, FIXED64, SFIXED64 -> WireFormat.WIRETYPE_FIXED64;
      case FLOAT, FIXED32, SFIXED32 -> WireFormat.WIRETYPE_FIXED32;
      case STRING, BYTES, MESSAGE -> WireFormat.WIRETYPE_LENGTH_DELIMITED;
      case GROUP -> WireFormat.WIRETYPE_START_GROUP;
      case INT32, INT64, UINT32, UINT64, SINT32, SINT64, BOOL, ENUM -> WireFormat.WIRETYPE_VARINT;
    };
  }
}
