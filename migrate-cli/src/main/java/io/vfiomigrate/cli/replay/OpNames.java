package io.vfiomigrate.cli.replay;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.Type1Event;

/** The oneof member name of an event or op ({@code mapDma}, {@code ioasMap}): a step's op. */
public final class OpNames {
  private static final OneofDescriptor EVENT_OP = Type1Event.getDescriptor().getOneofs().get(0);
  private static final OneofDescriptor PROGRAM_OP = IommufdOp.getDescriptor().getOneofs().get(0);

  private OpNames() {}

  public static String of(Type1Event event) {
    return name(event, EVENT_OP);
  }

  public static String of(IommufdOp op) {
    return name(op, PROGRAM_OP);
  }

  private static String name(Message message, OneofDescriptor oneof) {
    FieldDescriptor field = message.getOneofFieldDescriptor(oneof);
    return field == null ? "" : field.getJsonName();
  }
}
