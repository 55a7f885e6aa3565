package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A vfio-ap matrix device (an mdev) with {@code --devices} AP queues: enabling interrupts on a
 * queue pins the page of its notification indicator byte for as long as the queue lives, a single
 * long-lived page pin per queue. The guest resets a random queue now and then (unpin, pin a new
 * page). The trace has exactly {@code --events} events.
 */
final class ApQueues implements Scenario {
  static final int GROUP = 42;

  @Override
  public String name() {
    return "ap";
  }

  @Override
  public String summary() {
    return "vfio-ap-style queues: one long-lived single-page pin each, re-pinned on reset";
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
        "synthetic vfio-ap queues: "
            + Headers.ram(params)
            + ", "
            + params.devices()
            + " queue(s), "
            + params.events()
            + " events");
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    Guest guest = Headers.guest(params);
    int pid = guest.pid;
    CountingSink counted = new CountingSink(sink);
    VmBoot.boot(guest, 1, GROUP, 1, GroupKind.EMULATED, counted);
    SplittableRandom random = new SplittableRandom(params.seed());
    long[] indicators = new long[params.devices()];
    for (int q = 0; q < indicators.length; q++) {
      indicators[q] = random.nextLong(guest.pages());
      counted.accept(Events.pin(pid, GROUP, guest.iova(indicators[q]), 1));
    }
    long resets = (params.events() - counted.count() - indicators.length - 2) / 2;
    for (long i = 0; i < resets; i++) {
      int q = random.nextInt(indicators.length);
      counted.accept(Events.unpin(pid, GROUP, guest.iova(indicators[q]), 1));
      indicators[q] = random.nextLong(guest.pages());
      counted.accept(Events.pin(pid, GROUP, guest.iova(indicators[q]), 1));
    }
    for (long indicator : indicators) {
      counted.accept(Events.unpin(pid, GROUP, guest.iova(indicator), 1));
    }
    VmBoot.shutdown(pid, 1, counted);
  }
}
