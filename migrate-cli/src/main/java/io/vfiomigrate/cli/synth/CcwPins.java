package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A vfio-ccw subchannel (an mdev): each channel program the guest starts pins its data areas, a
 * short run of 1 to 8 pages, and unpins them when the I/O completes; up to {@link #IN_FLIGHT}
 * programs are outstanding, completing in order. Guest RAM sits below 2 GiB as on s390 (31-bit
 * IDAWs). The trace has exactly {@code --events} events.
 */
final class CcwPins implements Scenario {
  static final int GROUP = 41;
  static final int IN_FLIGHT = 16;
  static final int MAX_RUN = 8;

  @Override
  public String name() {
    return "ccw";
  }

  @Override
  public String summary() {
    return "vfio-ccw-style channel programs: short range pins, unpinned on completion";
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
        "synthetic vfio-ccw channel programs: "
            + Headers.ram(params)
            + ", "
            + params.events()
            + " events");
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    Guest guest = Headers.guest(params);
    int pid = guest.pid;
    CountingSink counted = new CountingSink(sink);
    VmBoot.boot(guest, 1, GROUP, 1, GroupKind.EMULATED, counted);
    long reachable = Math.min(guest.low, 2 * Guest.GIB) / Guest.PAGE - MAX_RUN;
    SplittableRandom random = new SplittableRandom(params.seed());
    ArrayDeque<long[]> programs = new ArrayDeque<>();
    long churn = params.events() - counted.count() - 2;
    for (long i = 0; i < churn; i++) {
      boolean start = programs.isEmpty() || programs.size() < IN_FLIGHT && random.nextBoolean();
      if (start) {
        long page = random.nextLong(Math.max(1, reachable));
        int npage = 1 + random.nextInt(MAX_RUN);
        programs.add(new long[] {page, npage});
        counted.accept(Events.pin(pid, GROUP, guest.iova(page), npage));
      } else {
        long[] done = programs.remove();
        counted.accept(Events.unpin(pid, GROUP, guest.iova(done[0]), (int) done[1]));
      }
    }
    VmBoot.shutdown(pid, 1, counted);
  }
}
