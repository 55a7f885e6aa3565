package io.vfiomigrate.type1;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import java.lang.ref.Reference;
import java.util.Random;

/**
 * Measures model state: the retained heap of the {@code vfio_pfn} tree per externally pinned
 * page, and the objects and heap a whole-guest mapping costs. Retained heap is the used heap
 * after full collections before and after building the state, with the inputs kept reachable
 * throughout. Not a test; run it by hand (see docs/perf/type1-legacy.md), best with {@code
 * -XX:+UseSerialGC}.
 *
 * <p>vfio_pfn patterns: KVMGT-style (100 000 pins of random pages of a 4 GiB guest, every 20th a
 * repeat, so 95 000 entries), ascending (100 000 consecutive pages) and, for context, the whole
 * model through the public API for the KVMGT pattern, which also counts the host's per-page pin
 * segments (compat-api's state, not type1's). Whole-guest mappings: 1 TiB of 1 GiB pages and 64
 * GiB of THP into two domains.
 */
public final class Type1Footprint {
  private static final int PINS = 100_000;
  private static final long GUEST_PAGES = 1L << 20;

  private Type1Footprint() {}

  public static void main(String[] args) throws InterruptedException {
    long[] kvmgt = kvmgtSequence(new Random(42));
    measureTree("kvmgt (random, 5% repeats)", kvmgt);
    long[] ascending = new long[PINS];
    for (int i = 0; i < PINS; i++) {
      ascending[i] = i;
    }
    measureTree("ascending", ascending);
    measureModel(kvmgt);
    measureGuest(Backing.HUGETLB_1G, 1L << 40);
    measureGuest(Backing.THP, 64L << 30);
  }

  private static long[] kvmgtSequence(Random random) {
    long[] pages = new long[PINS];
    boolean[] used = new boolean[(int) GUEST_PAGES];
    for (int i = 0; i < PINS; i++) {
      if (i % 20 == 19) {
        pages[i] = pages[random.nextInt(i)];
        continue;
      }
      int page;
      do {
        page = random.nextInt((int) GUEST_PAGES);
      } while (used[page]);
      used[page] = true;
      pages[i] = page;
    }
    return pages;
  }

  private static void measureTree(String name, long[] pages) throws InterruptedException {
    long before = usedHeap();
    VfioPfnTree tree = new VfioPfnTree();
    for (long page : pages) {
      if (tree.pfnAt(page) >= 0) {
        tree.ref(page);
      } else {
        tree.insert(page, 0x100000 + page);
      }
    }
    long after = usedHeap();
    Reference.reachabilityFence(tree);
    Reference.reachabilityFence(pages);
    System.out.printf("%-28s entries %6d leaves %5d retained %9d bytes = %.1f bytes/entry%n",
        name, tree.size(), tree.leafCount(), after - before,
        (after - before) / (double) tree.size());
  }

  private static void measureModel(long[] pages) throws InterruptedException {
    Host host = new Host(HostConfig.builder()
        .task(TaskSpec.of(100, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(100, 1L << 40, GUEST_PAGES * 4096, Backing.THP))
        .build());
    Task task = host.task(100);
    Type1Container container = new Type1Backend(host).openContainer(task);
    VfioDevice device = container.attachEmulatedGroup(task, 10, (d, iova, length) -> { });
    container.setIommu(task, IommuType.TYPE1V2);
    container.mapDma(task, DmaMapRequest.of(1L << 40, 0, GUEST_PAGES * 4096, true, true));
    long before = usedHeap();
    for (long page : pages) {
      device.pinPages(page * 4096, 1, Prot.READ_WRITE);
    }
    long after = usedHeap();
    Reference.reachabilityFence(container);
    Reference.reachabilityFence(device);
    Reference.reachabilityFence(pages);
    System.out.printf("%-28s pinned %6d pages, host segments %6d, retained %9d bytes = %.1f"
        + " bytes/page (type1 tree + host pin counts)%n", "whole model (kvmgt)",
        host.memory().pinnedPages(), host.memory().pinSegments(), after - before,
        (after - before) / (double) host.memory().pinnedPages());
  }

  private static void measureGuest(Backing backing, long size) throws InterruptedException {
    Host host = new Host(HostConfig.builder()
        .task(TaskSpec.of(100, 1000, 0).withUnlimitedMemlock())
        .region(RegionSpec.of(100, 1L << 40, size, backing))
        .groupIommu(2, IommuSpec.defaults().named("second-iommu"))
        .build());
    Task task = host.task(100);
    VfioContainer container = (VfioContainer) new Type1Backend(host).openContainer(task);
    container.attachIommuGroup(task, 1);
    container.attachIommuGroup(task, 2);
    container.setIommu(task, IommuType.TYPE1V2);
    long before = usedHeap();
    container.mapDma(task, DmaMapRequest.of(1L << 40, 1L << 41, size, true, true));
    long after = usedHeap();
    VfioIommu iommu = container.iommu().orElseThrow();
    VfioDma dma = iommu.dmas().first();
    System.out.printf("%-28s %d pages: %d vfio_dma, %d runs, domain entries %d + %d, host pin"
        + " segments %d, retained %d bytes%n", "map " + backing, dma.npages(),
        iommu.dmas().size(), dma.runs().count(), iommu.domains().get(0).domain().entryCount(),
        iommu.domains().get(1).domain().entryCount(), host.memory().pinSegments(),
        after - before);
    Reference.reachabilityFence(container);
  }

  private static long usedHeap() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
