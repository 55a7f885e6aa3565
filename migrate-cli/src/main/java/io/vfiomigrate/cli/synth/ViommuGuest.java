package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A guest with a vIOMMU: QEMU gives each of the {@code --devices} passthrough devices its own
 * container (one address space per device) and maps only what the guest's DMA API maps, buffers of
 * 1 to 16 pages at IOVAs the guest allocates, unmapped again when the DMA completes. At most {@link
 * #LIVE} buffers are live per device. The trace has exactly {@code --events} events.
 */
final class ViommuGuest implements Scenario {
  static final int LIVE = 256;
  static final int MAX_PAGES = 16;
  static final long IOVA_BASE = 1L << 32;

  @Override
  public String name() {
    return "viommu";
  }

  @Override
  public String summary() {
    return "vIOMMU guest: one container per device, guest DMA map/unmap of small buffers";
  }

  @Override
  public Set<SynthOption> options() {
    return EnumSet.of(
        SynthOption.DEVICES,
        SynthOption.RAM,
        SynthOption.BACKING,
        SynthOption.EVENTS,
        SynthOption.MEMLOCK);
  }

  @Override
  public TraceHeader header(SynthParams params) {
    return Headers.singleGuest(
        params,
        "synthetic vIOMMU guest: "
            + Headers.ram(params)
            + ", "
            + params.devices()
            + " device(s) with a container each, "
            + params.events()
            + " events");
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    Guest guest = Headers.guest(params);
    int pid = guest.pid;
    int devices = params.devices();
    CountingSink counted = new CountingSink(sink);
    List<List<long[]>> live = new ArrayList<>();
    long[] nextIova = new long[devices];
    for (int d = 0; d < devices; d++) {
      counted.accept(Events.open(pid, d + 1));
      counted.accept(Events.attach(pid, d + 1, VmBoot.FIRST_GROUP + d, GroupKind.IOMMU));
      counted.accept(Events.setIommu(pid, d + 1));
      live.add(new ArrayList<>());
      nextIova[d] = IOVA_BASE;
    }
    SplittableRandom random = new SplittableRandom(params.seed());
    long churn = params.events() - counted.count() - 2L * devices;
    for (long i = 0; i < churn; i++) {
      int d = random.nextInt(devices);
      List<long[]> buffers = live.get(d);
      boolean map = buffers.isEmpty() || buffers.size() < LIVE && random.nextInt(100) < 55;
      if (map) {
        long pages = 1 + random.nextInt(MAX_PAGES);
        long page = random.nextLong(guest.pages() - pages);
        long iova = nextIova[d];
        nextIova[d] += pages * Guest.PAGE;
        buffers.add(new long[] {iova, pages * Guest.PAGE});
        counted.accept(Events.map(pid, d + 1, guest.vaddr(page), iova, pages * Guest.PAGE));
      } else {
        int index = random.nextInt(buffers.size());
        long[] buffer = buffers.get(index);
        buffers.set(index, buffers.get(buffers.size() - 1));
        buffers.remove(buffers.size() - 1);
        counted.accept(Events.unmap(pid, d + 1, buffer[0], buffer[1]));
      }
    }
    for (int d = 0; d < devices; d++) {
      VmBoot.shutdown(pid, d + 1, counted);
    }
  }
}
