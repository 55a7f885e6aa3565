package io.vfiomigrate.api;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * A failed kernel operation: the errno the ioctl or kernel API would return, and a message that
 * names the kernel function and the offending value. Some ioctls write a partial result back
 * to user space even when they fail (iommufd's vfio_compat UNMAP_DMA copies the unmapped size
 * back after a later area failed); {@link #partialResult()} carries that value.
 */
public final class KernelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Errno errno;
  private final OptionalLong partialResult;

  public KernelException(Errno errno, String message) {
    this(errno, message, OptionalLong.empty());
  }

  private KernelException(Errno errno, String message, OptionalLong partialResult) {
    super(requireNonNull(errno, "errno is null") + ": " + requireNonNull(message, "message is null"));
    this.errno = errno;
    this.partialResult = partialResult;
  }

  public Errno errno() {
    return errno;
  }

  /** The value written back to user space despite the failure, if the kernel writes one. */
  public OptionalLong partialResult() {
    return partialResult;
  }

  /** The same failure, carrying a value the kernel writes back despite it. */
  public KernelException withPartialResult(long value) {
    KernelException copy = new KernelException(errno, detail(), OptionalLong.of(value));
    copy.setStackTrace(getStackTrace());
    return copy;
  }

  /** The message without the errno prefix. */
  public String detail() {
    return getMessage().substring(errno.name().length() + 2);
  }

  /** Shorthand for {@code new KernelException(errno, String.format(format, args))}. */
  public static KernelException of(Errno errno, String format, Object... args) {
    return new KernelException(errno, String.format(format, args));
  }
}
