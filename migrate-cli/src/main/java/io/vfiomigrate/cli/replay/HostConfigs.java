package io.vfiomigrate.cli.replay;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.proto.IommuConfig;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.TraceFormatException;
import java.util.List;

/**
 * Builds the simulated host of a replay from a trace header, the same for every backend so that
 * they meet identical page frames.
 *
 * <ul>
 *   <li>Tasks keep pid, uid, RLIMIT_MEMLOCK and CAP_IPC_LOCK, and get CAP_SYS_RESOURCE, as in the
 *       oracle (IOMMU_OPTION_RLIMIT_MODE needs it).
 *   <li>Memory regions keep their backing; an unspecified backing is ANON.
 *   <li>IOMMU-capable groups sit behind one Intel VT-d-like IOMMU: the header's page sizes and
 *       aperture where given (trace-format defaults otherwise: 4K|2M|1G, the whole 64-bit space),
 *       the x86 MSI window 0xfee00000-0xfeefffff reserved, maps without permission refused.
 *   <li>{@code dmaEntryLimit} is type1's module parameter (default 65535).
 * </ul>
 */
public final class HostConfigs {
  private HostConfigs() {}

  /**
   * @throws TraceFormatException MALFORMED_INPUT naming the header field that no host can have
   */
  public static HostConfig fromHeader(TraceHeader header, String file) {
    HostConfig.Builder builder = HostConfig.builder();
    for (Task task : header.getTasksList()) {
      builder.task(
          new TaskSpec(
              task.getPid(),
              task.getUid(),
              task.getMemlockLimit(),
              task.getMemlockUnlimited(),
              task.getCapIpcLock(),
              true));
    }
    for (MemoryRegion region : header.getMemoryList()) {
      builder.region(
          new RegionSpec(
              region.getPid(),
              region.getVaddr(),
              region.getSize(),
              backing(region),
              region.getReadOnly()));
    }
    try {
      builder.iommu(iommu(header.getIommu()));
      IommuConfig iommu = header.getIommu();
      if (iommu.hasDmaEntryLimit()) {
        if (iommu.getDmaEntryLimit() < 0) {
          throw new IllegalArgumentException("iommu.dmaEntryLimit: above 2^31 - 1");
        }
        builder.dmaEntryLimit(iommu.getDmaEntryLimit());
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw malformed(file, e.getMessage());
    }
  }

  private static IommuSpec iommu(IommuConfig config) {
    IommuSpec defaults = IommuSpec.defaults();
    return new IommuSpec(
        defaults.name(),
        config.hasPgsizeBitmap() ? config.getPgsizeBitmap() : defaults.pgsizeBitmap(),
        config.hasApertureStart() ? config.getApertureStart() : defaults.apertureStart(),
        config.hasApertureLast() ? config.getApertureLast() : defaults.apertureLast(),
        List.of(IommuSpec.X86_MSI_WINDOW),
        defaults.rejectsNoAccessMaps());
  }

  private static Backing backing(MemoryRegion region) {
    return switch (region.getBacking()) {
      case BACKING_UNSPECIFIED, ANON, UNRECOGNIZED -> Backing.ANON;
      case THP -> Backing.THP;
      case HUGETLB_2M -> Backing.HUGETLB_2M;
      case HUGETLB_1G -> Backing.HUGETLB_1G;
      case MMIO -> Backing.MMIO;
    };
  }

  /** HostConfig's messages start with the field path: {@code memory[2].vaddr: detail}. */
  private static TraceFormatException malformed(String file, String message) {
    int colon = message.indexOf(": ");
    if (colon > 0 && !message.substring(0, colon).contains(" ")) {
      return TraceFormatException.malformed(
          file, "header", message.substring(0, colon), message.substring(colon + 2));
    }
    return TraceFormatException.malformed(file, "header", null, message);
  }
}
