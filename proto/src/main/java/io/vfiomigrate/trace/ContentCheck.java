package io.vfiomigrate.trace;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Schema checks that parsing alone does not make: proto3 parsers keep unknown fields and
 * unknown enum numbers instead of rejecting them, and these files must contain neither (JSON
 * readers reject unknown fields too, so both encodings accept the same files).
 */
final class ContentCheck {
  private ContentCheck() {}

  /** The first problem in {@code message} in field order, or null. */
  static @Nullable Problem find(Message message) {
    return walk(message, "");
  }

  private static @Nullable Problem walk(Message message, String path) {
    Map<Integer, UnknownFieldSet.Field> unknown = message.getUnknownFields().asMap();
    if (!unknown.isEmpty()) {
      Map.Entry<Integer, UnknownFieldSet.Field> first = unknown.entrySet().iterator().next();
      return unknownField(message.getDescriptorForType(), first.getKey(), first.getValue(), path);
    }
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      FieldDescriptor.JavaType type = field.getJavaType();
      if (type != FieldDescriptor.JavaType.MESSAGE && type != FieldDescriptor.JavaType.ENUM) {
        continue;
      }
      String fieldPath = path + field.getJsonName();
      if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        for (int i = 0; i < count; i++) {
          Problem problem = check(field, message.getRepeatedField(field, i), fieldPath + "[" + i + "]");
          if (problem != null) {
            return problem;
          }
        }
      } else if (field.hasPresence() ? message.hasField(field) : type == FieldDescriptor.JavaType.ENUM) {
        Problem problem = check(field, message.getField(field), fieldPath);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  /**
   * A known number lands among the unknown fields when it arrived with the wrong wire type;
   * that deserves a different message than a number the schema does not have.
   */
  private static Problem unknownField(
      Descriptor type, int number, UnknownFieldSet.Field field, String path) {
    FieldDescriptor known = type.findFieldByNumber(number);
    if (known == null) {
      return new Problem(null, "unknown field number " + number + " in " + type.getName());
    }
    int wireType;
    if (!field.getVarintList().isEmpty()) {
      wireType = WireFormat.WIRETYPE_VARINT;
    } else if (!field.getFixed64List().isEmpty()) {
      wireType = WireFormat.WIRETYPE_FIXED64;
    } else if (!field.getLengthDelimitedList().isEmpty()) {
      wireType = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    } else if (!field.getFixed32List().isEmpty()) {
      wireType = WireFormat.WIRETYPE_FIXED32;
    } else {
      wireType = WireFormat.WIRETYPE_START_GROUP;
    }
    return Problem.at(
        path + known.getJsonName(),
        "wrong wire type " + wireType + " for " + known.getType().name().toLowerCase(Locale.ROOT));
  }

  private static @Nullable Problem check(FieldDescriptor field, Object value, String path) {
    if (value instanceof Message nested) {
      return walk(nested, path + ".");
    }
    EnumValueDescriptor enumValue = (EnumValueDescriptor) value;
    if (field.getEnumType().findValueByNumber(enumValue.getNumber()) == null) {
      return Problem.at(
          path,
          "unknown " + field.getEnumType().getName() + " value " + enumValue.getNumber());
    }
    return null;
  }
}
