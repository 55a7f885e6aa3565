package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vfiomigrate.cli.testing.ProductionApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A VM description's computed figures ({@link VmNeeds}) against a replay of the trace it stands for
 * ({@code --trace-out}): libvirt's limit, each model's minimum and verdict must be the same. type1
 * and compat replay on the real models now; the iommufd models once the iommufd-core integration is
 * bound.
 */
final class VmNeedsReplayTest {
  @TempDir Path scratch;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--ram 64MiB --hostdevs 1",
        "--ram 64MiB --hostdevs 2 --viommu",
        "--ram 64MiB --mdevs 3",
        "--ram 64MiB --hostdevs 1 --mdevs 2",
        "--ram 64MiB --hostdevs 2 --mdevs 1 --viommu --backing anon",
        "--ram 64MiB --hostdevs 1 --vms 3 --same-uid --hard-limit 128MiB",
        "--ram 64MiB --mdevs 1 --vms 2 --same-uid --viommu",
        "--ram 64MiB --hostdevs 1 --vms 2 --locked",
        "--ram 5GiB --hostdevs 1 --backing hugetlb-1g --nvme 1 --vdpa 1",
        "--ram 64MiB --nvme 1"
      })
  void type1AndCompatReplaysAgree(String description) {
    assertAgree(description, "type1,compat");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--ram 64MiB --hostdevs 1",
        "--ram 64MiB --hostdevs 2 --viommu",
        "--ram 64MiB --mdevs 3",
        "--ram 64MiB --hostdevs 1 --mdevs 2",
        "--ram 64MiB --hostdevs 2 --mdevs 1 --viommu --backing anon",
        "--ram 64MiB --hostdevs 1 --vms 3 --same-uid --hard-limit 128MiB",
        "--ram 64MiB --mdevs 1 --vms 2 --same-uid --viommu",
        "--ram 64MiB --hostdevs 1 --vms 2"
      })
  void iommufdReplaysAgree(String description) {
    assumeTrue(
        PlanIommufdTest.replayerBound(),
        "the native iommufd replayer (a ProgramReplayer in ModelsModule) is not bound yet");
    assertAgree(description, "iommufd-user,iommufd-mm");
  }

  private void assertAgree(String description, String models) {
    Path trace = scratch.resolve("vm.pb");
    List<String> args = new ArrayList<>(Arrays.asList(description.split(" ")));
    List<String> libvirtOnly = libvirtOnly(args);
    args.addAll(List.of("--models", models, "--trace-out", trace.toString()));
    PlanJsonResult computed =
        PlanJsonResult.run(ProductionApp.create(), args.toArray(String[]::new));
    libvirtOnly.addAll(List.of("--models", models, trace.toString()));

    PlanJsonResult replayed =
        PlanJsonResult.run(ProductionApp.create(), libvirtOnly.toArray(String[]::new));

    assertThat(replayed.libvirtLimitBytes()).isEqualTo(computed.libvirtLimitBytes());
    assertThat(replayed.libvirtLimit()).isEqualTo(computed.libvirtLimit());
    assertThat(replayed.models())
        .extracting(PlanJsonResult.Model::figures)
        .isEqualTo(computed.models().stream().map(PlanJsonResult.Model::figures).toList());
    assertThat(replayed.models())
        .extracting(m -> m.reason().replaceAll(" at step \\d+", ""))
        .isEqualTo(computed.models().stream().map(PlanJsonResult.Model::reason).toList());
  }

  /** The options a trace does not show: libvirt's NVMe, vDPA, hard limit and locked memory. */
  private static List<String> libvirtOnly(List<String> args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--nvme", "--vdpa", "--hard-limit" -> {
          kept.add(args.get(i));
          kept.add(args.get(i + 1));
        }
        case "--locked" -> kept.add(args.get(i));
        default -> {
          // Shown by the trace itself.
        }
      }
    }
    return kept;
  }
}
