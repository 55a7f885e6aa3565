package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import org.junit.jupiter.api.Test;

/**
 * {@code plan} of VM descriptions through the command line: libvirt's figures, each model's minimum
 * and the verdicts. That the minima agree with replays of the described trace is {@link
 * VmNeedsReplayTest}'s.
 */
final class PlanDescriptionTest {
  @Test
  void oneHostdevOnA1GiBGuestGetsLibvirtsGoldenLimit() {
    CliRun run = CliRun.of("plan", "--ram", "1GiB", "--hostdevs", "1", "--json");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .isEqualTo(
            """
            {
              "libvirtLimitBytes": 2147483648,
              "libvirtLimit": "set",
              "models": [
                {
                  "model": "type1",
                  "minMemlockBytes": 1073741824,
                  "libvirtSuffices": true,
                  "reason": "type1 needs 1 GiB for pid 5000; libvirt sets 2 GiB: 1 GiB to spare",
                  "highWaterStep": null
                },
                {
                  "model": "compat",
                  "minMemlockBytes": 1073741824,
                  "libvirtSuffices": true,
                  "reason": "compat needs 1 GiB for pid 5000; libvirt sets 2 GiB: 1 GiB to spare",
                  "highWaterStep": null
                },
                {
                  "model": "iommufd-user",
                  "minMemlockBytes": 1073741824,
                  "libvirtSuffices": true,
                  "reason": "iommufd-user needs 1 GiB for uid 107 (pid 5000); libvirt sets 2 GiB: 1 GiB to spare",
                  "highWaterStep": null
                },
                {
                  "model": "iommufd-mm",
                  "minMemlockBytes": 1073741824,
                  "libvirtSuffices": true,
                  "reason": "iommufd-mm needs 1 GiB for pid 5000; libvirt sets 2 GiB: 1 GiB to spare",
                  "highWaterStep": null
                }
              ]
            }
            """);
  }

  @Test
  void anNvmeDiskAddsACopyOfGuestRamToLibvirtsLimitOnly() {
    CliRun run =
        CliRun.of("plan", "--ram", "1GiB", "--hostdevs", "1", "--nvme", "1", "--models", "type1");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo(
            """
            memlock plan for VM description
            libvirt sets 3 GiB (3221225472 bytes) for pid 5000: 2 x 1 GiB of guest memory + 1 GiB (1 VFIO device, once together; 1 NVMe disk)

            model    minimum RLIMIT_MEMLOCK  step  libvirt's limit
            type1  1 GiB (1073741824 bytes)     -  suffices: type1 needs 1 GiB for pid 5000; libvirt sets 3 GiB: 2 GiB to spare
            """);
  }

  @Test
  void vmsOfOneUidAddUpOnlyInIommufdUserAccounting() {
    CliRun run =
        CliRun.of(
            "plan",
            "--ram",
            "4GiB",
            "--hostdevs",
            "1",
            "--vms",
            "2",
            "--same-uid",
            "--backing",
            "hugetlb-1g");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo(
            """
            memlock plan for VM description
            libvirt sets 5 GiB (5368709120 bytes) for pids 5000, 5001: 1 x 4 GiB of guest memory + 1 GiB (1 VFIO device, once together)

            model           minimum RLIMIT_MEMLOCK  step  libvirt's limit
            type1         4 GiB (4294967296 bytes)     -  suffices: type1 needs 4 GiB for pid 5000; libvirt sets 5 GiB: 1 GiB to spare
            compat        4 GiB (4294967296 bytes)     -  suffices: compat needs 4 GiB for pid 5000; libvirt sets 5 GiB: 1 GiB to spare
            iommufd-user  8 GiB (8589934592 bytes)     -  SHORT: iommufd-user needs 8 GiB for uid 107 (pids 5000, 5001); libvirt sets 5 GiB: 3 GiB short
            iommufd-mm    4 GiB (4294967296 bytes)     -  suffices: iommufd-mm needs 4 GiB for pid 5000; libvirt sets 5 GiB: 1 GiB to spare
            """);
  }

  @Test
  void vmsOfTheirOwnUidsAreCheckedOneByOne() {
    CliRun run =
        CliRun.of(
            "plan",
            "--ram",
            "4GiB",
            "--hostdevs",
            "1",
            "--vms",
            "3",
            "--models",
            "iommufd-user",
            "--json");

    assertThat(run.out())
        .contains("\"minMemlockBytes\": 4294967296", "\"libvirtSuffices\": true")
        .contains("iommufd-user needs 4 GiB for uid 107 (pid 5000); libvirt sets 5 GiB");
  }

  @Test
  void aVirtualIommuPinsGuestRamOncePerPassthroughDevice() {
    CliRun run =
        CliRun.of(
            "plan",
            "--ram",
            "8GiB",
            "--hostdevs",
            "2",
            "--viommu",
            "--models",
            "type1,iommufd-user",
            "--json");

    assertThat(run.out())
        .contains("\"libvirtLimitBytes\": 18253611008", "\"minMemlockBytes\": 17179869184")
        .contains("type1 needs 16 GiB for pid 5000; libvirt sets 17 GiB: 1 GiB to spare");
  }

  @Test
  void withoutAVirtualIommuAllDevicesShareOneCopyOfGuestRam() {
    CliRun run =
        CliRun.of(
            "plan",
            "--ram",
            "8GiB",
            "--hostdevs",
            "3",
            "--mdevs",
            "2",
            "--models",
            "compat",
            "--json");

    assertThat(run.out())
        .contains("\"libvirtLimitBytes\": 9663676416", "\"minMemlockBytes\": 8589934592");
  }

  @Test
  void mdevsAloneChargeOnlyThePagesTheyPin() {
    CliRun run = CliRun.of("plan", "--ram", "2GiB", "--mdevs", "2", "--models", "type1", "--json");

    assertThat(run.out())
        .contains("\"libvirtLimitBytes\": 3221225472", "\"minMemlockBytes\": 67108864")
        .contains("type1 needs 64 MiB for pid 5000; libvirt sets 3 GiB: 2.9 GiB to spare");
  }

  @Test
  void mdevsBehindAVirtualIommuEachCountForLibvirtButPinOnlyTheirPages() {
    CliRun run =
        CliRun.of(
            "plan",
            "--ram",
            "1GiB",
            "--hostdevs",
            "1",
            "--mdevs",
            "1",
            "--viommu",
            "--models",
            "iommufd-mm",
            "--json");

    assertThat(run.out())
        .contains("\"libvirtLimitBytes\": 3221225472", "\"minMemlockBytes\": 1107296256")
        .contains("iommufd-mm needs 1 GiB + 32 MiB for pid 5000");
  }

  @Test
  void aHardLimitThatIsTooSmallIsShortByTheExactAmount() {
    CliRun run =
        CliRun.of(
            "plan",
            "--ram",
            "3GiB",
            "--hostdevs",
            "1",
            "--hard-limit",
            "0xbffff000",
            "--models",
            "type1",
            "--json");

    assertThat(run.out())
        .contains("\"libvirtLimitBytes\": 3221221376", "\"libvirtSuffices\": false")
        .contains(
            "type1 needs 3 GiB for pid 5000; libvirt sets 2 GiB + 1023 MiB + 1020 KiB:"
                + " 4 KiB short");
  }

  @Test
  void lockedMemoryIsUnlimited() {
    CliRun run =
        CliRun.of(
            "plan", "--ram", "1GiB", "--hostdevs", "1", "--locked", "--models", "type1", "--json");

    assertThat(run.out())
        .contains("\"libvirtLimitBytes\": null", "\"libvirtLimit\": \"unlimited\"")
        .contains("type1 needs 1 GiB for pid 5000; libvirt sets no limit (locked memory)")
        .contains("\"libvirtSuffices\": true");
  }

  @Test
  void aVmWithoutDevicesNeedsNothingAndLibvirtLeavesItsLimit() {
    CliRun run = CliRun.of("plan", "--ram", "1GiB", "--models", "type1");

    assertThat(run.out())
        .isEqualTo(
            """
            memlock plan for VM description
            libvirt leaves RLIMIT_MEMLOCK alone for pid 5000: no VFIO device, NVMe disk or vDPA device

            model  minimum RLIMIT_MEMLOCK  step  libvirt's limit
            type1           0 B (0 bytes)     -  suffices: type1 charges nothing it checks against RLIMIT_MEMLOCK
            """);
  }

  @Test
  void theBackingDoesNotChangeAnyFigure() {
    String thp = CliRun.of("plan", "--ram", "2GiB", "--hostdevs", "1", "--json").out();

    for (String backing : new String[] {"anon", "hugetlb-2m", "HUGETLB-1G"}) {
      assertThat(
              CliRun.of("plan", "--ram", "2GiB", "--hostdevs", "1", "--backing", backing, "--json")
                  .out())
          .isEqualTo(thp);
    }
  }
}
