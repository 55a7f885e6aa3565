package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.testing.ProductionApp;
import io.vfiomigrate.cli.testing.Traces;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code plan}'s errors: one line on stderr, nothing on stdout, the sysexits code. */
final class PlanErrorsTest {
  private static final String EXAMPLE = Traces.EXAMPLES.resolve("passthrough-vm.json").toString();

  @TempDir Path scratch;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "plan|plan: expected FILE or --ram SIZE (see 'vfio-migrate plan --help')",
        "plan --hostdevs 1|plan: a VM description needs --ram SIZE (see 'vfio-migrate plan"
            + " --help')",
        "plan FILE --ram 1GiB|plan: FILE and a VM description (--ram, --backing, --hostdevs,"
            + " --mdevs, --viommu, --vms, --same-uid, --trace-out) exclude each other (see"
            + " 'vfio-migrate plan --help')",
        "plan FILE --viommu|plan: FILE and a VM description (--ram, --backing, --hostdevs,"
            + " --mdevs, --viommu, --vms, --same-uid, --trace-out) exclude each other (see"
            + " 'vfio-migrate plan --help')",
        "plan FILE FILE|plan: expected at most one FILE, got 2 arguments (see 'vfio-migrate plan"
            + " --help')",
        "plan --ram 1GiB --backing mmio|plan: --backing: expected anon, thp, hugetlb-2m or"
            + " hugetlb-1g, got \"mmio\"",
        "plan --ram 8GB|--ram: invalid size \"8GB\": ambiguous unit GB (use KiB, MiB, GiB or TiB)",
        "plan --ram 0|plan: --ram: 0 bytes is not a non-zero multiple of 4096 for THP",
        "plan --backing hugetlb-1g --ram 3MiB --hostdevs 1|plan: --ram: 3145728 bytes"
            + " is not a non-zero multiple of 1073741824 for HUGETLB_1G",
        "plan --ram 1GiB --hard-limit -1|--hard-limit: invalid size \"-1\": a size cannot be"
            + " negative",
        "plan --ram 1GiB --vms 0|plan: --vms: expected a number from 1 to 1024, got \"0\" (see"
            + " 'vfio-migrate plan --help')",
        "plan --ram 1GiB --hostdevs two|plan: --hostdevs: expected a number from 0 to 4096, got"
            + " \"two\" (see 'vfio-migrate plan --help')",
        "plan --ram 512TiB --vms 2|plan: --ram x --vms exceeds the 512 TiB a host may describe",
        "plan --ram 1GiB --models type1,vfio|plan: --models: unknown model \"vfio\" (expected"
            + " type1, compat, iommufd-user or iommufd-mm)",
        "plan --ram 1GiB --models type1,type1|plan: --models: type1 is named twice",
        "plan --ram 1GiB --trace-out out.txt|out.txt: unknown output format: the name must end in"
            + " .json or .pb"
      })
  void usageErrorsExit64(String command, String message) {
    CliRun run = CliRun.of(command.replace("FILE", EXAMPLE).split(" "));

    assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("vfio-migrate: " + message + "\n");
  }

  @Test
  void anIommufdProgramExits65() {
    Path program = scratch.resolve("program.json");
    assertThat(CliRun.of("convert", EXAMPLE, "-o", program.toString()).code())
        .isEqualTo(ExitCodes.OK);

    CliRun run = CliRun.of("plan", program.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: " + program + ": is an iommufd program; plan needs a type1 trace\n");
  }

  @Test
  void aModelNamedButNotInTheBuildExits70() {
    CliRun run = CliRun.of(ProductionApp.withoutModels(), "plan", "--models", "compat", EXAMPLE);

    assertThat(run.code()).isEqualTo(ExitCodes.SOFTWARE);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: backend compat is not available in this build (iommufd-core's"
                + " vfio_compat adapter is not bound)\n");
  }

  @Test
  void withNoModelInTheBuildATraceCannotBePlanned() {
    CliRun run = CliRun.of(ProductionApp.withoutModels(), "plan", EXAMPLE);

    assertThat(run.code()).isEqualTo(ExitCodes.SOFTWARE);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: backend type1 is not available in this build (the type1-legacy model"
                + " is not bound)\n");
  }

  @Test
  void aVmDescriptionNeedsNoModelInTheBuild() {
    CliRun run =
        CliRun.of(ProductionApp.withoutModels(), "plan", "--ram", "1GiB", "--hostdevs", "1");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("iommufd-user  1 GiB (1073741824 bytes)");
  }
}
