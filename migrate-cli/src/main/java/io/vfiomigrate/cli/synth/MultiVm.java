package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code --vms} VMs run by one uid (one QEMU process each, with its own container and one
 * passthrough device), each with RLIMIT_MEMLOCK just above its RAM: fine for type1's per-process
 * accounting, but iommufd's per-user accounting adds them up, so the second VM's maps fail there.
 */
final class MultiVm implements Scenario {
  static final int FIRST_PID = 5000;

  @Override
  public String name() {
    return "multi-vm";
  }

  @Override
  public String summary() {
    return "K VMs of one uid, each with its own container and passthrough device";
  }

  @Override
  public Set<SynthOption> options() {
    return EnumSet.of(SynthOption.VMS, SynthOption.RAM, SynthOption.BACKING, SynthOption.MEMLOCK);
  }

  @Override
  public TraceHeader header(SynthParams params) {
    List<Task> tasks = new ArrayList<>();
    List<MemoryRegion> memory = new ArrayList<>();
    for (int vm = 0; vm < params.vms(); vm++) {
      Guest guest = new Guest(FIRST_PID + vm, params.ram());
      tasks.add(Guest.task(guest.pid, Headers.UID, params.memlock()));
      memory.add(guest.region(params.backing()));
    }
    return Headers.of(
        "synthetic "
            + params.vms()
            + " VMs of uid "
            + Headers.UID
            + ", "
            + Headers.ram(params)
            + " each",
        tasks,
        memory);
  }

  @Override
  public void events(SynthParams params, Consumer<Type1Event> sink) {
    for (int vm = 0; vm < params.vms(); vm++) {
      Guest guest = new Guest(FIRST_PID + vm, params.ram());
      VmBoot.boot(guest, vm + 1, VmBoot.FIRST_GROUP + vm, 1, GroupKind.IOMMU, sink);
    }
    for (int vm = 0; vm < params.vms(); vm++) {
      VmBoot.shutdown(FIRST_PID + vm, vm + 1, sink);
    }
  }
}
