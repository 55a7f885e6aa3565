package io.vfiomigrate.trace;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the plain wire format of the top-level message, one length-delimited field at a time, so
 * that the whole file still parses as one message ({@code protoc --decode}).
 */
final class BinaryRecordSink implements RecordSink {
  private final CodedOutputStream out;

  BinaryRecordSink(OutputStream stream) {
    this.out = CodedOutputStream.newInstance(stream, InputFiles.BUFFER_BYTES);
  }

  @Override
  public void write(FieldDescriptor field, Message element) throws IOException {
    out.writeMessage(field.getNumber(), element);
  }

  @Override
  public void finish() throws IOException {
    out.flush();
  }
}
