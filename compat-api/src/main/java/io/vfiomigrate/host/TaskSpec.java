package io.vfiomigrate.host;

/**
 * A process of the simulated host. {@code memlockLimit} is RLIMIT_MEMLOCK in bytes, ignored
 * when {@code memlockUnlimited}. CAP_SYS_RESOURCE is what iommufd's RLIMIT_MODE option needs.
 */
public record TaskSpec(
    int pid,
    int uid,
    long memlockLimit,
    boolean memlockUnlimited,
    boolean capIpcLock,
    boolean capSysResource) {
  /** An unprivileged task with a limit in bytes, that may still select MM accounting. */
  public static TaskSpec of(int pid, int uid, long memlockLimit) {
    return new TaskSpec(pid, uid, memlockLimit, false, false, true);
  }

  public TaskSpec withCapIpcLock(boolean value) {
    return new TaskSpec(pid, uid, memlockLimit, memlockUnlimited, value, capSysResource);
  }

  public TaskSpec withUnlimitedMemlock() {
    return new TaskSpec(pid, uid, memlockLimit, true, capIpcLock, capSysResource);
  }
}
