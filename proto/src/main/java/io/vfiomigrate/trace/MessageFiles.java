package io.vfiomigrate.trace;

import com.google.gson.JsonElement;
import com.google.gson.stream.JsonReader;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Trace;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Whole-message reads and writes, for small files: reports ({@code ReplayResult}, {@code
 * DiffReport}) and small traces or programs. Large traces go through {@link TraceReader} and {@link
 * TraceWriter}, which never hold the whole file.
 *
 * <p>Reading chooses the format by content, writing by extension, with the same checks and error
 * messages as the streaming classes (without a record index: paths start at the top, e.g. {@code
 * events[3].mapDma.size}). Traces and programs also get the header checks of {@link TraceHeaders}.
 */
public final class MessageFiles {
  private MessageFiles() {}

  /**
   * Reads a whole message of the type of {@code prototype}.
   *
   * @throws TraceFormatException MALFORMED_INPUT or UNREADABLE_INPUT
   */
  public static <M extends Message> M read(Path path, M prototype) {
    String file = path.toString();
    byte[] bytes;
    TraceFormat format;
    try (InputFiles.Opened input = InputFiles.open(path)) {
      format = input.format();
      bytes = input.stream().readAllBytes();
    } catch (IOException e) {
      throw InputFiles.readFailed(file, e);
    }
    Message message =
        switch (format) {
          case JSON -> parseJson(file, bytes, prototype);
          case BINARY -> parseBinary(file, bytes, prototype);
        };
    Problem problem = new ContentCheck().find(message);
    if (problem != null) {
      throw TraceFormatException.malformed(file, null, problem, null);
    }
    checkHeader(file, message);
    @SuppressWarnings("unchecked") // built by prototype's own builder or parser
    M typed = (M) message;
    return typed;
  }

  /**
   * Writes {@code message} whole, in the format of {@code target}'s extension, atomically.
   *
   * @param inputs files the output must not replace
   * @throws TraceFormatException REJECTED_OUTPUT or WRITE_FAILED; nothing is left at {@code target}
   *     on failure
   */
  public static void write(Path target, Message message, Collection<Path> inputs) {
    byte[] bytes =
        switch (TraceFormat.forOutput(target)) {
          case JSON -> toJson(message).getBytes(StandardCharsets.UTF_8);
          case BINARY -> message.toByteArray();
        };
    AtomicOutputFile.write(target, bytes, inputs);
  }

  /**
   * The project's JSON for {@code message}: pretty-printed, fields without presence printed even
   * when zero, field-number order, and a final newline. Deterministic for equal messages.
   */
  public static String toJson(Message message) {
    try {
      return JsonCodec.PRETTY.print(message) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "cannot print " + message.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  private static Message parseJson(String file, byte[] bytes, Message prototype) {
    JsonElement value;
    try {
      JsonReader reader =
          new JsonReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
      reader.setLenient(false);
      value = JsonCodec.ELEMENTS.read(reader);
      JsonErrors.requireEnd(reader, file);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw JsonErrors.translate(file, null, e);
    }
    Message.Builder builder = prototype.newBuilderForType();
    try {
      JsonCodec.PARSER.merge(value.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      Problem problem = JsonDiagnosis.find(value, prototype.getDescriptorForType());
      throw TraceFormatException.malformed(
          file, null, problem != null ? problem : new Problem(null, e.getMessage()), e);
    }
    return builder.build();
  }

  private static Message parseBinary(String file, byte[] bytes, Message prototype) {
    try {
      return prototype.getParserForType().parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      // The file is the whole message, so running out of bytes anywhere means truncation.
      Problem problem = WireDiagnosis.find(bytes, prototype.getDescriptorForType(), true);
      throw TraceFormatException.malformed(
          file, null, problem != null ? problem : new Problem(null, "malformed input"), e);
    }
  }

  private static void checkHeader(String file, Message message) {
    if (message instanceof Type1Trace trace) {
      checkHeader(file, trace.hasHeader(), trace.getHeader());
    } else if (message instanceof IommufdProgram program) {
      checkHeader(file, program.hasHeader(), program.getHeader());
    }
  }

  private static void checkHeader(String file, boolean present, TraceHeader header) {
    if (!present) {
      throw TraceFormatException.malformed(file, null, null, "missing header");
    }
    TraceHeaders.check(header, file);
  }
}
