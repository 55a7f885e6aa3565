package io.vfiomigrate.trace;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Schema checks that parsing alone does not make: proto3 parsers keep unknown fields and unknown
 * enum numbers instead of rejecting them, and these files must contain neither (JSON readers reject
 * unknown fields too, so both encodings accept the same files).
 *
 * <p>Runs on every record of a stream, so it is built for speed: reflective access, the dominant
 * cost, is limited to one call per oneof and per message or enum field outside oneofs (the plan per
 * message type is computed once per instance), and field paths are only built when a problem is
 * found. Not thread-safe.
 */
final class ContentCheck {
  private final Map<Descriptor, Plan> plans = new HashMap<>();

  /** The oneofs of a message type, and its message and enum fields outside them. */
  private record Plan(List<OneofDescriptor> oneofs, List<FieldDescriptor> fields) {}

  /** A problem in {@code message}, or null if there is none. */
  @Nullable Problem find(Message message) {
    UnknownFieldSet unknown = message.getUnknownFields();
    if (!unknown.isEmpty()) {
      Map.Entry<Integer, UnknownFieldSet.Field> first =
          unknown.asMap().entrySet().iterator().next();
      return unknownField(message.getDescriptorForType(), first.getKey(), first.getValue());
    }
    Plan plan = plans.computeIfAbsent(message.getDescriptorForType(), ContentCheck::plan);
    for (OneofDescriptor oneof : plan.oneofs()) {
      FieldDescriptor member = message.getOneofFieldDescriptor(oneof);
      if (member != null && needsCheck(member)) {
        Problem problem = check(member, message.getField(member));
        if (problem != null) {
          return problem.within(member.getJsonName());
        }
      }
    }
    for (FieldDescriptor field : plan.fields()) {
      if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        for (int i = 0; i < count; i++) {
          Problem problem = check(field, message.getRepeatedField(field, i));
          if (problem != null) {
            return problem.within(field.getJsonName() + "[" + i + "]");
          }
        }
      } else if (!field.hasPresence() || message.hasField(field)) {
        Problem problem = check(field, message.getField(field));
        if (problem != null) {
          return problem.within(field.getJsonName());
        }
      }
    }
    return null;
  }

  /** The problem of one field value, with a path relative to that field. */
  private @Nullable Problem check(FieldDescriptor field, Object value) {
    if (value instanceof Message nested) {
      return find(nested);
    }
    EnumValueDescriptor enumValue = (EnumValueDescriptor) value;
    if (field.getEnumType().findValueByNumber(enumValue.getNumber()) == null) {
      return new Problem(
          "", "unknown " + field.getEnumType().getName() + " value " + enumValue.getNumber());
    }
    return null;
  }

  private static Plan plan(Descriptor type) {
    List<FieldDescriptor> fields = new ArrayList<>();
    for (FieldDescriptor field : type.getFields()) {
      if (needsCheck(field) && field.getRealContainingOneof() == null) {
        fields.add(field);
      }
    }
    return new Plan(List.copyOf(type.getRealOneofs()), List.copyOf(fields));
  }

  private static boolean needsCheck(FieldDescriptor field) {
    FieldDescriptor.JavaType type = field.getJavaType();
    return type == FieldDescriptor.JavaType.MESSAGE || type == FieldDescriptor.JavaType.ENUM;
  }

  /**
   * A known number lands among the unknown fields when it arrived with the wrong wire type; that
   * deserves a different message than a number the schema does not have. An unknown field is
   * reported without a path, like JSON's, naming the message type instead.
   */
  private static Problem unknownField(Descriptor type, int number, UnknownFieldSet.Field field) {
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
    return new Problem(
        known.getJsonName(),
        "wrong wire type " + wireType + " for " + known.getType().name().toLowerCase(Locale.ROOT));
  }
}
