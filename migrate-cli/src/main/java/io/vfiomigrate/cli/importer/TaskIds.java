package io.vfiomigrate.cli.importer;

import org.jspecify.annotations.Nullable;

/**
 * Decides which task (pid) a recognised line belongs to: {@code --pid} for every line if given;
 * else the process id of the line's prefix (syslog, journal, SystemTap), which also becomes the
 * task of the lines without one that follow; else, for QEMU's own timestamps, which print thread
 * ids, the first thread id seen (QEMU's main thread, whose id is the pid); else {@link
 * #DEFAULT_PID}. Not thread-safe.
 */
final class TaskIds {
  /** The pid of a log with no ids at all (the one of examples/passthrough-vm.json). */
  static final int DEFAULT_PID = 4242;

  private final @Nullable Integer forced;
  private @Nullable Integer current;

  TaskIds(@Nullable Integer forced) {
    this.forced = forced;
  }

  int taskOf(LogLine line) {
    if (forced != null) {
      return forced;
    }
    if (line.processId() != null) {
      current = line.processId();
    } else if (current == null && line.threadId() != null) {
      current = line.threadId();
    }
    return current == null ? DEFAULT_PID : current;
  }
}
