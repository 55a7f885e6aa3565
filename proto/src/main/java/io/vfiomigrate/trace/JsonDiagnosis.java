package io.vfiomigrate.trace;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Explains why JsonFormat rejected a JSON value, naming the field: JsonFormat's own messages ("Out
 * of range uint32 value: 4294967296") do not say where the value was.
 *
 * <p>Only used after JsonFormat failed, and follows its acceptance rules (integers as numbers or
 * strings, booleans as true/false or "true"/"false", enums by name or number, null as "not set"):
 * JsonFormat stays the authority, this class only explains.
 */
final class JsonDiagnosis {
  private static final int MAX_SHOWN = 40;
  private static final BigInteger UINT32_MAX =
      BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private JsonDiagnosis() {}

  /** The first problem of {@code value} as a {@code type}, or null if none is found. */
  static @Nullable Problem find(JsonElement value, Descriptor type) {
    if (!value.isJsonObject()) {
      return new Problem(null, show(value) + " is not a " + type.getName());
    }
    return object(value.getAsJsonObject(), type, "");
  }

  private static @Nullable Problem object(JsonObject object, Descriptor type, String prefix) {
    Map<OneofDescriptor, String> oneofs = new HashMap<>();
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      String name = entry.getKey();
      FieldDescriptor field = field(type, name);
      if (field == null) {
        return new Problem(null, "unknown field \"" + name + "\" in " + type.getName());
      }
      JsonElement value = entry.getValue();
      if (value.isJsonNull()) {
        continue;
      }
      String path = prefix + field.getJsonName();
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null) {
        String other = oneofs.putIfAbsent(oneof, field.getJsonName());
        if (other != null) {
          return Problem.at(path, "oneof " + oneof.getName() + " is already set by " + other);
        }
      }
      Problem problem =
          field.isRepeated() ? repeated(field, value, path) : value(field, value, path);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static @Nullable Problem repeated(FieldDescriptor field, JsonElement value, String path) {
    if (!value.isJsonArray()) {
      return Problem.at(path, show(value) + " is not an array");
    }
    JsonArray array = value.getAsJsonArray();
    for (int i = 0; i < array.size(); i++) {
      String elementPath = path + "[" + i + "]";
      JsonElement element = array.get(i);
      if (element.isJsonNull()) {
        return Problem.at(elementPath, "null is not a " + typeName(field));
      }
      Problem problem = value(field, element, elementPath);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static @Nullable Problem value(FieldDescriptor field, JsonElement value, String path) {
    return switch (field.getJavaType()) {
      case MESSAGE ->
          value.isJsonObject()
              ? object(value.getAsJsonObject(), field.getMessageType(), path + ".")
              : Problem.at(path, show(value) + " is not a " + typeName(field));
      case INT -> integer(field, value, path);
      case LONG -> integer(field, value, path);
      case BOOLEAN -> bool(value, path);
      case ENUM -> enumValue(field, value, path);
      case STRING, BYTE_STRING, FLOAT, DOUBLE ->
          value.isJsonPrimitive()
              ? null
              : Problem.at(path, show(value) + " is not a " + typeName(field));
    };
  }

  private static @Nullable Problem integer(FieldDescriptor field, JsonElement value, String path) {
    String type = typeName(field);
    if (!value.isJsonPrimitive() || value.getAsJsonPrimitive().isBoolean()) {
      return Problem.at(path, show(value) + " is not a " + type);
    }
    BigInteger number;
    try {
      BigDecimal decimal = new BigDecimal(value.getAsString());
      if (decimal.precision() - decimal.scale() > 40) {
        return Problem.at(path, show(value) + " out of range for " + type);
      }
      number = decimal.toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return Problem.at(path, show(value) + " is not a " + type);
    }
    boolean unsigned =
        switch (field.getType()) {
          case UINT32, UINT64, FIXED32, FIXED64 -> true;
          default -> false;
        };
    boolean wide = field.getJavaType() == FieldDescriptor.JavaType.LONG;
    BigInteger min =
        unsigned ? BigInteger.ZERO : BigInteger.valueOf(wide ? Long.MIN_VALUE : Integer.MIN_VALUE);
    BigInteger max =
        unsigned
            ? (wide ? UINT64_MAX : UINT32_MAX)
            : BigInteger.valueOf(wide ? Long.MAX_VALUE : Integer.MAX_VALUE);
    if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
      return Problem.at(path, show(value) + " out of range for " + type);
    }
    return null;
  }

  private static @Nullable Problem bool(JsonElement value, String path) {
    if (value.isJsonPrimitive()) {
      JsonPrimitive primitive = value.getAsJsonPrimitive();
      if (primitive.isBoolean()
          || (primitive.isString()
              && (primitive.getAsString().equals("true")
                  || primitive.getAsString().equals("false")))) {
        return null;
      }
    }
    return Problem.at(path, show(value) + " is not a bool");
  }

  private static @Nullable Problem enumValue(
      FieldDescriptor field, JsonElement value, String path) {
    String type = field.getEnumType().getName();
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      return field.getEnumType().findValueByName(value.getAsString()) != null
          ? null
          : Problem.at(path, show(value) + " is not a " + type);
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      return null;
    }
    return Problem.at(path, show(value) + " is not a " + type);
  }

  private static @Nullable FieldDescriptor field(Descriptor type, String name) {
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJsonName().equals(name) || field.getName().equals(name)) {
        return field;
      }
    }
    return null;
  }

  private static String typeName(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case MESSAGE -> field.getMessageType().getName();
      case ENUM -> field.getEnumType().getName();
      default -> field.getType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** The value as it appears in JSON, shortened to keep messages on one readable line. */
  static String show(JsonElement value) {
    String text = value.toString();
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN - 3) + "...";
  }
}
