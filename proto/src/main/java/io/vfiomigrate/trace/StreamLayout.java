package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.Type1Trace;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a streamed file: a top-level message whose field 1 is the header and whose other
 * fields are repeated messages, each read and written one element at a time.
 *
 * <p>{@code labels} names the elements of each repeated field in messages ("event 17"); every field
 * of the top-level message is either the header or has a label.
 */
record StreamLayout(Message prototype, ImmutableMap<Integer, String> labels) {
  static final int HEADER_FIELD = Type1Trace.HEADER_FIELD_NUMBER;

  static final StreamLayout TRACE =
      new StreamLayout(
          Type1Trace.getDefaultInstance(),
          ImmutableMap.of(Type1Trace.EVENTS_FIELD_NUMBER, "event"));
  static final StreamLayout PROGRAM =
      new StreamLayout(
          IommufdProgram.getDefaultInstance(),
          ImmutableMap.of(
              IommufdProgram.OPS_FIELD_NUMBER, "op",
              IommufdProgram.WARNINGS_FIELD_NUMBER, "warning"));

  StreamLayout {
    requireNonNull(prototype, "prototype is null");
    requireNonNull(labels, "labels is null");
  }

  Descriptor descriptor() {
    return prototype.getDescriptorForType();
  }

  /** The name of the top-level message, e.g. Type1Trace. */
  String name() {
    return descriptor().getName();
  }

  @Nullable FieldDescriptor field(int number) {
    return descriptor().findFieldByNumber(number);
  }

  /** The field with this JSON name (or proto name, which JsonFormat also accepts). */
  @Nullable FieldDescriptor field(String name) {
    for (FieldDescriptor field : descriptor().getFields()) {
      if (field.getJsonName().equals(name) || field.getName().equals(name)) {
        return field;
      }
    }
    return null;
  }

  /** An empty instance of the message type stored in {@code field}. */
  Message elementPrototype(FieldDescriptor field) {
    return prototype.newBuilderForType().newBuilderForField(field).getDefaultInstanceForType();
  }

  int maxFieldNumber() {
    int max = 0;
    for (FieldDescriptor field : descriptor().getFields()) {
      max = Math.max(max, field.getNumber());
    }
    return max;
  }

  /** Where a record sits, for messages: "header" or "event 17". */
  String where(FieldDescriptor field, long index) {
    if (field.getNumber() == HEADER_FIELD) {
      return "header";
    }
    return labels.get(field.getNumber()) + " " + index;
  }
}
