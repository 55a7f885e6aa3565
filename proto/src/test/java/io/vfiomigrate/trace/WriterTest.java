package io.vfiomigrate.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.trace.TraceFormatException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WriterTest {
  @TempDir Path directory;

  @Test
  void commitPublishesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = directory.resolve("t.pb");

    RoundTripTest.writeTrace(file, Samples.trace());

    assertThat(files()).containsExactly(file);
    assertThat(RoundTripTest.readTrace(file)).isEqualTo(Samples.trace());
  }

  @Test
  void closeWithoutCommitLeavesNothingAndKeepsTheOldFile() throws IOException {
    Path file = directory.resolve("t.json");
    Files.writeString(file, "old");

    assertThatThrownBy(
            () -> {
              try (TraceWriter writer = TraceWriter.create(file, List.of())) {
                writer.writeHeader(Samples.header());
                writer.write(Samples.events().get(0));
                assertThat(files()).hasSize(2);
                throw new IllegalStateException("the caller failed half way");
              }
            })
        .hasMessage("the caller failed half way");

    assertThat(files()).containsExactly(file);
    assertThat(Files.readString(file)).isEqualTo("old");
  }

  @Test
  void commitReplacesAnExistingFile() throws IOException {
    Path file = directory.resolve("t.json");
    Files.writeString(file, "old");

    RoundTripTest.writeTrace(file, Samples.trace());

    assertThat(RoundTripTest.readTrace(file)).isEqualTo(Samples.trace());
  }

  @Test
  void outputNamesMustEndInJsonOrPb() {
    Path file = directory.resolve("t.txt");

    assertRejected(
        () -> TraceWriter.create(file, List.of()),
        file + ": unknown output format: the name must end in .json or .pb");
    assertRejected(
        () -> MessageFiles.write(file, Samples.replayResult(), List.of()),
        file + ": unknown output format: the name must end in .json or .pb");
  }

  @Test
  void refusesToWriteOverTheInputEvenThroughALink() throws IOException {
    Path input = directory.resolve("in.json");
    RoundTripTest.writeTrace(input, Samples.trace());
    Path link = Files.createSymbolicLink(directory.resolve("link.json"), input);
    Path sameByDots = directory.resolve("sub/../in.json");

    assertRejected(
        () -> TraceWriter.create(input, List.of(input)),
        input + ": refusing to overwrite the input file");
    assertRejected(
        () -> TraceWriter.create(link, List.of(input)),
        link + ": refusing to overwrite the input file");
    assertRejected(
        () -> ProgramWriter.create(sameByDots, List.of(input)),
        sameByDots + ": refusing to overwrite the input file");
    assertThat(RoundTripTest.readTrace(input)).isEqualTo(Samples.trace());
  }

  @Test
  void refusesADirectory() throws IOException {
    Path target = Files.createDirectory(directory.resolve("out.json"));

    assertRejected(() -> TraceWriter.create(target, List.of()), target + ": is a directory");
  }

  @Test
  void missingDirectoryIsAWriteFailure() {
    Path file = directory.resolve("missing/t.pb");

    assertThatThrownBy(() -> TraceWriter.create(file, List.of()))
        .isInstanceOfSatisfying(
            TraceFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRITE_FAILED))
        .hasMessage(file + ": no such directory: " + directory.resolve("missing"));
  }

  @Test
  void headerComesFirstAndOnce() throws IOException {
    Path file = directory.resolve("t.pb");
    try (TraceWriter writer = TraceWriter.create(file, List.of())) {
      assertThatThrownBy(() -> writer.write(Samples.events().get(0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("write the header first (writer is new)");
      assertThatThrownBy(writer::commit)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("nothing to commit without a header (writer is new)");
      writer.writeHeader(Samples.header());
      assertThatThrownBy(() -> writer.writeHeader(Samples.header()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the header must be written first and once (writer is writing)");
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void aTraceWithOnlyAHeaderIsValidInBothFormats() {
    for (String name : List.of("h.json", "h.pb")) {
      Path file = directory.resolve(name);
      try (TraceWriter writer = TraceWriter.create(file, List.of())) {
        writer.writeHeader(Samples.header());
        writer.commit();
        assertThat(writer.eventsWritten()).isZero();
      }

      assertThat(RoundTripTest.readTrace(file).getEventsList()).isEmpty();
      assertThat(FileKind.detect(file)).isEqualTo(FileKind.TYPE1_TRACE);
    }
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  private static void assertRejected(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            TraceFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.REJECTED_OUTPUT))
        .hasMessage(message);
  }
}
