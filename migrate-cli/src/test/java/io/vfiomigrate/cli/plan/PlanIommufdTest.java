package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Guice;
import com.google.inject.Stage;
import io.vfiomigrate.cli.CliModule;
import io.vfiomigrate.cli.ModelsModule;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.testing.ProductionApp;
import io.vfiomigrate.cli.testing.Traces;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code plan FILE} on the examples with the real iommufd-core models, USER and MM accounting, each
 * minimum checked against the replay command ({@link MinimumCheck}). Runs once the native iommufd
 * replayer is bound in {@code ModelsModule}; until then every test is skipped, saying so.
 */
final class PlanIommufdTest {
  @TempDir Path scratch;

  /** Whether the production wiring has a native iommufd replayer. */
  static boolean replayerBound() {
    return Guice.createInjector(Stage.PRODUCTION, new CliModule(), new ModelsModule())
        .getInstance(Backends.class)
        .available(Backends.IOMMUFD);
  }

  @BeforeEach
  void needsTheReplayer() {
    assumeTrue(
        replayerBound(),
        "the native iommufd replayer (a ProgramReplayer in ModelsModule) is not bound yet");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // example, iommufd-user minimum and step, iommufd-mm minimum and step (C1, C3, C7, C9)
        "cap-ipc-lock-vm, 0, -, 0, -",
        "passthrough-vgpu-hotplug, 1073741824, 3, 1073741824, 3",
        "passthrough-vm, 1073741824, 4, 1073741824, 4",
        "rlimit-memlock-failure, 4509696, 6, 4509696, 6",
        "two-vms-one-uid, 8589934592, 9, 4294967296, 4",
        "v1-legacy-unmaps, 2097152, 4, 2097152, 4",
        "vgpu-vm, 24576, 7, 24576, 7"
      })
  void eachExampleNeedsWhatTheReplaysShow(
      String example, long user, Long userStep, long mm, Long mmStep) {
    Path trace = Traces.EXAMPLES.resolve(example + ".json");

    PlanJsonResult plan =
        PlanJsonResult.run(
            ProductionApp.create(), "--models", "iommufd-user,iommufd-mm", trace.toString());

    assertThat(plan.model("iommufd-user").minMemlockBytes()).isEqualTo(user);
    assertThat(plan.model("iommufd-user").highWaterStep()).isEqualTo(optional(userStep));
    assertThat(plan.model("iommufd-mm").minMemlockBytes()).isEqualTo(mm);
    assertThat(plan.model("iommufd-mm").highWaterStep()).isEqualTo(optional(mmStep));
    MinimumCheck.assertSmallestWorkingLimit(
        trace, PlanModel.IOMMUFD_USER, plan.model("iommufd-user"), scratch);
    MinimumCheck.assertSmallestWorkingLimit(
        trace, PlanModel.IOMMUFD_MM, plan.model("iommufd-mm"), scratch);
  }

  @Test
  void twoVmsOfOneUidOutgrowLibvirtsLimitOnlyInUserAccounting() {
    PlanJsonResult plan =
        PlanJsonResult.run(
            ProductionApp.create(), Traces.EXAMPLES.resolve("two-vms-one-uid.json").toString());

    assertThat(plan.models())
        .extracting(PlanJsonResult.Model::reason)
        .containsExactly(
            "type1 needs 4 GiB for pid 5000 at step 4; libvirt sets 5 GiB: 1 GiB to spare",
            "compat needs 4 GiB for pid 5000 at step 4; libvirt sets 5 GiB: 1 GiB to spare",
            "iommufd-user needs 8 GiB for uid 107 (pids 5000, 5001) at step 9; libvirt sets 5"
                + " GiB: 3 GiB short",
            "iommufd-mm needs 4 GiB for pid 5000 at step 4; libvirt sets 5 GiB: 1 GiB to spare");
  }

  private static OptionalLong optional(Long step) {
    return step == null ? OptionalLong.empty() : OptionalLong.of(step);
  }
}
