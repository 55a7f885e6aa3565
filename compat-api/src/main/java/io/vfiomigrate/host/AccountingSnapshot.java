package io.vfiomigrate.host;

import java.util.List;

/**
 * Every locked-memory figure of a host at one moment: each task and each user (sorted by pid
 * and uid, zeros included), the number of distinct pinned pages and the sum of pin counts.
 */
public record AccountingSnapshot(
    List<TaskAccounting> tasks, List<UserAccounting> users, long pinnedPages, long pinRefs) {
  public AccountingSnapshot {
    tasks = List.copyOf(tasks);
    users = List.copyOf(users);
  }

  /** The figures of {@code pid}. */
  public TaskAccounting task(int pid) {
    for (TaskAccounting t : tasks) {
      if (t.pid() == pid) {
        return t;
      }
    }
    throw new IllegalArgumentException("no task " + pid + " in the snapshot");
  }

  /** The figures of {@code uid}. */
  public UserAccounting user(int uid) {
    for (UserAccounting u : users) {
      if (u.uid() == uid) {
        return u;
      }
    }
    throw new IllegalArgumentException("no user " + uid + " in the snapshot");
  }
}
