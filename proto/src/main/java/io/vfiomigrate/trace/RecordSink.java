package io.vfiomigrate.trace;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;

/**
 * Writes the top-level fields of a streamed file one element at a time. Callers write the header
 * first and the elements of one repeated field contiguously (JSON cannot interleave two arrays);
 * {@link RecordWriter} enforces both.
 */
interface RecordSink {
  void write(FieldDescriptor field, Message element) throws IOException;

  /** Writes whatever closes the file (nothing for binary) and flushes. */
  void finish() throws IOException;
}
