package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A KVMGT vGPU (an mdev, no IOMMU group): the guest's graphics driver programs GGTT entries and the
 * mdev pins each target page on its own (single-page vfio_pin_pages) and unpins it when the entry
 * is replaced. Pages come from the GGTT-reachable low guest memory; a quarter of the pins hit a
 * page already pinned (the refcount case). At most {@link #WORKING_SET} pins are held. The trace
 * has exactly {@code --events} events.
 */
final class KvmgtChurn implements Scenario {
  static final int GROUP = 40;
  static final int WORKING_SET = 8192;

  /** A 4 GiB GGTT aperture maps 2^20 pages. */
  static final long GGTT_PAGES = 1L << 20;

  @Override
  public String name() {
    return "kvmgt-churn";
  }

  @Override
  public String summary() {
    return "KVMGT-style vGPU: single-page pins and unpins of GGTT pages, with repeats";
  }

  @Override
  public Set<SynthOption> options() {
    return EnumSet.of(
        SynthOption.RAM, SynthOption.BACKING, SynthOption.EVENTS, SynthOption.MEMLOCK);
  }

  @Override
  public TraceHeader header(SynthParams params) {
    return Headers.singleGuest(
        params,
        "synthetic KVMGT pin churn: " + Headers.ram(params) + ", " + params.events() + " events");
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    Guest guest = Headers.guest(params);
    int pid = guest.pid;
    CountingSink counted = new CountingSink(sink);
    VmBoot.boot(guest, 1, GROUP, 1, GroupKind.EMULATED, counted);
    long reachable = Math.min(guest.pages(), GGTT_PAGES);
    SplittableRandom random = new SplittableRandom(params.seed());
    PinSet pins = new PinSet(WORKING_SET);
    long churn = params.events() - counted.count() - 2;
    for (long i = 0; i < churn; i++) {
      boolean pin = pins.size() == 0 || pins.size() < WORKING_SET && random.nextInt(100) < 55;
      if (pin) {
        long page =
            pins.size() > 0 && random.nextInt(4) == 0
                ? pins.random(random)
                : random.nextLong(reachable);
        pins.add(page);
        counted.accept(Events.pin(pid, GROUP, guest.iova(page), 1));
      } else {
        counted.accept(Events.unpin(pid, GROUP, guest.iova(pins.removeRandom(random)), 1));
      }
    }
    VmBoot.shutdown(pid, 1, counted);
  }

  /** The pins held, one entry per pin (a page pinned twice is there twice); O(1) random removal. */
  static final class PinSet {
    private final long[] pages;
    private int size;

    PinSet(int capacity) {
      this.pages = new long[capacity];
    }

    int size() {
      return size;
    }

    void add(long page) {
      pages[size++] = page;
    }

    long random(SplittableRandom random) {
      return pages[random.nextInt(size)];
    }

    long removeRandom(SplittableRandom random) {
      int index = random.nextInt(size);
      long page = pages[index];
      pages[index] = pages[--size];
      return page;
    }
  }
}
