package io.vfiomigrate.iommufd.bench;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.device.AccessOps;
import io.vfiomigrate.iommufd.device.IommufdAccess;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 100 000 single-page {@code iommufd_access_pin_pages} of distinct pages of one area, then as
 * many unpins: the xarray tier. Without a domain each pin pins from the task's memory; with
 * one the PFN is read back from the domain. Scores are per page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class AccessPinBench {
  static final int PINS = 100_000;
  private static final long P = BenchHosts.P;

  @Param({"false", "true"})
  public boolean domain;

  private IommufdAccess access;
  private boolean pinned;

  @Setup(Level.Trial)
  public void setUp() {
    Host host = BenchHosts.host(Backing.ANON, PINS * P);
    IommufdContext ctx = IommufdContext.open(host);
    int ioas = domain ? BenchHosts.ioasWithTwoDomains(ctx) : ctx.ioasAlloc();
    ctx.ioasMap(host.task(BenchHosts.PID),
        IoasMapRequest.fixed(ioas, BenchHosts.VADDR, PINS * P, BenchHosts.VADDR));
    access = ctx.accessCreate(new AccessOps() {
      @Override
      public boolean needsPinPages() {
        return true;
      }

      @Override
      public void unmap(IommufdAccess unused, long iova, long length) {}
    });
    access.attach(ioas);
  }

  @Setup(Level.Invocation)
  public void reset() {
    if (pinned) {
      unpinAll();
    }
  }

  @Benchmark
  @OperationsPerInvocation(PINS)
  public void pin() {
    for (long i = 0; i < PINS; i++) {
      access.pinPages(BenchHosts.VADDR + i * P, P, true);
    }
    pinned = true;
  }

  /** Unpins what {@link #pin} pinned; its setup pins them first. */
  @State(Scope.Thread)
  public static class Pinned {
    @Param({"false", "true"})
    public boolean domain;

    AccessPinBench bench;

    @Setup(Level.Trial)
    public void setUp() {
      bench = new AccessPinBench();
      bench.domain = domain;
      bench.setUp();
    }

    @Setup(Level.Invocation)
    public void pinAll() {
      bench.pin();
    }
  }

  @Benchmark
  @OperationsPerInvocation(PINS)
  public void unpin(Pinned state) {
    state.bench.unpinAll();
  }

  void unpinAll() {
    for (long i = 0; i < PINS; i++) {
      access.unpinPages(BenchHosts.VADDR + i * P, P);
    }
    pinned = false;
  }
}
