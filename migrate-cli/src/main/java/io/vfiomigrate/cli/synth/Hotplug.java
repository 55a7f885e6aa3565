package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A VM with {@code --devices} passthrough devices; {@code --cycles} times, a vGPU (mdev) is
 * hot-plugged, pins 16 guest pages, and is unplugged, then a further passthrough device is
 * hot-plugged and unplugged. Shows that mdev pins on top of a domain are not charged again and that
 * attaching and detaching domains pins nothing new.
 */
final class Hotplug implements Scenario {
  static final int VGPU_GROUP = 40;
  static final int EXTRA_GROUP = 30;
  static final int VGPU_PINS = 16;

  @Override
  public String name() {
    return "hotplug";
  }

  @Override
  public String summary() {
    return "passthrough VM with repeated hot-plug and unplug of a vGPU and of a device";
  }

  @Override
  public Set<SynthOption> options() {
    return EnumSet.of(
        SynthOption.DEVICES,
        SynthOption.RAM,
        SynthOption.BACKING,
        SynthOption.CYCLES,
        SynthOption.MEMLOCK);
  }

  @Override
  public TraceHeader header(SynthParams params) {
    return Headers.singleGuest(
        params,
        "synthetic hot-plug: "
            + Headers.ram(params)
            + ", "
            + params.devices()
            + " passthrough device(s), "
            + params.cycles()
            + " vGPU and device plug cycles");
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    Guest guest = Headers.guest(params);
    int pid = guest.pid;
    VmBoot.boot(guest, 1, VmBoot.FIRST_GROUP, params.devices(), GroupKind.IOMMU, sink);
    SplittableRandom random = new SplittableRandom(params.seed());
    for (int cycle = 0; cycle < params.cycles(); cycle++) {
      sink.accept(Events.attach(pid, 1, VGPU_GROUP, GroupKind.EMULATED));
      for (int i = 0; i < VGPU_PINS; i++) {
        sink.accept(Events.pin(pid, VGPU_GROUP, guest.iova(random.nextLong(guest.pages())), 1));
      }
      sink.accept(Events.detach(pid, 1, VGPU_GROUP));
      sink.accept(Events.attach(pid, 1, EXTRA_GROUP, GroupKind.IOMMU));
      sink.accept(Events.detach(pid, 1, EXTRA_GROUP));
    }
    VmBoot.shutdown(pid, 1, sink);
  }
}
