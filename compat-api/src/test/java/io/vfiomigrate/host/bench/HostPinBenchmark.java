package io.vfiomigrate.host.bench;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.Mm;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.PhysicalMemory;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GUP-style pin and unpin of a whole region, run by run, as the backends do it. Reports the
 * time per region; divide by the page count printed in docs/performance.md for ns/page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HostPinBenchmark {
  /** The region pinned: backing and size. */
  @Param({"HUGETLB_1G:1099511627776", "THP:68719476736", "ANON:1073741824"})
  public String region;

  private Host host;
  private Mm mm;
  private long vaddr;
  private long npages;

  @Setup(Level.Trial)
  public void setUp() {
    String[] parts = region.split(":");
    Backing backing = Backing.valueOf(parts[0]);
    long size = Long.parseLong(parts[1]);
    vaddr = 1L << 40;
    npages = size / HostConfig.PAGE_SIZE;
    host = new Host(HostConfig.builder()
        .task(TaskSpec.of(1, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(1, vaddr, size, backing))
        .build());
    mm = host.task(1).mm();
  }

  @Benchmark
  public long pinThenUnpinRegion() {
    return pinAndUnpin(host.memory(), mm, vaddr, npages);
  }

  /** Pins the region run by run, then unpins each run; returns the runs seen. */
  static long pinAndUnpin(PhysicalMemory memory, Mm mm, long vaddr, long npages) {
    List<PfnRun> runs = new ArrayList<>();
    long done = 0;
    while (done < npages) {
      PfnRun run = memory.pinUserPages(mm, vaddr + done * HostConfig.PAGE_SIZE, npages - done, true);
      runs.add(run);
      done += run.npages();
    }
    for (PfnRun run : runs) {
      memory.unpinPages(run.pfn(), run.npages());
    }
    return runs.size();
  }
}
