package io.vfiomigrate.cli.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.testing.Golden;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ConvertCommandTest {
  @TempDir Path directory;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "passthrough-vm",
        "vgpu-vm",
        "passthrough-vgpu-hotplug",
        "two-vms-one-uid",
        "rlimit-memlock-failure",
        "cap-ipc-lock-vm",
        "v1-legacy-unmaps"
      })
  void everyExampleConvertsToItsGoldenProgram(String example) throws IOException {
    Path output = directory.resolve(example + ".json");

    CliRun run =
        CliRun.of(
            "convert",
            Traces.EXAMPLES.resolve(example + ".json").toString(),
            "-o",
            output.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).isEmpty();
    Golden.assertMatches(
        "convert/" + example + ".program.json", Files.readString(output, StandardCharsets.UTF_8));
  }

  @Test
  void warningsGoToStderrWithASummary() {
    Path output = directory.resolve("v1.pb");

    CliRun run =
        CliRun.of(
            "convert",
            Traces.EXAMPLES.resolve("v1-legacy-unmaps.json").toString(),
            "-o",
            output.toString());

    String input = Traces.EXAMPLES.resolve("v1-legacy-unmaps.json").toString();
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: "
                + input
                + ": event 2: warning V1_CONTAINER: container 1 selects TYPE1 (v1): native iommufd"
                + " has no v1; partial unmaps are translated and mdev pins are allowed\n"
                + "vfio-migrate: "
                + input
                + ": event 5: warning V1_PARTIAL_UNMAP: v1 unmap of [0x180000, 0x1fffff] starts"
                + " inside the mapping [0x100000, 0x1fffff]: type1 unmaps nothing and returns 0;"
                + " converted to nothing\n"
                + "vfio-migrate: "
                + input
                + ": event 6: warning V1_PARTIAL_UNMAP: v1 unmap of [0x0, 0x17ffff] covers the"
                + " start of the mapping [0x100000, 0x1fffff]: type1 removes it whole; converted to"
                + " an unmap of [0x0, 0x1fffff]\n"
                + "vfio-migrate: "
                + input
                + ": event 7: warning V1_PARTIAL_UNMAP: v1 unmap of [0x400000, 0x400fff] covers the"
                + " start of the mapping [0x400000, 0x4fffff]: type1 removes it whole; converted to"
                + " an unmap of [0x400000, 0x4fffff]\n"
                + "vfio-migrate: convert: 9 events -> 11 ops, 4 warnings (V1_CONTAINER 1,"
                + " V1_PARTIAL_UNMAP 3)\n");
    IommufdProgram program = MessageFiles.read(output, IommufdProgram.getDefaultInstance());
    assertThat(program.getWarningsList())
        .extracting(w -> w.getCode() + "@" + w.getSourceEvent())
        .containsExactly(
            "V1_CONTAINER@2", "V1_PARTIAL_UNMAP@5", "V1_PARTIAL_UNMAP@6", "V1_PARTIAL_UNMAP@7");
    assertThat(program.getOpsCount()).isEqualTo(11);
  }

  @Test
  void binaryAndJsonOutputsHoldTheSameProgram() {
    Path json = directory.resolve("p.json");
    Path binary = directory.resolve("p.pb");
    String input = Traces.EXAMPLES.resolve("passthrough-vgpu-hotplug.json").toString();

    assertThat(CliRun.of("convert", input, "-o", json.toString(), "--accounting", "mm").code())
        .isZero();
    assertThat(CliRun.of("convert", input, "-o", binary.toString(), "--accounting", "mm").code())
        .isZero();

    assertThat(MessageFiles.read(binary, IommufdProgram.getDefaultInstance()))
        .isEqualTo(MessageFiles.read(json, IommufdProgram.getDefaultInstance()));
  }

  @Test
  void aMalformedTraceLeavesNoOutput() throws IOException {
    Path input = directory.resolve("bad.json");
    String trace =
        Files.readString(Traces.EXAMPLES.resolve("passthrough-vm.json"), StandardCharsets.UTF_8);
    Files.writeString(
        input,
        trace.replace("\"size\": \"805306368\"", "\"size\": \"-1\""),
        StandardCharsets.UTF_8);
    Path output = directory.resolve("out.json");

    CliRun run = CliRun.of("convert", input.toString(), "-o", output.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err())
        .startsWith("vfio-migrate: " + input + ": event 3: field mapDma.size: ")
        .doesNotContain("\tat ");
    try (Stream<Path> left = Files.list(directory)) {
      assertThat(left).containsExactly(input);
    }
  }

  @Test
  void refusesToWriteOverItsInput() throws IOException {
    Path input = directory.resolve("trace.json");
    Files.copy(Traces.EXAMPLES.resolve("passthrough-vm.json"), input);
    byte[] before = Files.readAllBytes(input);

    CliRun run = CliRun.of("convert", input.toString(), "-o", input.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .isEqualTo("vfio-migrate: " + input + ": refusing to overwrite the input file\n");
    assertThat(Files.readAllBytes(input)).isEqualTo(before);
  }

  @Test
  void usageErrors() {
    String input = Traces.EXAMPLES.resolve("passthrough-vm.json").toString();

    assertThat(CliRun.of("convert", input).err())
        .isEqualTo("vfio-migrate: convert: missing -o OUT (see 'vfio-migrate convert --help')\n");
    CliRun accounting =
        CliRun.of(
            "convert", input, "-o", directory.resolve("x.json").toString(), "--accounting", "both");
    assertThat(accounting.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(accounting.err())
        .isEqualTo("vfio-migrate: --accounting: expected user or mm, got \"both\"\n");
    CliRun extension = CliRun.of("convert", input, "-o", directory.resolve("x.txt").toString());
    assertThat(extension.code()).isEqualTo(ExitCodes.USAGE);
    CliRun missing =
        CliRun.of(
            "convert",
            directory.resolve("none.json").toString(),
            "-o",
            directory.resolve("x.json").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err())
        .isEqualTo("vfio-migrate: " + directory.resolve("none.json") + ": no such file\n");
  }

  @Test
  void aProgramIsNotATrace() {
    Path program = directory.resolve("p.json");
    String input = Traces.EXAMPLES.resolve("passthrough-vm.json").toString();
    CliRun.of("convert", input, "-o", program.toString());

    CliRun run =
        CliRun.of("convert", program.toString(), "-o", directory.resolve("q.json").toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: " + program + ": is an iommufd program; convert needs a type1 trace\n");
  }
}
