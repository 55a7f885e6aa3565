package io.vfiomigrate.api;

import java.util.Locale;
import java.util.Optional;

/**
 * The kernel error numbers the models return, with their x86-64 Linux values. A trace names
 * them as strings ({@code EINVAL}); {@link #fromName} also accepts the glibc aliases that real
 * kernels' tools print ({@code EDEADLK} for {@code EDEADLOCK}, {@code ENOTSUP} for
 * {@code EOPNOTSUPP}).
 */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  ESRCH(3),
  EINTR(4),
  EIO(5),
  E2BIG(7),
  EBADF(9),
  ENOMEM(12),
  EACCES(13),
  EFAULT(14),
  EBUSY(16),
  EEXIST(17),
  ENODEV(19),
  EINVAL(22),
  ENOTTY(25),
  ENOSPC(28),
  EDEADLOCK(35),
  ENOSYS(38),
  EOVERFLOW(75),
  EMSGSIZE(90),
  EOPNOTSUPP(95),
  EADDRINUSE(98);

  private final int number;

  Errno(int number) {
    this.number = number;
  }

  /** The positive errno value; the kernel returns its negation. */
  public int number() {
    return number;
  }

  /** Looks an errno up by name, case-insensitively, accepting the glibc aliases. */
  public static Optional<Errno> fromName(String name) {
    String upper = name.trim().toUpperCase(Locale.ROOT);
    switch (upper) {
      case "EDEADLK":
        return Optional.of(EDEADLOCK);
      case "ENOTSUP":
        return Optional.of(EOPNOTSUPP);
      default:
        for (Errno errno : values()) {
          if (errno.name().equals(upper)) {
            return Optional.of(errno);
          }
        }
        return Optional.empty();
    }
  }

  /** Looks an errno up by its number (sign ignored, so {@code -22} is EINVAL). */
  public static Optional<Errno> fromNumber(int number) {
    int positive = Math.abs(number);
    for (Errno errno : values()) {
      if (errno.number == positive) {
        return Optional.of(errno);
      }
    }
    return Optional.empty();
  }
}
