package io.vfiomigrate.host;

import static java.util.Objects.requireNonNull;

/**
 * A process of the simulated host ({@code task_struct} of a thread-group leader) with its
 * address space, its user and its RLIMIT_MEMLOCK.
 */
public final class Task {
  private final TaskSpec spec;
  private final Mm mm;
  private final UserStruct user;

  Task(TaskSpec spec, Mm mm, UserStruct user) {
    this.spec = requireNonNull(spec, "spec is null");
    this.mm = requireNonNull(mm, "mm is null");
    this.user = requireNonNull(user, "user is null");
  }

  public int pid() {
    return spec.pid();
  }

  public int uid() {
    return spec.uid();
  }

  public Mm mm() {
    return mm;
  }

  public UserStruct user() {
    return user;
  }

  /** {@code capable(CAP_IPC_LOCK)}. */
  public boolean capIpcLock() {
    return spec.capIpcLock();
  }

  /** {@code capable(CAP_SYS_RESOURCE)}. */
  public boolean capSysResource() {
    return spec.capSysResource();
  }

  /**
   * {@code task_rlimit(task, RLIMIT_MEMLOCK) >> PAGE_SHIFT}: the limit in pages, with
   * RLIM_INFINITY as {@link Long#MAX_VALUE}.
   */
  public long memlockLimitPages() {
    return spec.memlockUnlimited() ? Long.MAX_VALUE : spec.memlockLimit() >>> 12;
  }

  public TaskSpec spec() {
    return spec;
  }

  @Override
  public String toString() {
    return "task " + pid();
  }
}
