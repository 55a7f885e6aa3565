package io.vfiomigrate.cli;

import com.google.common.collect.ImmutableMap;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;

/** How often each member of a oneof (the op of an event or of an iommufd op) occurs. */
final class OpCounts {
  /** The key for messages with no member of the oneof set. */
  static final String NONE = "(none)";

  private final OneofDescriptor oneof;
  private final ImmutableMap<FieldDescriptor, Integer> positions;
  private final long[] counts;
  private long none;

  OpCounts(OneofDescriptor oneof) {
    this.oneof = oneof;
    ImmutableMap.Builder<FieldDescriptor, Integer> positions = ImmutableMap.builder();
    for (int i = 0; i < oneof.getFieldCount(); i++) {
      positions.put(oneof.getField(i), i);
    }
    this.positions = positions.buildOrThrow();
    this.counts = new long[oneof.getFieldCount()];
  }

  void add(Message message) {
    FieldDescriptor member = message.getOneofFieldDescriptor(oneof);
    if (member == null) {
      none++;
    } else {
      counts[positions.get(member)]++;
    }
  }

  /** The members that occurred, in schema order, then {@link #NONE} if any message had none. */
  ImmutableMap<String, Long> nonZero() {
    ImmutableMap.Builder<String, Long> result = ImmutableMap.builder();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        result.put(oneof.getField(i).getJsonName(), counts[i]);
      }
    }
    if (none > 0) {
      result.put(NONE, none);
    }
    return result.buildOrThrow();
  }
}
