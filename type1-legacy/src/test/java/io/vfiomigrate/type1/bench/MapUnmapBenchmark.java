package io.vfiomigrate.type1.bench;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.type1.Type1Backend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * MAP_DMA and UNMAP_DMA of a whole guest (1 TiB of 1 GiB pages, or 64 GiB of transparent huge
 * pages) in a container with two incompatible IOMMU domains: every run is pinned and charged
 * once and mapped twice. Divide the time per operation by {@link #pages()} for ns/page.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MapUnmapBenchmark {
  private static final long P = 4096;
  private static final long VADDR = 1L << 40;
  private static final long IOVA = 1L << 41;
  private static final int PID = 100;

  /** HUGETLB_1G for 1 TiB, THP for 64 GiB. */
  @Param({"HUGETLB_1G", "THP"})
  public Backing backing;

  private Type1Container container;
  private Task task;
  private long size;

  @Setup(Level.Trial)
  public void setUp() {
    size = backing == Backing.HUGETLB_1G ? 1L << 40 : 64L << 30;
    Host host = new Host(HostConfig.builder()
        .task(TaskSpec.of(PID, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(PID, VADDR, size, backing))
        .groupIommu(2, IommuSpec.defaults().named("second-iommu"))
        .build());
    task = host.task(PID);
    container = new Type1Backend(host).openContainer(task);
    container.attachIommuGroup(task, 1);
    container.attachIommuGroup(task, 2);
    container.setIommu(task, IommuType.TYPE1V2);
  }

  public long pages() {
    return size / P;
  }

  /** Map alone; the mapping is removed outside the measurement. */
  @Benchmark
  public void map(Unmapped state) {
    container.mapDma(task, DmaMapRequest.of(VADDR, IOVA, size, true, true));
  }

  /** Unmap alone; the mapping is made outside the measurement. */
  @Benchmark
  public long unmap(Mapped state) {
    return container.unmapDma(task, DmaUnmapRequest.range(IOVA, size));
  }

  /** Removes what {@link #map} mapped after each call. */
  @State(Scope.Thread)
  public static class Unmapped {
    @TearDown(Level.Invocation)
    public void unmap(MapUnmapBenchmark bench) {
      bench.container.unmapDma(bench.task, DmaUnmapRequest.unmapAll());
    }
  }

  /** Maps what {@link #unmap} removes before each call. */
  @State(Scope.Thread)
  public static class Mapped {
    @Setup(Level.Invocation)
    public void map(MapUnmapBenchmark bench) {
      bench.container.mapDma(bench.task, DmaMapRequest.of(VADDR, IOVA, bench.size, true, true));
    }
  }
}
