package io.vfiomigrate.type1.bench;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.type1.Type1Backend;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * KVMGT-style churn in a vGPU-only container (no IOMMU-capable domain, so every first pin of a
 * page is charged): 100 000 single-page vfio_pin_pages calls at random guest pages of a 4 GiB
 * guest, 5 % of them repeats of a page already pinned, then one UNMAP_DMA whose dma_unmap
 * callback makes the driver unpin all of them. Divide by {@link #PINS} for ns per pin or unpin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KvmgtChurnBenchmark {
  public static final int PINS = 100_000;
  private static final long P = 4096;
  private static final long GUEST = 4L << 30;
  private static final long VADDR = 1L << 40;
  private static final long IOVA = 0;
  private static final int PID = 100;

  private final ChurnDriver driver = new ChurnDriver();
  private Type1Container container;
  private VfioDevice device;
  private Task task;
  private long[] iovas;

  @Setup(Level.Trial)
  public void setUp() {
    Host host = new Host(HostConfig.builder()
        .task(TaskSpec.of(PID, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(PID, VADDR, GUEST, Backing.THP))
        .build());
    task = host.task(PID);
    container = new Type1Backend(host).openContainer(task);
    device = container.attachEmulatedGroup(task, 10, driver);
    container.setIommu(task, IommuType.TYPE1V2);
    iovas = pinSequence(new Random(42));
  }

  /** Every 20th pin repeats an earlier page; the others are fresh random pages. */
  static long[] pinSequence(Random random) {
    long pages = GUEST / P;
    long[] sequence = new long[PINS];
    boolean[] used = new boolean[(int) pages];
    for (int i = 0; i < PINS; i++) {
      if (i % 20 == 19) {
        sequence[i] = sequence[random.nextInt(i)];
        continue;
      }
      int page;
      do {
        page = random.nextInt((int) pages);
      } while (used[page]);
      used[page] = true;
      sequence[i] = IOVA + page * P;
    }
    return sequence;
  }

  /** Maps the guest (nothing is pinned without a domain) before each measured call. */
  @Setup(Level.Invocation)
  public void mapGuest() {
    container.mapDma(task, DmaMapRequest.of(VADDR, IOVA, GUEST, true, true));
  }

  /** Leaves nothing pinned or mapped after each measured call. */
  @TearDown(Level.Invocation)
  public void unmapGuest() {
    container.unmapDma(task, DmaUnmapRequest.unmapAll());
  }

  /** The pins alone (unpinned by the teardown's unmap). */
  @Benchmark
  public int pin() {
    for (long iova : iovas) {
      driver.pin(device, iova);
    }
    return driver.count;
  }

  /** The pins, then the unmap whose callback unpins them. */
  @Benchmark
  public long pinThenUnmap() {
    for (long iova : iovas) {
      driver.pin(device, iova);
    }
    return container.unmapDma(task, DmaUnmapRequest.range(IOVA, GUEST));
  }

  /** A driver that, like KVMGT's GGTT cache, remembers each single-page pin it holds. */
  static final class ChurnDriver implements MdevDriver {
    private long[] pinned = new long[1024];
    private int count;

    void pin(VfioDevice device, long iova) {
      device.pinPages(iova, 1, Prot.READ_WRITE);
      if (count == pinned.length) {
        pinned = Arrays.copyOf(pinned, count * 2);
      }
      pinned[count++] = iova;
    }

    @Override
    public void dmaUnmap(VfioDevice device, long iova, long length) {
      int kept = 0;
      for (int i = 0; i < count; i++) {
        long pin = pinned[i];
        if (Long.compareUnsigned(pin - iova, length) < 0) {
          device.unpinPages(pin, 1);
        } else {
          pinned[kept++] = pin;
        }
      }
      count = kept;
    }
  }
}
