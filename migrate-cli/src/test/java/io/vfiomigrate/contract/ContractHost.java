package io.vfiomigrate.contract;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import java.util.List;

/**
 * The host of the contract scenarios, shaped like the oracle's (see
 * {@code src/test/resources/oracle/README.md}): a VT-d IOMMU with 4K|2M|1G pages, a 39-bit
 * aperture and the x86 MSI window reserved, which refuses maps without permissions; groups 12
 * and 13 behind it, groups 40 and 41 emulated; one task per accounting situation.
 */
final class ContractHost {
  static final long P = 4096;
  static final long MB = 1L << 20;
  static final int GROUP = 12;
  static final int GROUP2 = 13;
  static final int MDEV = 40;
  static final int MDEV2 = 41;

  /** The VMM: RLIMIT_MEMLOCK 16 MiB (4096 pages). */
  static final int PID = 100;
  /** RLIMIT_MEMLOCK 1000 pages (spec C8). */
  static final int PID_L1000 = 102;
  /** RLIMIT_MEMLOCK 2 pages (spec C3's over-limit pin). */
  static final int PID_L2 = 101;
  /** CAP_IPC_LOCK with RLIMIT_MEMLOCK 0 (spec C9). */
  static final int PID_IPC_LOCK = 103;
  /** Two processes of one user, 1024 pages each (spec C7, scaled). */
  static final int PID_A = 104;
  static final int PID_B = 105;

  /** 8 MiB of anonymous memory in every task. */
  static final long RAM = 0x7f0000000000L;
  static final long RAM_SIZE = 8 * MB;
  /** A 256-page BAR mmap (VM_PFNMAP) of {@link #PID}. */
  static final long BAR = 0x7f1000000000L;
  /** 16 RAM pages directly followed by 16 BAR pages, of {@link #PID} (spec C6). */
  static final long RAM_THEN_BAR = 0x7f2000000000L;
  /** A read-only mapping of {@link #PID}, 1 MiB. */
  static final long READ_ONLY = 0x7f3000000000L;

  static final IommuSpec VTD = new IommuSpec("vtd", IommuSpec.DEFAULT_PGSIZE_BITMAP, 0,
      (1L << 39) - 1, List.of(IommuSpec.X86_MSI_WINDOW), true);

  private ContractHost() {}

  static HostConfig config() {
    return config(HostConfig.DEFAULT_DMA_ENTRY_LIMIT);
  }

  static HostConfig config(int dmaEntryLimit) {
    HostConfig.Builder b = HostConfig.builder().iommu(VTD).dmaEntryLimit(dmaEntryLimit)
        .task(TaskSpec.of(PID, 1000, 4096 * P))
        .task(TaskSpec.of(PID_L2, 1001, 2 * P))
        .task(TaskSpec.of(PID_L1000, 1002, 1000 * P))
        .task(TaskSpec.of(PID_IPC_LOCK, 1003, 0).withCapIpcLock(true))
        .task(TaskSpec.of(PID_A, 1004, 1024 * P))
        .task(TaskSpec.of(PID_B, 1004, 1024 * P));
    for (int pid : new int[] {PID, PID_L2, PID_L1000, PID_IPC_LOCK, PID_A, PID_B}) {
      b.region(RegionSpec.of(pid, RAM, RAM_SIZE, Backing.ANON));
    }
    return b.region(RegionSpec.of(PID, BAR, MB, Backing.MMIO))
        .region(RegionSpec.of(PID, RAM_THEN_BAR, 16 * P, Backing.ANON))
        .region(RegionSpec.of(PID, RAM_THEN_BAR + 16 * P, 16 * P, Backing.MMIO))
        .region(new RegionSpec(PID, READ_ONLY, MB, Backing.ANON, true))
        .build();
  }
}
