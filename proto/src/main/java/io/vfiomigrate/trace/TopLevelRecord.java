package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * One element of a top-level field: the header, or element {@code index} (counted per field, from
 * 0, in file order) of a repeated field such as events.
 */
record TopLevelRecord(FieldDescriptor field, long index, Message message) {
  TopLevelRecord {
    requireNonNull(field, "field is null");
    requireNonNull(message, "message is null");
  }

  boolean isHeader() {
    return field.getNumber() == StreamLayout.HEADER_FIELD;
  }
}
