package io.vfiomigrate.cli.plan;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.OptionalLong;

/**
 * What libvirt's memlock rule looks at in a domain definition.
 *
 * @param guestMemoryBytes initial memory plus memory devices (DIMMs), not {@code maxMemory}
 * @param hardLimitBytes {@code <memtune><hard_limit>}, when set
 * @param locked {@code <memoryBacking><locked/>}
 * @param vfioHostdevs hostdevs that are PCI or mdev
 * @param nvmeDisks disks whose source chain has NVMe ({@code <disk type='nvme'>})
 * @param vdpaDevices {@code <interface type='vdpa'>} plus vhost-vdpa disk sources
 * @param viommu the domain has an {@code <iommu>}
 */
public record DomainMemlockInputs(
    long guestMemoryBytes,
    OptionalLong hardLimitBytes,
    boolean locked,
    int vfioHostdevs,
    int nvmeDisks,
    int vdpaDevices,
    boolean viommu) {
  public DomainMemlockInputs {
    checkArgument(guestMemoryBytes >= 0, "guestMemoryBytes is negative");
    checkArgument(
        hardLimitBytes.isEmpty() || hardLimitBytes.getAsLong() >= 0, "hardLimitBytes is negative");
    checkArgument(vfioHostdevs >= 0, "vfioHostdevs is negative");
    checkArgument(nvmeDisks >= 0, "nvmeDisks is negative");
    checkArgument(vdpaDevices >= 0, "vdpaDevices is negative");
  }

  /** A domain with {@code guestMemoryBytes} of RAM, no memtune, and no devices yet. */
  public static DomainMemlockInputs guest(long guestMemoryBytes) {
    return new DomainMemlockInputs(guestMemoryBytes, OptionalLong.empty(), false, 0, 0, 0, false);
  }

  public DomainMemlockInputs withVfioHostdevs(int count) {
    return new DomainMemlockInputs(
        guestMemoryBytes, hardLimitBytes, locked, count, nvmeDisks, vdpaDevices, viommu);
  }

  public DomainMemlockInputs withNvmeDisks(int count) {
    return new DomainMemlockInputs(
        guestMemoryBytes, hardLimitBytes, locked, vfioHostdevs, count, vdpaDevices, viommu);
  }

  public DomainMemlockInputs withVdpaDevices(int count) {
    return new DomainMemlockInputs(
        guestMemoryBytes, hardLimitBytes, locked, vfioHostdevs, nvmeDisks, count, viommu);
  }

  public DomainMemlockInputs withViommu(boolean present) {
    return new DomainMemlockInputs(
        guestMemoryBytes, hardLimitBytes, locked, vfioHostdevs, nvmeDisks, vdpaDevices, present);
  }

  public DomainMemlockInputs withHardLimit(long bytes) {
    return new DomainMemlockInputs(
        guestMemoryBytes,
        OptionalLong.of(bytes),
        locked,
        vfioHostdevs,
        nvmeDisks,
        vdpaDevices,
        viommu);
  }

  public DomainMemlockInputs withLocked(boolean lockedMemory) {
    return new DomainMemlockInputs(
        guestMemoryBytes,
        hardLimitBytes,
        lockedMemory,
        vfioHostdevs,
        nvmeDisks,
        vdpaDevices,
        viommu);
  }
}
