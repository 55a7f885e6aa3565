package io.vfiomigrate.cli.plan;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.OptionalLong;

/**
 * What libvirt's memlock rule reads from the domain XML that no trace shows: NVMe disks, vDPA
 * devices, {@code <memtune><hard_limit>} and {@code <memoryBacking><locked/>}. Given on the command
 * line; they apply to every VM of the plan.
 */
public record LibvirtOptions(
    int nvmeDisks, int vdpaDevices, OptionalLong hardLimitBytes, boolean locked) {
  public LibvirtOptions {
    checkArgument(nvmeDisks >= 0, "nvmeDisks is negative");
    checkArgument(vdpaDevices >= 0, "vdpaDevices is negative");
  }

  /** The domain of a VM with {@code guestMemoryBytes} and its VFIO hostdevs, with these options. */
  public DomainMemlockInputs domain(long guestMemoryBytes, int vfioHostdevs, boolean viommu) {
    DomainMemlockInputs domain =
        DomainMemlockInputs.guest(guestMemoryBytes)
            .withVfioHostdevs(vfioHostdevs)
            .withViommu(viommu)
            .withNvmeDisks(nvmeDisks)
            .withVdpaDevices(vdpaDevices)
            .withLocked(locked);
    return hardLimitBytes.isPresent() ? domain.withHardLimit(hardLimitBytes.getAsLong()) : domain;
  }
}
