package io.vfiomigrate.cli.replay;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Internal.EnumLite;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.Type1Event;

/**
 * The oneof member name of an event or op ({@code mapDma}, {@code ioasMap}): a step's op. Looked up
 * by the generated case enum in tables made once from the schema, since every step asks (the
 * reflective oneof lookup was a measurable part of a replay).
 */
public final class OpNames {
  private static final String[] EVENT_OPS =
      names(Type1Event.getDescriptor(), Type1Event.OpCase.values());
  private static final String[] PROGRAM_OPS =
      names(IommufdOp.getDescriptor(), IommufdOp.OpCase.values());

  private OpNames() {}

  public static String of(Type1Event event) {
    return EVENT_OPS[event.getOpCase().ordinal()];
  }

  public static String of(IommufdOp op) {
    return PROGRAM_OPS[op.getOpCase().ordinal()];
  }

  /** By case ordinal: the member's JSON name, empty for the not-set case (number 0). */
  private static <E extends Enum<E> & EnumLite> String[] names(Descriptor type, E[] cases) {
    String[] names = new String[cases.length];
    for (E op : cases) {
      FieldDescriptor field = type.findFieldByNumber(op.getNumber());
      names[op.ordinal()] = field == null ? "" : field.getJsonName();
    }
    return names;
  }
}
