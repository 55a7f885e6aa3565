package io.vfiomigrate.cli.synth;

import io.vfiomigrate.cli.HumanFormat;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import java.util.List;

/** The header of a synthetic trace. */
final class Headers {
  /** The uid of libvirt's QEMU processes on Debian. */
  static final int UID = 107;

  static final int PID = 4242;

  private Headers() {}

  static TraceHeader of(String description, List<Task> tasks, List<MemoryRegion> memory) {
    return TraceHeader.newBuilder()
        .setFormatVersion(1)
        .setPageSize(4096)
        .setDescription(description)
        .setSource("synthetic")
        .setKernel("6.12")
        .addAllTasks(tasks)
        .addAllMemory(memory)
        .build();
  }

  /** The guest of a single-guest scenario: {@code --ram} run by {@link #PID}. */
  static Guest guest(SynthParams params) {
    return new Guest(PID, params.ram());
  }

  /** The header of a single-guest scenario: its task and its RAM. */
  static TraceHeader singleGuest(SynthParams params, String description) {
    return of(
        description,
        List.of(Guest.task(PID, UID, params.memlock())),
        List.of(guest(params).region(params.backing())));
  }

  /** {@code 4 GiB THP RAM}. */
  static String ram(SynthParams params) {
    return HumanFormat.bytes(params.ram()) + " " + params.backing() + " RAM";
  }
}
