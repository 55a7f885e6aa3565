package io.vfiomigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ImportCommandTest {
  @TempDir Path directory;

  /**
   * libvirt 8.0 / QEMU 6.2 start a 2 GiB guest with a vIOMMU and two passthrough devices; each gets
   * its own container, and the second container's map of guest RAM passes the 3 GiB limit libvirt
   * gave (one copy of RAM + 1 GiB): ENOMEM, teardown, error, and the kernel's RLIMIT line.
   */
  @Test
  void importsAFailedTwoContainerStartToTheGoldenTrace() throws Exception {
    Path log = resource("importer/two-containers-rlimit.log");
    Path out = directory.resolve("trace.json");

    CliRun run =
        CliRun.of("import", "qemu-log", log.toString(), "-o", out.toString(), "--uid", "64055");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).isEmpty();
    assertThat(Files.readString(out))
        .isEqualTo(Files.readString(resource("importer/two-containers-rlimit.json")));
    assertThat(run.err())
        .isEqualTo(
            log
                + """
                : 48 lines: 29 recognised, 1 joined to the line before, 18 skipped (18 unknown, 0 unusable)
                recognised:
                  RLIMIT_MEMLOCK exceeded 1
                  VFIO_MAP_DMA failed 1
                  vfio_dma_map 1
                  vfio_listener_region_add_ram 10
                  vfio_listener_region_add_skip 8
                  vfio_listener_region_del 5
                  vfio_listener_region_del_skip 1
                  vfio_realize 2
                wrote %s: 23 events, 1 task, 4 memory regions
                """
                    .formatted(out));
  }

  @Test
  void theImportedTraceValidatesWithoutFindings() throws Exception {
    Path out = directory.resolve("trace.pb");
    CliRun.of(
        "import",
        "qemu-log",
        resource("importer/two-containers-rlimit.log").toString(),
        "-o",
        out.toString());

    CliRun validate = CliRun.of("validate", out.toString());

    assertThat(validate.out()).endsWith("findings: none\n");
    assertThat(validate.code()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void verboseListsTheFirstSkippedLines() throws IOException {
    Path log =
        Files.writeString(
            directory.resolve("q.log"),
            """
            vfio_device_attach  (0000:01:00.0) group 7
            vfio_listener_region_add_ram region_add [ram] 0x2000 - 0x1fff [0x7f0000000000]
            something else
            vfio_listener_region_del region_del 1000 - 1fff
            """);

    CliRun run =
        CliRun.of(
            "import",
            "qemu-log",
            log.toString(),
            "-o",
            directory.resolve("t.json").toString(),
            "-v");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err())
        .contains(
            """
            unusable lines (first 10):
              line 2: vfio_listener_region_add_ram: end 0x1fff is below start 0x2000
              line 4: vfio_listener_region_del: does not match "region_del 0x%x - 0x%x"
            unknown lines (first 10): 3
            """);
  }

  @Test
  void aLogWithNothingRecognisedExits65WithOneLine() throws IOException {
    Path log = Files.writeString(directory.resolve("boot.log"), "Linux version 6.12\nhello\n");
    Path out = directory.resolve("t.json");

    CliRun run = CliRun.of("import", "qemu-log", log.toString(), "-o", out.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: "
                + log
                + ": no QEMU VFIO or iommufd line recognised in 2 lines"
                + " (see docs/import.md for the formats read)\n");
    assertThat(out).doesNotExist();
    assertThat(directory).isDirectoryNotContaining(path -> !path.equals(log));
  }

  @Test
  void aMissingLogExits66() {
    Path log = directory.resolve("missing.log");

    CliRun run =
        CliRun.of(
            "import", "qemu-log", log.toString(), "-o", directory.resolve("t.json").toString());

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("vfio-migrate: " + log + ": no such file\n");
  }

  @Test
  void badOptionsExit64NamingTheOption() throws IOException {
    Path log = Files.writeString(directory.resolve("q.log"), "vfio_device_attach  (x) group 1\n");
    String out = directory.resolve("t.json").toString();

    assertThat(CliRun.of("import", "qemu-log", log.toString(), "-o", out, "--backing", "MMIO"))
        .isEqualTo(
            new CliRun(
                ExitCodes.USAGE,
                "",
                "vfio-migrate: import: --backing: unknown backing \"MMIO\" (ANON, THP, HUGETLB_2M"
                    + " or HUGETLB_1G) (see 'vfio-migrate import --help')\n"));
    assertThat(CliRun.of("import", "qemu-log", log.toString(), "-o", out, "--memlock", "-1"))
        .isEqualTo(
            new CliRun(
                ExitCodes.USAGE,
                "",
                "vfio-migrate: --memlock: invalid size \"-1\": a size cannot be negative\n"));
    assertThat(CliRun.of("import", "qemu-log", log.toString(), "-o", out, "--uid", "root").err())
        .isEqualTo(
            "vfio-migrate: import: --uid: invalid id \"root\" (0 to 4294967295)"
                + " (see 'vfio-migrate import --help')\n");
    assertThat(CliRun.of("import", "strace", log.toString(), "-o", out).err())
        .isEqualTo(
            "vfio-migrate: import: expected 'qemu-log FILE', got strace "
                + log
                + " (see 'vfio-migrate import --help')\n");
    assertThat(CliRun.of("import", "qemu-log", log.toString()).code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void theOutputNeverReplacesTheLog() throws IOException {
    Path log = Files.writeString(directory.resolve("q.json"), "vfio_device_attach  (x) group 1\n");

    CliRun run = CliRun.of("import", "qemu-log", log.toString(), "-o", log.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(Files.readString(log)).isEqualTo("vfio_device_attach  (x) group 1\n");
  }

  @Test
  void theBundledExampleImports() throws IOException {
    Path out = directory.resolve("t.json");

    CliRun run =
        CliRun.of(
            "import",
            "qemu-log",
            Path.of("..", "examples", "qemu", "passthrough-vm.log").toString(),
            "-o",
            out.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(CliRun.of("validate", out.toString()).out()).endsWith("findings: none\n");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(ImportCommandTest.class.getClassLoader().getResource(name), name)
            .toURI());
  }
}
