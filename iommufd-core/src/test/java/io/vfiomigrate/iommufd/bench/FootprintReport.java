package io.vfiomigrate.iommufd.bench;

import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.iommufd.bench.BenchHosts.Memory;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.device.AccessOps;
import io.vfiomigrate.iommufd.device.IommufdAccess;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.iopt.IoPagetable;
import io.vfiomigrate.iommufd.iopt.IoptPages;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained heap of the model, measured with JOL's object graph walk (not estimated): the
 * iommufd state plus the IOMMU page tables after mapping each benchmark region into two
 * domains, and the xarray tier after 100 000 single-page access pins. Run with
 * {@code --add-opens java.base/java.util=ALL-UNNAMED
 * --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED}.
 */
public final class FootprintReport {
  private FootprintReport() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    System.out.println("| region | pages | objects | bytes | domain entries | areas |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (Memory memory : Memory.values()) {
      Host host = BenchHosts.host(memory.backing, memory.bytes);
      IommufdContext ctx = IommufdContext.open(host);
      int ioas = BenchHosts.ioasWithTwoDomains(ctx);
      ctx.ioasMap(host.task(BenchHosts.PID),
          IoasMapRequest.fixed(ioas, BenchHosts.VADDR, memory.bytes, BenchHosts.VADDR));
      GraphLayout model = GraphLayout.parseInstance(ctx).subtract(GraphLayout.parseInstance(host));
      IoPagetable iopt = ctx.ioas(ioas).iopt();
      long entries = 0;
      for (IommuDomain d : iopt.domains()) {
        entries += d.entryCount();
      }
      System.out.printf("| %s | %d | %d | %d | %d | %d |%n", memory, memory.pages(),
          model.totalCount(), model.totalSize(), entries, iopt.areaCount());
      ctx.close();
    }
    System.out.println();
    System.out.println("| backing | domain | pinned pages | xarray bytes | bytes/page"
        + " | access itree bytes/pin |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
    for (Backing backing : new Backing[] {Backing.ANON, Backing.THP}) {
      for (boolean domain : new boolean[] {false, true}) {
        xarrayFootprint(backing, domain);
      }
    }
  }

  private static void xarrayFootprint(Backing backing, boolean domain)
      throws ReflectiveOperationException {
    int pins = AccessPinBench.PINS;
    Host host = BenchHosts.host(backing, pins * BenchHosts.P);
    IommufdContext ctx = IommufdContext.open(host);
    int ioas = domain ? BenchHosts.ioasWithTwoDomains(ctx) : ctx.ioasAlloc();
    ctx.ioasMap(host.task(BenchHosts.PID),
        IoasMapRequest.fixed(ioas, BenchHosts.VADDR, pins * BenchHosts.P, BenchHosts.VADDR));
    IommufdAccess access = ctx.accessCreate(new AccessOps() {
      @Override
      public boolean needsPinPages() {
        return true;
      }

      @Override
      public void unmap(IommufdAccess unused, long iova, long length) {}
    });
    access.attach(ioas);
    for (long i = 0; i < pins; i++) {
      access.pinPages(BenchHosts.VADDR + i * BenchHosts.P, BenchHosts.P, false);
    }
    Set<IoptPages> all = Collections.newSetFromMap(new IdentityHashMap<>());
    ctx.ioas(ioas).iopt().collectPages(all);
    IoptPages pages = all.iterator().next();
    long xarray = GraphLayout.parseInstance(field(pages, "pinnedPfns")).totalSize();
    long itree = GraphLayout.parseInstance(field(pages, "accessItree")).totalSize();
    System.out.printf("| %s | %s | %d | %d | %.2f | %.1f |%n", backing, domain ? "2" : "none",
        pages.pinnedPfnCount(), xarray, (double) xarray / pins, (double) itree / pins);
  }

  /** The pages' internal tiers, reached by reflection for measurement only. */
  private static Object field(IoptPages pages, String name) throws ReflectiveOperationException {
    Field f = IoptPages.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(pages);
  }
}
