package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A VM with {@code --devices} passthrough devices (one IOMMU group each) boots: QEMU opens the
 * container, attaches the groups, selects TYPE1V2, maps guest RAM (low and high memory), and at
 * shutdown unmaps everything and closes. With HUGETLB_1G a 1 TiB guest is two maps.
 */
final class VmBoot implements Scenario {
  static final int FIRST_GROUP = 10;

  @Override
  public String name() {
    return "vm-boot";
  }

  @Override
  public String summary() {
    return "a VM with N passthrough devices maps its RAM, runs, unmaps and closes";
  }

  @Override
  public Set<SynthOption> options() {
    return EnumSet.of(
        SynthOption.DEVICES, SynthOption.RAM, SynthOption.BACKING, SynthOption.MEMLOCK);
  }

  @Override
  public TraceHeader header(SynthParams params) {
    return Headers.singleGuest(
        params,
        "synthetic VM boot: "
            + Headers.ram(params)
            + ", "
            + params.devices()
            + " passthrough device(s)");
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    Guest guest = Headers.guest(params);
    boot(guest, 1, FIRST_GROUP, params.devices(), GroupKind.IOMMU, sink);
    shutdown(guest.pid, 1, sink);
  }

  /**
   * Open, attach {@code devices} groups of {@code kind} from {@code firstGroup}, TYPE1V2, map RAM.
   */
  static void boot(
      Guest guest,
      int container,
      int firstGroup,
      int devices,
      GroupKind kind,
      Consumer<Type1Event> sink) {
    sink.accept(Events.open(guest.pid, container));
    for (int i = 0; i < devices; i++) {
      sink.accept(Events.attach(guest.pid, container, firstGroup + i, kind));
    }
    sink.accept(Events.setIommu(guest.pid, container));
    guest.mapRam(container, sink);
  }

  static void shutdown(int pid, int container, Consumer<Type1Event> sink) {
    sink.accept(Events.unmapAll(pid, container));
    sink.accept(Events.close(pid, container));
  }
}
