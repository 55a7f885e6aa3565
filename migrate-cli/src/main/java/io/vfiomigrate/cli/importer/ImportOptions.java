package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.Backing;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The choices of an import that the log cannot make; empty means "not given".
 *
 * @param backing what the guest RAM is backed with; the log does not say
 * @param memlock RLIMIT_MEMLOCK in bytes for every task, overriding the log's RLIMIT_MEMLOCK lines
 * @param uid the uid of every task; the log never says
 * @param pid the pid of every task, overriding the ids of the log's prefixes
 */
record ImportOptions(
    Optional<Backing> backing, OptionalLong memlock, OptionalInt uid, OptionalInt pid) {
  /** THP: what guest RAM without hugepages gets from a distribution kernel (QEMU madvises it). */
  static final Backing DEFAULT_BACKING = Backing.THP;

  /** Root: what QEMU runs as outside libvirt (Proxmox, scripts); the log never says. */
  static final int DEFAULT_UID = 0;

  ImportOptions {
    requireNonNull(backing, "backing is null");
    requireNonNull(memlock, "memlock is null");
    requireNonNull(uid, "uid is null");
    requireNonNull(pid, "pid is null");
  }

  static ImportOptions defaults() {
    return new ImportOptions(
        Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty());
  }

  Backing effectiveBacking() {
    return backing.orElse(DEFAULT_BACKING);
  }

  int effectiveUid() {
    return uid.orElse(DEFAULT_UID);
  }
}
