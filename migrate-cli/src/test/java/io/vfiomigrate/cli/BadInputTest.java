package io.vfiomigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.testing.FakeBackends;
import io.vfiomigrate.cli.testing.Traces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command meets bad input with the sysexits code and one line naming file, event, field. */
final class BadInputTest {
  @TempDir static Path directory;

  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(List.of("validate")),
        Arguments.of(List.of("convert", "-o", "OUT")),
        Arguments.of(List.of("replay", "--backend", "type1")),
        Arguments.of(List.of("replay", "--backend", "iommufd", "--json")),
        Arguments.of(List.of("diff")),
        Arguments.of(List.of("diff", "--against", "compat", "--json")),
        Arguments.of(List.of("plan")),
        Arguments.of(List.of("plan", "--json", "--models", "type1,iommufd-user")));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void aMissingFileExits66(List<String> command) {
    Path missing = directory.resolve("missing.json");

    CliRun run = run(command, missing);

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("vfio-migrate: " + missing + ": no such file\n");
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void anUnknownFieldExits65NamingTheEvent(List<String> command) throws IOException {
    Path trace = directory.resolve("unknown-field.json");
    String text = Files.readString(Traces.EXAMPLES.resolve("passthrough-vm.json"), StandardCharsets.UTF_8);
    Files.writeString(trace, text.replace("\"setIommu\": { \"container\": 1,", "\"setIommu\": { \"container\": 1, \"vendor\": 3,"));

    CliRun run = run(command, trace);

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err())
        .isEqualTo("vfio-migrate: " + trace + ": event 2: unknown field \"vendor\" in SetIommu\n");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void aTruncatedBinaryTraceExits65(List<String> command) throws IOException {
    Path binary = directory.resolve("whole.pb");
    CliRun.of("synth", "--scenario", "vm-boot", "-o", binary.toString());
    byte[] bytes = Files.readAllBytes(binary);
    Path truncated = directory.resolve("truncated.pb");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 3));

    CliRun run = run(command, truncated);

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err()).startsWith("vfio-migrate: " + truncated + ": event 6: ").doesNotContain("\n\t");
    assertThat(run.err().lines()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void aDirectoryExits66(List<String> command) {
    CliRun run = run(command, directory);

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("vfio-migrate: " + directory + ": is a directory\n");
  }

  private static CliRun run(List<String> command, Path input) {
    Stream<String> args =
        Stream.concat(
            command.stream().map(arg -> arg.equals("OUT") ? directory.resolve("out.json").toString() : arg),
            Stream.of(input.toString()));
    return CliRun.of(FakeBackends.app(), args.toArray(String[]::new));
  }
}
