package io.vfiomigrate.iommufd.bench;

import io.vfiomigrate.host.Host;
import io.vfiomigrate.iommufd.bench.BenchHosts.Memory;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
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
 * IOMMU_IOAS_MAP and IOMMU_IOAS_UNMAP of a whole region into an IOAS with two domains: pin,
 * map into both domains, charge; then unmap both, unpin, uncharge. One operation per
 * iteration (single shot); divide by the region's pages for ns/page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
public class MapUnmapBench {
  @Param({"HUGETLB_1G_1TIB", "THP_64GIB", "ANON_4GIB"})
  public Memory memory;

  private Host host;
  private IommufdContext ctx;
  private int ioas;
  private boolean mapped;

  @Setup(Level.Trial)
  public void setUpHost() {
    host = BenchHosts.host(memory.backing, memory.bytes);
    ctx = IommufdContext.open(host);
    ioas = BenchHosts.ioasWithTwoDomains(ctx);
  }

  @Setup(Level.Invocation)
  public void setUpInvocation() {
    if (mapped) {
      ctx.ioasUnmap(ioas, 0, -1L);
      mapped = false;
    }
  }

  @Benchmark
  public long map() {
    mapped = true;
    return ctx.ioasMap(host.task(BenchHosts.PID),
        IoasMapRequest.fixed(ioas, BenchHosts.VADDR, memory.bytes, BenchHosts.VADDR));
  }

  /** Unmap of the whole region; its setup maps it first. */
  @State(Scope.Thread)
  public static class Mapped {
    @Param({"HUGETLB_1G_1TIB", "THP_64GIB", "ANON_4GIB"})
    public Memory memory;

    Host host;
    IommufdContext ctx;
    int ioas;

    @Setup(Level.Trial)
    public void setUpHost() {
      host = BenchHosts.host(memory.backing, memory.bytes);
      ctx = IommufdContext.open(host);
      ioas = BenchHosts.ioasWithTwoDomains(ctx);
    }

    @Setup(Level.Invocation)
    public void map() {
      ctx.ioasMap(host.task(BenchHosts.PID),
          IoasMapRequest.fixed(ioas, BenchHosts.VADDR, memory.bytes, BenchHosts.VADDR));
    }
  }

  @Benchmark
  public long unmap(Mapped state) {
    return state.ctx.ioasUnmap(state.ioas, 0, -1L);
  }
}
