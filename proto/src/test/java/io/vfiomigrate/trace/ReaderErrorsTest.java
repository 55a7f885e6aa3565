package io.vfiomigrate.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.primitives.Bytes;
import com.google.protobuf.UnknownFieldSet;
import io.vfiomigrate.proto.ContainerOpen;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.TraceFormatException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ReaderErrorsTest {
  private static final TraceHeader HEADER =
      TraceHeader.newBuilder()
          .setFormatVersion(1)
          .setPageSize(4096)
          .addTasks(Task.newBuilder().setPid(100).setUid(1000).setMemlockLimit(Samples.U64_MAX))
          .build();
  private static final Type1Event OPEN =
      Type1Event.newBuilder()
          .setPid(100)
          .setContainerOpen(ContainerOpen.newBuilder().setContainer(1))
          .build();

  /** mapDma ends with size, a 10-byte varint: cutting the file short cuts inside it. */
  private static final Type1Event MAP =
      Type1Event.newBuilder()
          .setPid(100)
          .setMapDma(MapDma.newBuilder().setContainer(1).setIova(0x1000).setSize(Samples.HIGH_IOVA))
          .build();

  private static final String JSON_HEADER = "{\"header\":{\"formatVersion\":1},\"events\":[";

  @TempDir Path directory;

  @Test
  void binaryCutInsideAFieldNamesEventAndField() throws IOException {
    byte[] whole = binary(HEADER, OPEN, OPEN, MAP);
    Path file = write("trace.pb", Arrays.copyOf(whole, whole.length - 3));

    assertMalformed(file, "event 2: field mapDma.size: truncated input");
  }

  @Test
  void binaryCutBetweenFieldsOfASubMessageNamesTheSubMessage() throws IOException {
    byte[] whole = binary(HEADER, MAP);
    Path file = write("trace.pb", Arrays.copyOf(whole, whole.length - 11));

    assertMalformed(file, "event 0: field mapDma: truncated input");
  }

  @Test
  void binaryCutInsideARecordLengthNamesTheEvent() throws IOException {
    byte[] header = binary(HEADER);
    Path file = write("trace.pb", Bytes.concat(header, new byte[] {0x12}));

    assertMalformed(file, "event 0: truncated input");
  }

  @Test
  void binaryCutInsideTheHeaderNamesTheRepeatedElement() throws IOException {
    byte[] whole = binary(HEADER);
    Path file = write("trace.pb", Arrays.copyOf(whole, whole.length - 2));

    assertMalformed(file, "header: field tasks[0].memlockLimit: truncated input");
  }

  @Test
  void binaryStartingWithAnEventHasNoHeader() throws IOException {
    byte[] header = binary(HEADER);
    byte[] event = binary(null, OPEN);
    Path file = write("t.pb", Bytes.concat(event, header));

    assertMalformed(file, "missing header");
  }

  @Test
  void emptyFileHasNoHeader() throws IOException {
    assertMalformed(write("empty.pb", new byte[0]), "missing header");
  }

  @Test
  void binaryWithTwoHeadersIsRejected() throws IOException {
    Path file = write("t.pb", binary(HEADER, OPEN, OPEN));
    byte[] again = binary(HEADER);
    Files.write(file, Bytes.concat(Files.readAllBytes(file), again));

    assertMalformed(file, "duplicate header");
  }

  @Test
  void binaryUnknownFieldNumberIsRejected() throws IOException {
    Type1Event unknown =
        OPEN.toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(12, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
                    .build())
            .build();
    Path file = write("t.pb", binary(HEADER, OPEN, unknown));

    assertMalformed(file, "event 1: unknown field number 12 in Type1Event");
  }

  @Test
  void binaryKnownFieldWithWrongWireTypeIsNamed() throws IOException {
    // Record: field 2 (events), length 3, holding field 1 (pid) as length-delimited.
    byte[] event = {0x12, 0x03, 0x0A, 0x01, 0x00};
    Path file = write("t.pb", Bytes.concat(binary(HEADER), event));

    assertMalformed(file, "event 0: field pid: wrong wire type 2 for uint32");
  }

  @Test
  void binaryUnknownEnumNumberIsRejected() throws IOException {
    // Record: field 2, length 4: groupAttach (field 4, length 2) holding kind (field 3) = 7.
    byte[] event = {0x12, 0x04, 0x22, 0x02, 0x18, 0x07};
    Path file = write("t.pb", Bytes.concat(binary(HEADER), event));

    assertMalformed(file, "event 0: field groupAttach.kind: unknown GroupKind value 7");
  }

  @Test
  void binaryInvalidUtf8IsNamed() throws IOException {
    // Record: field 2, length 5: expect (field 15, length 2) holding errno (field 1) = 0xFF.
    byte[] event = {0x12, 0x05, 0x7A, 0x03, 0x0A, 0x01, (byte) 0xFF};
    Path file = write("t.pb", Bytes.concat(binary(HEADER), event));

    assertMalformed(file, "event 0: field expect.errno: invalid UTF-8");
  }

  @Test
  void jsonUnknownFieldNamesEventAndMessage() throws IOException {
    Path file =
        json(
            "t.json",
            JSON_HEADER + "{},{},{},{\"pid\":1,\"mapDma\":{\"iova\":\"4096\",\"sise\":4096}}]}");

    assertMalformed(file, "event 3: unknown field \"sise\" in MapDma");
  }

  @Test
  void jsonUnknownTopLevelFieldIsRejected() throws IOException {
    assertMalformed(
        json("t.json", "{\"header\":{\"formatVersion\":1},\"evnts\":[]}"),
        "unknown field \"evnts\" in Type1Trace");
  }

  @Test
  void jsonWrongTypeNamesTheField() throws IOException {
    Path file = json("t.json", JSON_HEADER + "{\"pid\":1},{\"pid\":\"abc\"}]}");

    assertMalformed(file, "event 1: field pid: \"abc\" is not a uint32");
  }

  @Test
  void jsonOutOfRangeNamesTheRepeatedElement() throws IOException {
    Path file =
        json("t.json", "{\"header\":{\"formatVersion\":1,\"tasks\":[{\"pid\":4294967296}]}}");

    assertMalformed(file, "header: field tasks[0].pid: 4294967296 out of range for uint32");
  }

  @Test
  void jsonNegativeUnsignedIsOutOfRange() throws IOException {
    Path file = json("t.json", JSON_HEADER + "{\"mapDma\":{\"size\":\"-1\"}}]}");

    assertMalformed(file, "event 0: field mapDma.size: \"-1\" out of range for uint64");
  }

  @Test
  void jsonUnknownEnumNameAndNumberAreRejected() throws IOException {
    assertMalformed(
        json("a.json", JSON_HEADER + "{\"groupAttach\":{\"kind\":\"FOO\"}}]}"),
        "event 0: field groupAttach.kind: \"FOO\" is not a GroupKind");
    assertMalformed(
        json("b.json", JSON_HEADER + "{\"groupAttach\":{\"kind\":7}}]}"),
        "event 0: field groupAttach.kind: unknown GroupKind value 7");
  }

  @Test
  void jsonTwoOpsInOneEventAreRejected() throws IOException {
    Path file = json("t.json", JSON_HEADER + "{\"mapDma\":{},\"containerOpen\":{}}]}");

    assertMalformed(file, "event 0: field containerOpen: oneof op is already set by mapDma");
  }

  @Test
  void jsonWithoutHeaderOrWithHeaderAfterEventsHasNoHeader() throws IOException {
    assertMalformed(json("a.json", "{\"events\":[{\"pid\":1}]}"), "missing header");
    assertMalformed(
        json("b.json", "{\"events\":[{\"pid\":1}],\"header\":{\"formatVersion\":1}}"),
        "missing header");
    assertMalformed(json("c.json", "{}"), "missing header");
  }

  @Test
  void jsonSyntaxErrorsAndTruncationNameTheEvent() throws IOException {
    assertMalformed(
        json("a.json", JSON_HEADER + "{\"pid\":1},{\"pid\":1,}]}"),
        "event 1: malformed JSON: expected name at line 1 column 61");
    assertMalformed(
        json("b.json", JSON_HEADER + "{\"pid\":1},{\"pid\":"),
        "event 1: truncated input (end of JSON at line 1 column 58)");
    assertMalformed(
        json("c.json", "{\"header\":{\"formatVersion\":1}} {}"), "data after the top-level object");
    assertMalformed(
        json("d.json", "{\"header\":{\"formatVersion\":1,}}"),
        "header: malformed JSON: expected name at line 1 column 31");
  }

  @Test
  void jsonArraysMustBeArraysAndElementsObjects() throws IOException {
    assertMalformed(
        json("a.json", "{\"header\":{\"formatVersion\":1},\"events\":{}}"),
        "field events: {} is not an array");
    assertMalformed(json("b.json", JSON_HEADER + "null]}"), "event 0: null is not a Type1Event");
    assertMalformed(
        json("c.json", JSON_HEADER + "{\"mapDma\":[]}]}"),
        "event 0: field mapDma: [] is not a MapDma");
  }

  @Test
  void headerChecksApplyToEveryReader() throws IOException {
    TraceHeader version2 = HEADER.toBuilder().setFormatVersion(2).build();
    TraceHeader noVersion = HEADER.toBuilder().clearFormatVersion().build();
    TraceHeader bigPages = HEADER.toBuilder().setPageSize(8192).build();
    TraceHeader duplicatePid =
        HEADER.toBuilder()
            .addTasks(Task.newBuilder().setPid(7))
            .addTasks(Task.newBuilder().setPid(100))
            .build();

    assertMalformed(
        write("a.pb", binary(version2)),
        "header: field formatVersion: unsupported format version 2 (expected 1)");
    assertMalformed(
        write("b.pb", binary(noVersion)),
        "header: field formatVersion: unsupported format version 0 (expected 1)");
    assertMalformed(
        write("c.pb", binary(bigPages)),
        "header: field pageSize: unsupported page size 8192 (expected 4096)");
    assertMalformed(
        write("d.pb", binary(duplicatePid)),
        "header: field tasks[2].pid: duplicate pid 100 (also tasks[0])");
    Path whole = directory.resolve("e.json");
    Files.writeString(
        whole, MessageFiles.toJson(Type1Trace.newBuilder().setHeader(duplicatePid).build()));
    assertThatThrownBy(() -> MessageFiles.read(whole, Type1Trace.getDefaultInstance()))
        .hasMessage(whole + ": header: field tasks[2].pid: duplicate pid 100 (also tasks[0])");
  }

  @Test
  void pageSizeZeroMeansTheDefault() throws IOException {
    Path file = write("t.pb", binary(HEADER.toBuilder().clearPageSize().build()));

    try (TraceReader reader = TraceReader.open(file)) {
      assertThat(reader.header().getPageSize()).isZero();
      assertThat(TraceHeaders.pageSize(reader.header())).isEqualTo(4096);
    }
  }

  @Test
  void wholeMessageReadsNameTheFullPath() throws IOException {
    byte[] whole = binary(HEADER, OPEN, MAP);
    Path file = write("t.pb", Arrays.copyOf(whole, whole.length - 3));

    assertThatThrownBy(() -> MessageFiles.read(file, Type1Trace.getDefaultInstance()))
        .hasMessage(file + ": field events[1].mapDma.size: truncated input");
    Path program = write("p.pb", binary(HEADER, OPEN));
    assertThatThrownBy(() -> MessageFiles.read(program, IommufdProgram.getDefaultInstance()))
        .hasMessage(program + ": unknown field number 2 in IommufdProgram");
  }

  @Test
  void traceGivenToTheProgramReaderIsRejected() throws IOException {
    Path file = write("t.pb", binary(HEADER, OPEN));

    assertThatThrownBy(
            () -> {
              try (ProgramReader reader = ProgramReader.open(file)) {
                reader.forEachRemaining(entry -> {});
              }
            })
        .hasMessage(
            file + ": unknown field number 2 in IommufdProgram at byte " + binary(HEADER).length);
    assertThat(FileKind.detect(file)).isEqualTo(FileKind.TYPE1_TRACE);
  }

  @Test
  void missingAndDirectoryInputsAreUnreadable() {
    Path missing = directory.resolve("nope.json");

    assertThatThrownBy(() -> TraceReader.open(missing))
        .isInstanceOfSatisfying(
            TraceFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_INPUT))
        .hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> TraceReader.open(directory))
        .isInstanceOfSatisfying(
            TraceFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_INPUT))
        .hasMessage(directory + ": is a directory");
  }

  @Test
  void aHeaderOf123BytesIsStillBinary() throws IOException {
    TraceHeader header = HEADER.toBuilder().setDescription("").build();
    int padding = 123 - header.getSerializedSize() - 2;
    header = header.toBuilder().setDescription("x".repeat(padding)).build();
    assertThat(header.getSerializedSize()).isEqualTo(123);
    Path file = write("t.pb", binary(header, OPEN));

    assertThat(Files.readAllBytes(file)[1]).isEqualTo((byte) '{');
    assertThat(TraceFormat.detect(file)).isEqualTo(TraceFormat.BINARY);
    assertThat(RoundTripTest.readTrace(file).getEventsList()).containsExactly(OPEN);
  }

  /** Top-level records as a binary file holds them: optional header, then events. */
  private static byte[] binary(TraceHeader header, Type1Event... events) {
    Type1Trace.Builder trace = Type1Trace.newBuilder();
    if (header != null) {
      trace.setHeader(header);
    }
    return trace.addAllEvents(Arrays.asList(events)).build().toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(directory.resolve(name), bytes);
  }

  private Path json(String name, String text) throws IOException {
    return Files.writeString(directory.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static void assertMalformed(Path file, String expected) {
    assertThatThrownBy(() -> RoundTripTest.readTrace(file))
        .isInstanceOfSatisfying(
            TraceFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_INPUT))
        .hasMessage(file + ": " + expected);
  }
}
