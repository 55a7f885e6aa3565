package io.vfiomigrate.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vfiomigrate.proto.DiffReport;
import io.vfiomigrate.proto.IommuConfig;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class RoundTripTest {
  private static final ImmutableList<FileDescriptor> SCHEMAS =
      ImmutableList.of(
          Type1Trace.getDescriptor().getFile(),
          IommufdProgram.getDescriptor().getFile(),
          ReplayResult.getDescriptor().getFile());

  @TempDir Path directory;

  @Test
  void samplesCoverEveryMessageEnumValueAndOp() {
    Set<Descriptor> messages = new HashSet<>();
    Set<EnumValueDescriptor> enumValues = new HashSet<>();
    for (Message sample : Samples.all()) {
      collect(sample, messages, enumValues);
    }
    Set<Descriptor> allMessages = new HashSet<>();
    Set<EnumValueDescriptor> allNonZeroEnumValues = new HashSet<>();
    for (FileDescriptor file : SCHEMAS) {
      allMessages.addAll(file.getMessageTypes());
      for (EnumDescriptor type : file.getEnumTypes()) {
        type.getValues().stream()
            .filter(v -> v.getNumber() != 0)
            .forEach(allNonZeroEnumValues::add);
      }
    }
    assertThat(messages).containsExactlyInAnyOrderElementsOf(allMessages);
    assertThat(enumValues).containsAll(allNonZeroEnumValues);

    Set<Type1Event.OpCase> eventOps = EnumSet.noneOf(Type1Event.OpCase.class);
    Samples.events().forEach(event -> eventOps.add(event.getOpCase()));
    assertThat(eventOps).isEqualTo(EnumSet.complementOf(EnumSet.of(Type1Event.OpCase.OP_NOT_SET)));
    Set<IommufdOp.OpCase> programOps = EnumSet.noneOf(IommufdOp.OpCase.class);
    Samples.ops().forEach(op -> programOps.add(op.getOpCase()));
    assertThat(programOps).isEqualTo(EnumSet.complementOf(EnumSet.of(IommufdOp.OpCase.OP_NOT_SET)));
  }

  static Stream<Message> samples() {
    return Samples.all().stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void jsonToBinaryToJsonPreservesEveryMessage(Message sample) throws Exception {
    String json = MessageFiles.toJson(sample);
    Message.Builder fromJson = sample.newBuilderForType();
    JsonFormat.parser().merge(json, fromJson);
    Message fromBinary = sample.getParserForType().parseFrom(fromJson.build().toByteArray());

    assertThat(fromBinary).isEqualTo(sample);
    assertThat(MessageFiles.toJson(fromBinary)).isEqualTo(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.json", "m.pb"})
  void messageFilesRoundTripEveryTopLevelMessage(String name) {
    Path file = directory.resolve(name);
    for (Message sample :
        List.of(Samples.trace(), Samples.program(), Samples.replayResult(), Samples.diffReport())) {
      MessageFiles.write(file, sample, List.of());

      assertThat(MessageFiles.read(file, sample.getDefaultInstanceForType())).isEqualTo(sample);
      assertThat(TraceFormat.detect(file))
          .isEqualTo(name.endsWith(".json") ? TraceFormat.JSON : TraceFormat.BINARY);
    }
  }

  @Test
  void jsonPrintsUnsigned64BitValuesAsDecimalStringsAndZerosWithoutPresence() {
    String json = MessageFiles.toJson(Samples.events().get(5));

    assertThat(json)
        .isEqualTo(
            """
            {
              "pid": 100,
              "mapDma": {
                "container": 1,
                "vaddr": "139637976727552",
                "iova": "18446744073709547520",
                "size": "4096",
                "read": true,
                "write": true
              }
            }
            """);
    assertThat(MessageFiles.toJson(ReplayResult.getDefaultInstance()))
        .isEqualTo("{\n  \"backend\": \"\",\n  \"steps\": []\n}\n");
  }

  @Test
  void optionalFieldsSetToZeroStayPresent() throws Exception {
    Path file = directory.resolve("zero.json");
    TraceHeader header =
        Samples.header().toBuilder().setIommu(IommuConfig.newBuilder().setPgsizeBitmap(0)).build();
    Type1Trace trace = Type1Trace.newBuilder().setHeader(header).build();

    MessageFiles.write(file, trace, List.of());

    IommuConfig iommu =
        MessageFiles.read(file, Type1Trace.getDefaultInstance()).getHeader().getIommu();
    assertThat(iommu.hasPgsizeBitmap()).isTrue();
    assertThat(iommu.hasApertureStart()).isFalse();
    assertThat(Files.readString(file))
        .contains("\"iommu\": {\n      \"pgsizeBitmap\": \"0\"\n    }");
  }

  @ParameterizedTest
  @ValueSource(strings = {"t.json", "t.pb"})
  void streamedTraceIsTheStandardEncodingOfTheWholeMessage(String name) throws Exception {
    Path file = directory.resolve(name);
    writeTrace(file, Samples.trace());

    Type1Trace whole;
    if (name.endsWith(".pb")) {
      whole = Type1Trace.parseFrom(Files.readAllBytes(file));
    } else {
      Type1Trace.Builder builder = Type1Trace.newBuilder();
      JsonFormat.parser().merge(Files.readString(file), builder);
      whole = builder.build();
    }
    assertThat(whole).isEqualTo(Samples.trace());
    assertThat(readTrace(file)).isEqualTo(Samples.trace());
  }

  @Test
  void streamedJsonTraceHasOneEventPerLine() throws Exception {
    Path file = directory.resolve("t.json");
    Type1Trace trace =
        Type1Trace.newBuilder()
            .setHeader(TraceHeader.newBuilder().setFormatVersion(1))
            .addEvents(Samples.events().get(0))
            .addEvents(Samples.events().get(1))
            .build();

    writeTrace(file, trace);

    assertThat(Files.readString(file))
        .isEqualTo(
            """
            {
              "header": {
                "formatVersion": 1,
                "pageSize": "0",
                "description": "",
                "source": "",
                "kernel": "",
                "tasks": [],
                "memory": []
              },
              "events": [
                {"pid":100,"containerOpen":{"container":1}},
                {"pid":100,"setIommu":{"container":1,"type":"TYPE1V2"}}
              ]
            }
            """);
  }

  @Test
  void convertsJsonTraceToBinaryAndBack() {
    Path json = directory.resolve("a.json");
    Path binary = directory.resolve("b.pb");
    Path again = directory.resolve("c.json");
    writeTrace(json, Samples.trace());

    copyTrace(json, binary);
    copyTrace(binary, again);

    assertThat(readTrace(binary)).isEqualTo(Samples.trace());
    assertThat(readTrace(again)).isEqualTo(Samples.trace());
  }

  @ParameterizedTest
  @ValueSource(strings = {"p.json", "p.pb"})
  void programRoundTripsWithWarningsAfterOps(String name) throws Exception {
    Path file = directory.resolve(name);
    try (ProgramWriter writer = ProgramWriter.create(file, List.of())) {
      writer.writeHeader(Samples.header());
      writer.write(Samples.warnings().get(0));
      for (IommufdOp op : Samples.ops()) {
        writer.write(op);
      }
      writer.write(Samples.warnings().get(1));
      writer.commit();
      assertThat(writer.opsWritten()).isEqualTo(Samples.ops().size());
      assertThat(writer.warningsWritten()).isEqualTo(2);
    }

    List<ProgramEntry> entries = new ArrayList<>();
    IommufdProgram.Builder program = IommufdProgram.newBuilder();
    try (ProgramReader reader = ProgramReader.open(file)) {
      program.setHeader(reader.header());
      reader.forEachRemaining(entries::add);
    }
    for (ProgramEntry entry : entries) {
      if (entry instanceof IndexedOp op) {
        assertThat(op.index()).isEqualTo(program.getOpsCount());
        program.addOps(op.op());
      } else if (entry instanceof IndexedWarning warning) {
        assertThat(warning.index()).isEqualTo(program.getWarningsCount());
        program.addWarnings(warning.warning());
      }
    }
    assertThat(entries.get(0)).isInstanceOf(IndexedOp.class);
    assertThat(entries.get(entries.size() - 1))
        .isEqualTo(new IndexedWarning(1, Samples.warnings().get(1)));
    assertThat(program.build()).isEqualTo(Samples.program());
    assertThat(MessageFiles.read(file, IommufdProgram.getDefaultInstance()))
        .isEqualTo(Samples.program());
    assertThat(FileKind.detect(file)).isEqualTo(FileKind.IOMMUFD_PROGRAM);
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void reportsRoundTripThroughFilesInBothFormats() {
    Path json = directory.resolve("r.json");
    Path binary = directory.resolve("r.pb");
    MessageFiles.write(json, Samples.diffReport(), List.of());
    DiffReport read = MessageFiles.read(json, DiffReport.getDefaultInstance());
    MessageFiles.write(binary, read, List.of(json));

    assertThat(MessageFiles.read(binary, DiffReport.getDefaultInstance()))
        .isEqualTo(Samples.diffReport());
  }

  @Test
  void acceptsNumbersAndStringsForIntegersAndAByteOrderMark() throws Exception {
    Path file = directory.resolve("t.json");
    String json =
        "\uFEFF{\"header\":{\"formatVersion\":\"1\",\"pageSize\":4096},"
            + "\"events\":[{\"pid\":\"7\",\"mapDma\":{\"iova\":18446744073709547520,\"size\":\"4096\"}}]}";
    Files.write(file, json.getBytes(StandardCharsets.UTF_8));

    Type1Trace trace = readTrace(file);

    assertThat(trace.getEvents(0).getPid()).isEqualTo(7);
    assertThat(trace.getEvents(0).getMapDma().getIova()).isEqualTo(Samples.HIGH_IOVA);
    assertThat(TraceFormat.detect(file)).isEqualTo(TraceFormat.JSON);
  }

  static void writeTrace(Path file, Type1Trace trace) {
    try (TraceWriter writer = TraceWriter.create(file, List.of())) {
      writer.writeHeader(trace.getHeader());
      trace.getEventsList().forEach(writer::write);
      writer.commit();
    }
  }

  static Type1Trace readTrace(Path file) {
    Type1Trace.Builder trace = Type1Trace.newBuilder();
    try (TraceReader reader = TraceReader.open(file)) {
      trace.setHeader(reader.header());
      while (reader.hasNext()) {
        IndexedEvent event = reader.next();
        assertThat(event.index()).isEqualTo(trace.getEventsCount());
        trace.addEvents(event.event());
      }
    }
    return trace.build();
  }

  private static void copyTrace(Path from, Path to) {
    try (TraceReader reader = TraceReader.open(from);
        TraceWriter writer = TraceWriter.create(to, List.of(from))) {
      writer.writeHeader(reader.header());
      reader.forEachRemaining(event -> writer.write(event.event()));
      writer.commit();
    }
  }

  private static void collect(
      Message message, Set<Descriptor> messages, Set<EnumValueDescriptor> enumValues) {
    messages.add(message.getDescriptorForType());
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      List<?> values =
          field.getKey().isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
      for (Object value : values) {
        if (value instanceof Message nested) {
          collect(nested, messages, enumValues);
        } else if (value instanceof EnumValueDescriptor enumValue) {
          enumValues.add(enumValue);
        }
      }
    }
  }
}
