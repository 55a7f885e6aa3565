package io.vfiomigrate.trace;

import com.google.gson.JsonElement;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the top-level JSON object token by token with Gson's JsonReader and hands each header or
 * array element, one at a time, to JsonFormat. Only one element is ever materialised.
 *
 * <p>Top-level keys may come in any order and at most once each; readers above this class require
 * the header to come first, because a streaming reader must know it before the events.
 */
final class JsonRecordStream implements RecordStream {
  private final InputFiles.Opened input;
  private final StreamLayout layout;
  private final JsonReader reader;
  private final Message[] prototypes;
  private final long[] counts;
  private final ContentCheck contentCheck = new ContentCheck();
  private final Set<String> seenKeys = new HashSet<>();
  private @Nullable FieldDescriptor openArray;
  private boolean started;
  private boolean finished;

  JsonRecordStream(InputFiles.Opened input, StreamLayout layout) {
    this.input = input;
    this.layout = layout;
    this.reader =
        new JsonReader(
            new BufferedReader(
                new InputStreamReader(input.stream(), StandardCharsets.UTF_8),
                InputFiles.BUFFER_BYTES));
    // Strict: no comments, single quotes or unquoted names. A leading byte order mark is
    // skipped by JsonReader itself.
    this.reader.setLenient(false);
    this.prototypes = new Message[layout.maxFieldNumber() + 1];
    for (FieldDescriptor field : layout.descriptor().getFields()) {
      prototypes[field.getNumber()] = layout.elementPrototype(field);
    }
    this.counts = new long[prototypes.length];
  }

  @Override
  public TraceFormat format() {
    return TraceFormat.JSON;
  }

  @Override
  public @Nullable TopLevelRecord next() {
    if (finished) {
      return null;
    }
    try {
      return advance();
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw JsonErrors.translate(input.file(), currentWhere(), e);
    }
  }

  private @Nullable TopLevelRecord advance() throws IOException {
    if (!started) {
      reader.beginObject();
      started = true;
    }
    while (true) {
      if (openArray != null) {
        if (reader.hasNext()) {
          return element(openArray);
        }
        reader.endArray();
        openArray = null;
        continue;
      }
      if (!reader.hasNext()) {
        reader.endObject();
        JsonErrors.requireEnd(reader, input.file());
        finished = true;
        return null;
      }
      String name = reader.nextName();
      FieldDescriptor field = layout.field(name);
      if (field == null) {
        throw malformed(null, "unknown field \"" + name + "\" in " + layout.name());
      }
      if (!seenKeys.add(field.getName())) {
        throw malformed(null, "duplicate field \"" + name + "\" in " + layout.name());
      }
      if (reader.peek() == JsonToken.NULL) {
        reader.nextNull();
        continue;
      }
      if (!field.isRepeated()) {
        return element(field);
      }
      if (reader.peek() != JsonToken.BEGIN_ARRAY) {
        JsonElement value = JsonCodec.ELEMENTS.read(reader);
        throw TraceFormatException.malformed(
            input.file(),
            null,
            Problem.at(name, JsonDiagnosis.show(value) + " is not an array"),
            null);
      }
      reader.beginArray();
      openArray = field;
    }
  }

  private TopLevelRecord element(FieldDescriptor field) throws IOException {
    long index = counts[field.getNumber()];
    JsonElement value;
    try {
      value = JsonCodec.ELEMENTS.read(reader);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw JsonErrors.translate(input.file(), layout.where(field, index), e);
    }
    Message prototype = prototypes[field.getNumber()];
    if (value.isJsonNull()) {
      throw TraceFormatException.malformed(
          input.file(),
          layout.where(field, index),
          new Problem(null, "null is not a " + prototype.getDescriptorForType().getName()),
          null);
    }
    Message.Builder builder = prototype.newBuilderForType();
    try {
      JsonCodec.PARSER.merge(value.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      Problem problem = JsonDiagnosis.find(value, prototype.getDescriptorForType());
      throw TraceFormatException.malformed(
          input.file(),
          layout.where(field, index),
          problem != null ? problem : new Problem(null, e.getMessage()),
          e);
    }
    Message message = builder.build();
    Problem problem = contentCheck.find(message);
    if (problem != null) {
      throw TraceFormatException.malformed(input.file(), layout.where(field, index), problem, null);
    }
    counts[field.getNumber()]++;
    return new TopLevelRecord(field, index, message);
  }

  private @Nullable String currentWhere() {
    if (openArray != null) {
      return layout.where(openArray, counts[openArray.getNumber()]);
    }
    return null;
  }

  private TraceFormatException malformed(@Nullable String where, String detail) {
    return TraceFormatException.malformed(input.file(), where, new Problem(null, detail), null);
  }

  @Override
  public void close() {
    input.close();
  }
}
