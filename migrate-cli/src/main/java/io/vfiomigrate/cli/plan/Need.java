package io.vfiomigrate.cli.plan;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The high-water mark of one checked counter: the smallest RLIMIT_MEMLOCK with which no charge to
 * it fails.
 *
 * @param holder whose counter it is, for people: {@code pid 4242}, {@code uid 107 (pids 5000,
 *     5001)}
 * @param checkedPid the task whose RLIMIT_MEMLOCK the charge that reached the mark was checked
 *     against (for a uid's counter, the task that charged it)
 * @param bytes the mark
 * @param step the trace step that first reached it; empty for a VM description
 */
public record Need(String holder, int checkedPid, long bytes, OptionalLong step) {
  private static final int PIDS_NAMED = 4;

  public Need {
    requireNonNull(holder, "holder is null");
    checkArgument(bytes >= 0, "bytes is negative");
    requireNonNull(step, "step is null");
  }

  /** A task's {@code mm->locked_vm}. */
  public static Need task(int pid, long bytes, OptionalLong step) {
    return new Need("pid " + Integer.toUnsignedString(pid), pid, bytes, step);
  }

  /**
   * A uid's {@code user_struct->locked_vm}, summed over {@code pids}, reached by a charge of {@code
   * checkedPid}.
   */
  public static Need user(
      int uid, List<Integer> pids, int checkedPid, long bytes, OptionalLong step) {
    String over =
        pids.size() > PIDS_NAMED
            ? pids.size() + " pids"
            : (pids.size() == 1 ? "pid " : "pids ")
                + pids.stream().map(Integer::toUnsignedString).collect(Collectors.joining(", "));
    return new Need(
        "uid " + Integer.toUnsignedString(uid) + (pids.isEmpty() ? "" : " (" + over + ")"),
        checkedPid,
        bytes,
        step);
  }
}
