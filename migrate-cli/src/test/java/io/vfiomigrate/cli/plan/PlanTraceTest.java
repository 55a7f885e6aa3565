package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.testing.ProductionApp;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code plan FILE} on the examples with the real type1-legacy model and vfio_compat adapter: the
 * exact figures, and each minimum checked against the replay command ({@link MinimumCheck}).
 */
final class PlanTraceTest {
  @TempDir Path scratch;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // example, libvirt's limit, minimum (type1 and compat alike), step of the minimum
        "cap-ipc-lock-vm, 1342177280, 0, -",
        "passthrough-vgpu-hotplug, 2147483648, 1073741824, 3",
        "passthrough-vm, 2147483648, 1073741824, 4",
        "rlimit-memlock-failure, 1082130432, 4509696, 6",
        "two-vms-one-uid, 5368709120, 4294967296, 4",
        "v1-legacy-unmaps, 1082130432, 2097152, 4",
        "vgpu-vm, 3221225472, 24576, 7"
      })
  void eachExampleNeedsWhatTheReplaysShow(String example, long libvirt, long minimum, Long step) {
    Path trace = Traces.EXAMPLES.resolve(example + ".json");

    PlanJsonResult plan =
        PlanJsonResult.run(ProductionApp.create(), "--models", "type1,compat", trace.toString());

    assertThat(plan.libvirtLimitBytes()).hasValue(libvirt);
    for (PlanModel model : new PlanModel[] {PlanModel.TYPE1, PlanModel.COMPAT}) {
      PlanJsonResult.Model planned = plan.model(model.id());
      assertThat(planned.minMemlockBytes()).isEqualTo(minimum);
      assertThat(planned.highWaterStep())
          .isEqualTo(step == null ? OptionalLong.empty() : OptionalLong.of(step));
      assertThat(planned.libvirtSuffices()).isTrue();
      MinimumCheck.assertSmallestWorkingLimit(trace, model, planned, scratch);
    }
  }

  @Test
  void theHumanFormNamesTheTaskTheStepAndTheRoomLeft() {
    CliRun run =
        CliRun.of("plan", "--models", "type1,compat", example("two-vms-one-uid").toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .isEqualTo(
            """
            memlock plan for ../examples/two-vms-one-uid.json
            libvirt sets 5 GiB (5368709120 bytes) for pids 5000, 5001: 1 x 4 GiB of guest memory + 1 GiB (1 VFIO device, once together)

            model     minimum RLIMIT_MEMLOCK  step  libvirt's limit
            type1   4 GiB (4294967296 bytes)     4  suffices: type1 needs 4 GiB for pid 5000 at step 4; libvirt sets 5 GiB: 1 GiB to spare
            compat  4 GiB (4294967296 bytes)     4  suffices: compat needs 4 GiB for pid 5000 at step 4; libvirt sets 5 GiB: 1 GiB to spare
            """);
  }

  @Test
  void type1CountsButNeverChecksACapIpcLockTask() {
    PlanJsonResult plan =
        PlanJsonResult.run(
            ProductionApp.create(),
            "--models",
            "type1,compat",
            example("cap-ipc-lock-vm").toString());

    assertThat(plan.model("type1").reason())
        .isEqualTo(
            "type1 charges nothing it checks against RLIMIT_MEMLOCK; pid 4600 has CAP_IPC_LOCK:"
                + " its VmLck reaches 256 MiB at step 3 unchecked");
    assertThat(plan.model("compat").reason())
        .isEqualTo("compat charges nothing it checks against RLIMIT_MEMLOCK");
  }

  @Test
  void aRecordedEnomemIsReplayedPastToFindTheLimitThatAvoidsIt() {
    PlanJsonResult plan =
        PlanJsonResult.run(
            ProductionApp.create(),
            "--models",
            "type1",
            "--hard-limit",
            "4096000",
            example("rlimit-memlock-failure").toString());

    assertThat(plan.model("type1"))
        .isEqualTo(
            new PlanJsonResult.Model(
                "type1",
                4509696,
                false,
                "type1 needs 4 MiB + 308 KiB for pid 4500 at step 6; libvirt sets 3 MiB + 928 KiB:"
                    + " 404 KiB short",
                OptionalLong.of(6)));
  }

  @Test
  void libvirtOnlyOptionsApplyToEveryVmOfATrace() {
    PlanJsonResult plan =
        PlanJsonResult.run(
            ProductionApp.create(),
            "--models",
            "type1",
            "--nvme",
            "1",
            "--vdpa",
            "1",
            example("passthrough-vm").toString());

    assertThat(plan.libvirtLimitBytes()).hasValue(4L << 30);
  }

  @Test
  void aTraceHasAVirtualIommuWhenAProcessHoldsSeveralContainers() {
    Path viommu = scratch.resolve("viommu.json");
    CliRun.of(
        "plan", "--ram", "1GiB", "--hostdevs", "2", "--viommu", "--trace-out", viommu.toString());

    assertThat(
            PlanJsonResult.run(ProductionApp.create(), "--models", "type1", viommu.toString())
                .libvirtLimitBytes())
        .hasValue(3L << 30);
    assertThat(
            PlanJsonResult.run(
                    ProductionApp.create(),
                    "--models",
                    "type1",
                    example("passthrough-vgpu-hotplug").toString())
                .libvirtLimitBytes())
        .hasValue(2L << 30);
  }

  @Test
  void aKernelBugEndsThatModelsReplayOnlyAndIsReportedOnStderr() throws IOException {
    Path trace = scratch.resolve("ignoring-driver.json");
    Files.writeString(
        trace,
        MessageFiles.toJson(
            Traces.trace(
                "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
                "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\":"
                    + " \"EMULATED\", \"onUnmap\": \"IGNORE\"}}",
                "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1V2\"}}",
                Traces.map(0, 1 << 20),
                "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"4096\", \"npage\": 2,"
                    + " \"read\": true, \"write\": true}}",
                Traces.unmap(0, 1 << 20),
                Traces.map(1 << 20, 1 << 20))));

    CliRun run = CliRun.of("plan", "--models", "type1,compat", "--json", trace.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).startsWith("vfio-migrate: " + trace + ": type1: kernel BUG in ");
    assertThat(run.err()).endsWith("; its figures stop at step 5\n");
    PlanJsonResult plan = PlanJsonResult.parse(run.out());
    assertThat(plan.model("type1").minMemlockBytes()).isEqualTo(8192);
    assertThat(plan.model("compat").minMemlockBytes()).isEqualTo(8192);
  }

  private static Path example(String name) {
    return Traces.EXAMPLES.resolve(name + ".json");
  }
}
