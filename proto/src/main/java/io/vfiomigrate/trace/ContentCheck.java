package io.vfiomigrate.trace;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
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
    Map<Integer, ?> unknown = message.getUnknownFields().asMap();
    if (!unknown.isEmpty()) {
      return new Problem(
          null,
          "unknown field number "
              + unknown.keySet().iterator().next()
              + " in "
              + message.getDescriptorForType().getName());
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
