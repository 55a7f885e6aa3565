package io.vfiomigrate.trace;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads the wire format of a top-level message field by field: each top-level field is a tag, a
 * length and one element, parsed on its own.
 *
 * <p>CodedInputStream counts the bytes it has read in an int and refuses to read past its size
 * limit, so one instance cannot get through a file beyond 2 GiB: the size limit is set to the
 * maximum and the counter is reset before every record, which makes the limit apply per record.
 * Byte offsets are tracked across resets so that a record that fails to parse can be read again
 * from the file and explained by {@link WireDiagnosis}.
 */
final class BinaryRecordStream implements RecordStream {
  /** Far above any sane record (a header with 100k memory regions is ~3 MiB). */
  static final int MAX_RECORD_BYTES = 64 << 20;

  private final InputFiles.Opened input;
  private final Path path;
  private final StreamLayout layout;
  private final CodedInputStream in;
  private final Parser<?>[] parsers;
  private final long[] counts;
  private final ContentCheck contentCheck = new ContentCheck();
  private long bytesBeforeReset;

  BinaryRecordStream(InputFiles.Opened input, Path path, StreamLayout layout) {
    this.input = input;
    this.path = path;
    this.layout = layout;
    this.in = CodedInputStream.newInstance(input.stream(), InputFiles.BUFFER_BYTES);
    this.in.setSizeLimit(Integer.MAX_VALUE);
    this.parsers = new Parser<?>[layout.maxFieldNumber() + 1];
    for (FieldDescriptor field : layout.descriptor().getFields()) {
      parsers[field.getNumber()] = layout.elementPrototype(field).getParserForType();
    }
    this.counts = new long[parsers.length];
  }

  @Override
  public TraceFormat format() {
    return TraceFormat.BINARY;
  }

  @Override
  public @Nullable TopLevelRecord next() {
    try {
      bytesBeforeReset += in.getTotalBytesRead();
      in.resetSizeCounter();
      if (in.isAtEnd()) {
        return null;
      }
      return readRecord();
    } catch (InvalidProtocolBufferException e) {
      throw malformed(null, "malformed field tag at byte " + position(), e);
    } catch (IOException e) {
      throw InputFiles.readFailed(input.file(), e);
    }
  }

  private TopLevelRecord readRecord() throws IOException {
    long tagOffset = position();
    int tag = in.readTag();
    int number = WireFormat.getTagFieldNumber(tag);
    FieldDescriptor field = layout.field(number);
    if (field == null) {
      throw malformed(
          null,
          "unknown field number " + number + " in " + layout.name() + " at byte " + tagOffset,
          null);
    }
    long index = counts[number];
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw malformed(
          layout.where(field, index), "wrong wire type " + WireFormat.getTagWireType(tag), null);
    }
    int length;
    try {
      length = in.readRawVarint32();
    } catch (InvalidProtocolBufferException e) {
      throw malformed(
          layout.where(field, index), in.isAtEnd() ? Problem.TRUNCATED : "malformed length", e);
    }
    if (length < 0 || length > MAX_RECORD_BYTES) {
      throw malformed(
          layout.where(field, index),
          "length "
              + Integer.toUnsignedString(length)
              + " exceeds the limit of "
              + MAX_RECORD_BYTES
              + " bytes",
          null);
    }
    long payloadOffset = position();
    Message message;
    try {
      int outer = in.pushLimit(length);
      message = (Message) parsers[number].parseFrom(in);
      if (in.getBytesUntilLimit() > 0) {
        throw new InvalidProtocolBufferException("input ended inside the record");
      }
      in.popLimit(outer);
    } catch (InvalidProtocolBufferException e) {
      throw explain(layout.where(field, index), field, payloadOffset, length, e);
    }
    counts[number]++;
    Problem problem = contentCheck.find(message);
    if (problem != null) {
      throw TraceFormatException.malformed(input.file(), layout.where(field, index), problem, null);
    }
    return new TopLevelRecord(field, index, message);
  }

  /** Reads the failed record again from the file and names the field where it broke. */
  private TraceFormatException explain(
      String where,
      FieldDescriptor field,
      long payloadOffset,
      int length,
      InvalidProtocolBufferException cause) {
    Problem problem = null;
    try (InputStream again = Files.newInputStream(path)) {
      again.skipNBytes(payloadOffset);
      byte[] bytes = again.readNBytes(length);
      problem = WireDiagnosis.find(bytes, field.getMessageType(), bytes.length < length);
      if (problem == null && bytes.length < length) {
        problem = new Problem(null, Problem.TRUNCATED);
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    if (problem == null) {
      problem = new Problem(null, firstSentence(cause.getMessage()));
    }
    return TraceFormatException.malformed(input.file(), where, problem, cause);
  }

  private TraceFormatException malformed(
      @Nullable String where, String detail, @Nullable Throwable cause) {
    return TraceFormatException.malformed(input.file(), where, new Problem(null, detail), cause);
  }

  private long position() {
    return bytesBeforeReset + in.getTotalBytesRead();
  }

  private static String firstSentence(@Nullable String message) {
    if (message == null) {
      return "malformed input";
    }
    int end = message.indexOf('.');
    String sentence = end < 0 ? message : message.substring(0, end);
    return sentence.isEmpty()
        ? "malformed input"
        : Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
  }

  @Override
  public void close() {
    input.close();
  }
}
