package io.vfiomigrate.iommufd.bench;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.context.IommufdContext;

/** The hosts and contexts the benchmarks and the footprint report run on. */
public final class BenchHosts {
  static final long P = 4096;
  static final int PID = 1;
  static final long VADDR = 1L << 40;
  /** Groups 1 and 2 sit behind two incompatible x86 IOMMUs: two domains per IOAS. */
  static final int GROUP_A = 1;
  static final int GROUP_B = 2;

  /** The memory of a map benchmark. */
  public enum Memory {
    HUGETLB_1G_1TIB(Backing.HUGETLB_1G, 1L << 40),
    THP_64GIB(Backing.THP, 64L << 30),
    ANON_4GIB(Backing.ANON, 4L << 30);

    final Backing backing;
    final long bytes;

    Memory(Backing backing, long bytes) {
      this.backing = backing;
      this.bytes = bytes;
    }

    long pages() {
      return bytes / P;
    }
  }

  private BenchHosts() {}

  /** One unlimited task with {@code bytes} of {@code backing} at {@link #VADDR}. */
  static Host host(Backing backing, long bytes) {
    return new Host(HostConfig.builder()
        .task(TaskSpec.of(PID, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(PID, VADDR, bytes, backing))
        .groupIommu(GROUP_A, IommuSpec.defaults())
        .groupIommu(GROUP_B, IommuSpec.defaults().named("iommu-b"))
        .build());
  }

  /** An IOAS of {@code ctx} with a domain for each of the two groups. */
  static int ioasWithTwoDomains(IommufdContext ctx) {
    int ioas = ctx.ioasAlloc();
    ctx.deviceAttach(ctx.deviceBind(GROUP_A), ioas);
    ctx.deviceAttach(ctx.deviceBind(GROUP_B), ioas);
    return ioas;
  }
}
