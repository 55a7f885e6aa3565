package io.vfiomigrate.cli.importer;

import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.TraceHeaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of an imported trace. The log names neither uids nor memlock limits (unless the kernel
 * refused a pin), so: uid from {@code --uid}, else root; RLIMIT_MEMLOCK from {@code --memlock},
 * else from the task's RLIMIT_MEMLOCK line, else unlimited (a limit the log does not show cannot be
 * guessed, and a made-up one would fail maps that worked). The description says where each choice
 * came from.
 */
final class ImportHeader {
  static final String SOURCE = "qemu-log";

  private ImportHeader() {}

  static TraceHeader build(TraceAssembler.Assembled assembled, ImportOptions options, Path log) {
    TraceHeader.Builder header =
        TraceHeader.newBuilder()
            .setFormatVersion(TraceHeaders.FORMAT_VERSION)
            .setPageSize(TraceHeaders.PAGE_SIZE)
            .setSource(SOURCE)
            .addAllMemory(assembled.memory());
    boolean fromLine = false;
    for (int pid : assembled.pids()) {
      Task.Builder task = Task.newBuilder().setPid(pid).setUid(options.effectiveUid());
      Long seen = assembled.memlock().get(pid);
      if (options.memlock().isPresent()) {
        task.setMemlockLimit(options.memlock().getAsLong());
      } else if (seen != null) {
        task.setMemlockLimit(seen);
        fromLine = true;
      } else {
        task.setMemlockUnlimited(true);
      }
      header.addTasks(task);
    }
    return header.setDescription(description(assembled, options, log, fromLine)).build();
  }

  private static String description(
      TraceAssembler.Assembled assembled, ImportOptions options, Path log, boolean fromLine) {
    List<String> sentences = new ArrayList<>();
    Path name = log.getFileName();
    sentences.add("Imported from the QEMU log " + (name == null ? log : name) + ".");
    if (assembled.legacy()) {
      sentences.add(
          "Legacy VFIO type1 backend: requests from the listener events; expect only where an"
              + " error line named the failure.");
    }
    if (assembled.iommufd()) {
      sentences.add(
          "iommufd backend: each IOAS is a container, each device a group with a synthetic"
              + " number, and expect is iommufd's own outcome (ENOENT for unmaps of nothing).");
    }
    sentences.add(
        "Guest RAM backing "
            + options.effectiveBacking().name()
            + (options.backing().isPresent() ? "" : " (assumed)")
            + ", uid "
            + Integer.toUnsignedString(options.effectiveUid())
            + (options.uid().isPresent() ? "" : " (assumed)")
            + ".");
    if (options.memlock().isPresent()) {
      sentences.add("RLIMIT_MEMLOCK from --memlock.");
    } else if (fromLine) {
      sentences.add("RLIMIT_MEMLOCK from the kernel's RLIMIT_MEMLOCK line.");
    } else {
      sentences.add("RLIMIT_MEMLOCK unknown: unlimited.");
    }
    return String.join(" ", sentences);
  }
}
