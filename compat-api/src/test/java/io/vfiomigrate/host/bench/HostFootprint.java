package io.vfiomigrate.host.bench;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.Mm;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;

/**
 * Prints the model state that pinning whole regions leaves behind: pin-count segments and the
 * retained heap growth measured with {@link Runtime} after repeated GCs. Run with
 * {@code bin/bench compat-api --main io.vfiomigrate.host.bench.HostFootprint}.
 */
public final class HostFootprint {
  private HostFootprint() {}

  public static void main(String[] args) {
    report(Backing.HUGETLB_1G, 1L << 40);
    report(Backing.THP, 64L << 30);
    report(Backing.ANON, 1L << 30);
  }

  private static void report(Backing backing, long size) {
    long before = usedHeap();
    long vaddr = 1L << 40;
    Host host = new Host(HostConfig.builder()
        .task(TaskSpec.of(1, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(1, vaddr, size, backing))
        .build());
    Mm mm = host.task(1).mm();
    long npages = size / HostConfig.PAGE_SIZE;
    long runs = 0;
    for (long done = 0; done < npages; runs++) {
      PfnRun run = host.memory().pinUserPages(mm, vaddr + done * HostConfig.PAGE_SIZE,
          npages - done, true);
      done += run.npages();
    }
    long after = usedHeap();
    System.out.printf("%-10s %8d GiB %10d pages %8d runs %4d pin segments %8d bytes of host state%n",
        backing, size >> 30, npages, runs, host.memory().pinSegments(), after - before);
    if (host.memory().pinnedPages() != npages) {
      throw new AssertionError("pinned " + host.memory().pinnedPages());
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
