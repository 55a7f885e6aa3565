package io.vfiomigrate.cli.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.MessageFiles;
import io.vfiomigrate.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class SynthCommandTest {
  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({
    "vm-boot, --devices=3, 9",
    "kvmgt-churn, --events=5000, 5000",
    "ccw, --events=5000, 5000",
    "ap, --events=5000, 4999",
    "hotplug, --cycles=5, 107",
    "multi-vm, --vms=3, 21",
    "viommu, --events=5000, 5000"
  })
  void everyScenarioIsDeterministicAndValid(String scenario, String option, long events)
      throws IOException {
    Path first = directory.resolve("a.pb");
    Path second = directory.resolve("b.pb");
    Path other = directory.resolve("c.pb");

    CliRun run =
        CliRun.of("synth", "--scenario", scenario, option, "--seed", "7", "-o", first.toString());
    CliRun.of("synth", "--scenario", scenario, option, "--seed", "7", "-o", second.toString());
    CliRun.of("synth", "--scenario", scenario, option, "--seed", "8", "-o", other.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: synth: "
                + scenario
                + ": "
                + events
                + " events written to "
                + first
                + "\n");
    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
    if (!List.of("vm-boot", "multi-vm").contains(scenario)) {
      assertThat(Files.readAllBytes(first)).isNotEqualTo(Files.readAllBytes(other));
    }
    CliRun validate = CliRun.of("validate", first.toString());
    assertThat(validate.out()).endsWith("findings: none\n");
    assertThat(validate.code()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aTebibyteGuestOnGiganticPagesIsAHandfulOfEvents() {
    Path trace = directory.resolve("boot.json");

    CliRun.of(
        "synth",
        "--scenario",
        "vm-boot",
        "--ram",
        "1T",
        "--backing",
        "hugetlb-1g",
        "--devices",
        "2",
        "-o",
        trace.toString());

    Type1Trace read = MessageFiles.read(trace, Type1Trace.getDefaultInstance());
    assertThat(read.getHeader().getMemory(0).getSize()).isEqualTo(1L << 40);
    assertThat(read.getHeader().getTasks(0).getMemlockLimit()).isEqualTo((1L << 40) + (1L << 30));
    assertThat(read.getEventsList())
        .extracting(
            e ->
                e.getOpCase().name()
                    + (e.hasMapDma()
                        ? " " + e.getMapDma().getIova() + "+" + e.getMapDma().getSize()
                        : ""))
        .containsExactly(
            "CONTAINEROPEN",
            "GROUPATTACH",
            "GROUPATTACH",
            "SETIOMMU",
            "MAPDMA 0+3221225472",
            "MAPDMA 4294967296+1096290402304",
            "UNMAPDMA",
            "CONTAINERCLOSE");
  }

  @Test
  void theChurnHasTheRequestedNumberOfEventsWithRepeatedPins() {
    Path trace = directory.resolve("churn.pb");

    CliRun.of("synth", "--scenario", "kvmgt-churn", "--events", "100000", "-o", trace.toString());

    Map<Type1Event.OpCase, Long> counts = new EnumMap<>(Type1Event.OpCase.class);
    java.util.Set<Long> pinned = new java.util.HashSet<>();
    long repeats = 0;
    try (TraceReader reader = TraceReader.open(trace)) {
      while (reader.hasNext()) {
        Type1Event event = reader.next().event();
        counts.merge(event.getOpCase(), 1L, Long::sum);
        if (event.hasPinPages()) {
          assertThat(event.getPinPages().getNpage()).isEqualTo(1);
          if (!pinned.add(event.getPinPages().getIova())) {
            repeats++;
          }
        }
      }
    }
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100_000);
    assertThat(counts.get(Type1Event.OpCase.PINPAGES) + counts.get(Type1Event.OpCase.UNPINPAGES))
        .isEqualTo(99_993);
    assertThat(repeats).isGreaterThan(1000);
  }

  @Test
  void usageErrors() {
    String out = directory.resolve("x.json").toString();
    assertThat(CliRun.of("synth", "-o", out).err())
        .isEqualTo(
            "vfio-migrate: synth: missing --scenario NAME (see 'vfio-migrate synth --help')\n");
    assertThat(CliRun.of("synth", "--scenario", "boot", "-o", out).err())
        .isEqualTo(
            "vfio-migrate: synth: --scenario: unknown scenario \"boot\" (expected one of vm-boot,"
                + " kvmgt-churn, ccw, ap, hotplug, multi-vm, viommu)\n");
    assertThat(CliRun.of("synth", "--scenario", "vm-boot", "--events", "9", "-o", out).err())
        .isEqualTo("vfio-migrate: synth: --events does not apply to scenario vm-boot\n");
    assertThat(
            CliRun.of(
                    "synth",
                    "--scenario",
                    "vm-boot",
                    "--ram",
                    "1G",
                    "--backing",
                    "hugetlb-2m",
                    "-o",
                    out)
                .code())
        .isEqualTo(ExitCodes.OK);
    assertThat(
            CliRun.of(
                    "synth",
                    "--scenario",
                    "vm-boot",
                    "--ram",
                    "3M",
                    "--backing",
                    "hugetlb-2m",
                    "-o",
                    out)
                .err())
        .isEqualTo(
            "vfio-migrate: synth: --ram: 3145728 bytes is not a non-zero multiple of 2097152 for"
                + " HUGETLB_2M up to 512 TiB\n");
    assertThat(CliRun.of("synth", "--scenario", "vm-boot", "--ram", "lots", "-o", out).err())
        .isEqualTo(
            "vfio-migrate: --ram: expected a size such as 4096, 64M, 16G or 1T, got \"lots\"\n");
    assertThat(CliRun.of("synth", "--scenario", "ccw", "--events", "3", "-o", out).err())
        .isEqualTo(
            "vfio-migrate: synth: --events: expected a number from 32 to 9223372036854775807, got"
                + " \"3\"\n");
    assertThat(CliRun.of("synth", "--scenario", "vm-boot", "stray", "-o", out).err())
        .isEqualTo(
            "vfio-migrate: synth: unexpected argument \"stray\" (see 'vfio-migrate synth"
                + " --help')\n");
  }
}
