package io.vfiomigrate.cli.plan;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.synth.RamBacking;
import io.vfiomigrate.proto.Backing;

/**
 * {@code --vms} identical VMs, one QEMU process each: guest RAM and its backing, passthrough
 * devices (one IOMMU group each), mdevs (one emulated group each), whether a vIOMMU gives every
 * device its own container, whether all VMs run as one uid, and what only libvirt's rule reads.
 */
public record VmDescription(
    long ramBytes,
    Backing backing,
    int hostdevs,
    int mdevs,
    boolean viommu,
    int vms,
    boolean sameUid,
    LibvirtOptions libvirt) {
  static final int MAX_DEVICES = 4096;
  static final int MAX_VMS = 1024;

  /**
   * @throws UsageException naming the option that no VM can have
   */
  public VmDescription {
    requireNonNull(backing, "backing is null");
    requireNonNull(libvirt, "libvirt is null");
    long alignment = RamBacking.alignment(backing);
    if (ramBytes == 0 || ramBytes % alignment != 0) {
      throw new UsageException(
          "plan: --ram: "
              + ramBytes
              + " bytes is not a non-zero multiple of "
              + alignment
              + " for "
              + backing);
    }
    if (vms < 1 || vms > MAX_VMS) {
      throw new UsageException("plan: --vms: expected 1 to " + MAX_VMS + ", got " + vms);
    }
    if (ramBytes > RamBacking.MAX_TOTAL_RAM / vms) {
      throw new UsageException("plan: --ram x --vms exceeds the 512 TiB a host may describe");
    }
  }

  /** The domain libvirt sees for each of the VMs. */
  public DomainMemlockInputs domain() {
    return libvirt.domain(ramBytes, hostdevs + mdevs, viommu);
  }

  /** Guest RAM in pages. */
  long ramPages() {
    return ramBytes / VmTrace.PAGE;
  }

  /**
   * The distinct guest pages each mdev pins: the working set of a KVMGT vGPU (synth's {@code
   * kvmgt-churn}, 32 MiB), or an equal share of a smaller guest so that no two mdevs share a page.
   */
  long pagesPerMdev() {
    return mdevs == 0 ? 0 : Math.min(VmTrace.MDEV_WORKING_SET, ramPages() / mdevs);
  }
}
