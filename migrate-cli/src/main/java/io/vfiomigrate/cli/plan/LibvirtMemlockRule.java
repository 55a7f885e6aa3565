package io.vfiomigrate.cli.plan;

import static java.util.Objects.requireNonNull;

/**
 * The RLIMIT_MEMLOCK libvirt 11.3 computes for a QEMU domain ({@code
 * qemuDomainGetMemLockLimitBytes}, every architecture except PPC64), in libvirt's order:
 *
 * <ol>
 *   <li>a {@code hard_limit} wins;
 *   <li>{@code <locked/>} memory means unlimited;
 *   <li>no VFIO hostdev (PCI or mdev), NVMe disk or vDPA device: libvirt leaves the limit alone;
 *   <li>otherwise {@code factor × guest memory + 1 GiB}, where every NVMe disk and every vDPA
 *       device counts once, and the VFIO hostdevs count once all together, or once each when the
 *       domain has a vIOMMU (each device then gets its own container and pins guest RAM again).
 * </ol>
 *
 * <p>libvirt works in KiB: guest memory is rounded up to whole KiB, as its XML parser does, and the
 * 1 GiB is its fixed allowance for MMIO regions.
 */
public final class LibvirtMemlockRule {
  private static final long KIB = 1024;
  private static final long MMIO_ALLOWANCE_KIB = 1024 * 1024;

  private LibvirtMemlockRule() {}

  /**
   * @throws ArithmeticException if the limit does not fit in 63 bits
   */
  public static MemlockLimit limit(DomainMemlockInputs domain) {
    requireNonNull(domain, "domain is null");
    if (domain.hardLimitBytes().isPresent()) {
      return new MemlockLimit.Bytes(domain.hardLimitBytes().getAsLong());
    }
    if (domain.locked()) {
      return new MemlockLimit.Unlimited();
    }
    long factor = factor(domain);
    if (factor == 0) {
      return new MemlockLimit.Unchanged();
    }
    long memoryKib =
        domain.guestMemoryBytes() / KIB + (domain.guestMemoryBytes() % KIB == 0 ? 0 : 1);
    long limitKib = Math.addExact(Math.multiplyExact(factor, memoryKib), MMIO_ALLOWANCE_KIB);
    return new MemlockLimit.Bytes(Math.multiplyExact(limitKib, KIB));
  }

  /** How many copies of guest memory the domain may lock, before the 1 GiB allowance. */
  static long factor(DomainMemlockInputs domain) {
    int vfioCopies = domain.vfioHostdevs() == 0 ? 0 : domain.viommu() ? domain.vfioHostdevs() : 1;
    return (long) domain.vdpaDevices() + domain.nvmeDisks() + vfioCopies;
  }
}
