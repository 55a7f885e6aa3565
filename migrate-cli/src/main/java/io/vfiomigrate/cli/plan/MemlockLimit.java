package io.vfiomigrate.cli.plan;

import static com.google.common.base.Preconditions.checkArgument;

/** The RLIMIT_MEMLOCK libvirt gives QEMU: a number of bytes, unlimited, or left as inherited. */
public sealed interface MemlockLimit {
  /** RLIMIT_MEMLOCK set to {@code bytes}. */
  record Bytes(long bytes) implements MemlockLimit {
    public Bytes {
      checkArgument(bytes >= 0, "bytes is negative");
    }
  }

  /** RLIMIT_MEMLOCK set to RLIM_INFINITY. */
  record Unlimited() implements MemlockLimit {}

  /** libvirt does not touch RLIMIT_MEMLOCK: QEMU keeps the limit it inherited. */
  record Unchanged() implements MemlockLimit {}
}
