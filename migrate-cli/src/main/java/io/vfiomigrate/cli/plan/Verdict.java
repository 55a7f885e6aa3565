package io.vfiomigrate.cli.plan;

import io.vfiomigrate.cli.HumanFormat;
import java.util.Optional;

/**
 * Whether libvirt's limit suffices for one model, with the reason in one line: {@code type1 needs 3
 * GiB + 4 KiB for pid 100 at step 7; libvirt sets 3 GiB: 4 KiB short}.
 *
 * <p>Every counter's need is compared with the limit of the task its check reads: the reason names
 * the need with the largest shortfall, or the largest need when all fit. Needs, limits and
 * shortfalls are exact ({@link ExactSize}); room to spare is rounded.
 */
public record Verdict(boolean suffices, String reason) {
  static Verdict of(ModelNeeds needs, LibvirtLimits limits) {
    String model = needs.model().id();
    String unchecked = needs.unchecked().map(Verdict::uncheckedNote).orElse("");
    Optional<Need> largest = needs.largest();
    if (largest.isEmpty()) {
      return new Verdict(
          true, model + " charges nothing it checks against RLIMIT_MEMLOCK" + unchecked);
    }
    Need decisive = largest.get();
    long worst = shortfall(decisive, limits.of(decisive.checkedPid()));
    for (Need need : needs.needs()) {
      long shortfall = shortfall(need, limits.of(need.checkedPid()));
      if (shortfall > Math.max(worst, 0)) {
        decisive = need;
        worst = shortfall;
      }
    }
    String needText =
        model
            + " needs "
            + ExactSize.of(decisive.bytes())
            + " for "
            + decisive.holder()
            + (decisive.step().isPresent() ? " at step " + decisive.step().getAsLong() : "");
    return new Verdict(
        worst <= 0,
        needText + "; " + against(decisive, limits.of(decisive.checkedPid())) + unchecked);
  }

  /** Bytes missing under {@code limit}: positive when short, else minus the room left. */
  private static long shortfall(Need need, MemlockLimit limit) {
    if (limit instanceof MemlockLimit.Bytes bytes) {
      return need.bytes() - bytes.bytes();
    }
    return limit instanceof MemlockLimit.Unlimited ? Long.MIN_VALUE : need.bytes();
  }

  private static String against(Need need, MemlockLimit limit) {
    if (limit instanceof MemlockLimit.Bytes bytes) {
      long room = bytes.bytes() - need.bytes();
      return "libvirt sets "
          + ExactSize.of(bytes.bytes())
          + ": "
          + (room == 0
              ? "exactly enough"
              : room > 0 ? HumanFormat.bytes(room) + " to spare" : ExactSize.of(-room) + " short");
    }
    if (limit instanceof MemlockLimit.Unlimited) {
      return "libvirt sets no limit (locked memory)";
    }
    return "libvirt does not set a limit for pid "
        + Integer.toUnsignedString(need.checkedPid())
        + " (no VFIO device, NVMe disk or vDPA device): it keeps the one it inherited";
  }

  /** type1 counts a CAP_IPC_LOCK task's pins in VmLck but skips the check (C9). */
  private static String uncheckedNote(Need need) {
    return "; "
        + need.holder()
        + " has CAP_IPC_LOCK: its VmLck reaches "
        + ExactSize.of(need.bytes())
        + (need.step().isPresent() ? " at step " + need.step().getAsLong() : "")
        + " unchecked";
  }
}
