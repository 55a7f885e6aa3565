package io.vfiomigrate.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.testing.FakeBackends;
import io.vfiomigrate.cli.testing.ProductionApp;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ReplayCommandTest {
  private static final String VGPU = Traces.EXAMPLES.resolve("vgpu-vm.json").toString();

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({
    "type1, the type1-legacy model is not bound",
    "compat, iommufd-core's vfio_compat adapter is not bound",
    "iommufd, no ProgramReplayer is bound: the iommufd-core integration is missing"
  })
  void aBackendThatIsNotBuiltInIsUnavailable(String backend, String why) {
    CliRun run = CliRun.of(ProductionApp.withoutModels(), "replay", "--backend", backend, VGPU);

    assertThat(run.code()).isEqualTo(ExitCodes.SOFTWARE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: backend " + backend + " is not available in this build (" + why + ")\n");
  }

  @Test
  void theJsonIsTheReplayResultOfTheEngine() {
    CliRun run = CliRun.of(FakeBackends.app(), "replay", "--backend", "type1", "--json", VGPU);

    Type1Trace trace = MessageFiles.read(Path.of(VGPU), Type1Trace.getDefaultInstance());
    ContainerReplay engine =
        new ContainerReplay(
            new io.vfiomigrate.cli.testing.FakeBackendFactory(
                "type1", false, FakeBackends.FAILING_MAP, false),
            HostConfigs.fromHeader(trace.getHeader(), VGPU),
            VGPU);
    ReplayResult.Builder expected = ReplayResult.newBuilder().setBackend("type1");
    for (int i = 0; i < trace.getEventsCount(); i++) {
      expected.addSteps(engine.apply(new IndexedEvent(i, trace.getEvents(i))));
    }
    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo(MessageFiles.toJson(expected.build()));
  }

  @Test
  void theTableShowsEveryStepWithItsEventAndTheFinalCounters() {
    CliRun run = CliRun.of(FakeBackends.app(), "replay", "--backend", "type1", VGPU);

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).isEqualTo("replay of " + VGPU + " on type1");
    assertThat(lines[1])
        .isEqualTo(
            "  step  errno       unmapped                  pid 4300 VmLck/VmPin  uid 108 locked "
                + " pinned/refs   event");
    assertThat(lines[5])
        .isEqualTo(
            "     3  OK          -                         524288/0              0              "
                + " 0/0           mapDma c1 iova 0x0 size 2 GiB (524288 pages) vaddr 0x7f0000000000"
                + " rw");
    assertThat(lines[13]).contains("2 GiB (524288 pages)").endsWith("unmapDma c1 ALL");
    assertThat(run.out())
        .endsWith(
            "after the last step (peak in brackets):\n"
                + "  pid 4300 VmLck 0 B (0 pages) [2 GiB (524288 pages) at step 3]\n"
                + "  pid 4300 VmPin 0 B (0 pages) [0 B (0 pages) at step 0]\n"
                + "  uid 108 locked_vm 0 B (0 pages) [0 B (0 pages) at step 0]\n"
                + "  pinned pages 0 B (0 pages) [0 B (0 pages) at step 0]\n"
                + "  pin references 0 [0 at step 0]\n");
  }

  @Test
  void aKernelBugEndsTheReplayWithOneLine() throws IOException {
    Path trace = directory.resolve("bug.json");
    Files.writeString(
        trace,
        MessageFiles.toJson(
            Traces.trace(
                "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
                "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\":"
                    + " \"EMULATED\"}}",
                "{\"pid\": 100, \"dmaRw\": {\"group\": 40, \"iova\": \"0\", \"length\": \"13\"}}",
                "{\"pid\": 100, \"containerClose\": {\"container\": 1}}")),
        StandardCharsets.UTF_8);

    CliRun run =
        CliRun.of(FakeBackends.app(), "replay", "--backend", "iommufd", "--json", trace.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: "
                + trace
                + ": kernel BUG in fake_rw: asked to crash; the replay stops there\n");
    ReplayResult result = MessageFiles.read(write(run.out()), ReplayResult.getDefaultInstance());
    assertThat(result.getStepsList())
        .extracting(StepResult::getErrno)
        .containsExactly("OK", "OK", "BUG");
  }

  @Test
  void aProgramReplaysOnIommufdOnly() {
    Path program = directory.resolve("p.json");
    CliRun.of("convert", VGPU, "-o", program.toString());

    CliRun wrong =
        CliRun.of(FakeBackends.app(), "replay", "--backend", "type1", program.toString());
    CliRun right =
        CliRun.of(FakeBackends.app(), "replay", "--backend", "iommufd", program.toString());

    assertThat(wrong.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(wrong.err())
        .isEqualTo(
            "vfio-migrate: replay: "
                + program
                + " is an iommufd program, which replays on --backend iommufd only\n");
    assertThat(right.code()).isEqualTo(ExitCodes.OK);
    assertThat(right.out()).contains("accessDestroy+close");
  }

  @Test
  void anOpNoReplayCanPerformIsMalformedInput() throws IOException {
    Path program = directory.resolve("p.json");
    CliRun.of("convert", VGPU, "-o", program.toString());
    String json = Files.readString(program, StandardCharsets.UTF_8);
    Files.writeString(
        program, json.replaceFirst("\\{\"pid\":4300,", "{\"pid\":9,"), StandardCharsets.UTF_8);
    Path trace = directory.resolve("t.json");
    Files.writeString(
        trace,
        MessageFiles.toJson(
            Traces.trace(
                "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
                "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}")),
        StandardCharsets.UTF_8);

    CliRun badPid = CliRun.of("replay", "--backend", "iommufd", program.toString());
    CliRun reopened = CliRun.of("replay", "--backend", "iommufd", trace.toString());

    assertThat(badPid.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(badPid.err())
        .isEqualTo(
            "vfio-migrate: "
                + program
                + ": op 0: field pid: unknown pid 9 (not in header tasks)\n");
    assertThat(reopened.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(reopened.err())
        .isEqualTo(
            "vfio-migrate: " + trace + ": event 1: field open.ctx: context 1 is already open\n");
  }

  @Test
  void usageErrors() {
    assertThat(CliRun.of("replay", VGPU).err())
        .isEqualTo(
            "vfio-migrate: replay: missing --backend type1|compat|iommufd (see 'vfio-migrate replay"
                + " --help')\n");
    CliRun unknown = CliRun.of("replay", "--backend", "type2", VGPU);
    assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err())
        .isEqualTo(
            "vfio-migrate: --backend: unknown backend \"type2\" (expected type1, compat,"
                + " iommufd)\n");
    assertThat(CliRun.of("replay", "--backend", "type1", "--accounting", "mm", VGPU).err())
        .isEqualTo("vfio-migrate: replay: --accounting applies to --backend iommufd only\n");
  }

  private Path write(String json) throws IOException {
    Path file = directory.resolve("result.json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }
}
