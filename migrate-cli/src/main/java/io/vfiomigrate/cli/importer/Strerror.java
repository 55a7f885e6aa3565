package io.vfiomigrate.cli.importer;

import com.google.common.collect.ImmutableMap;
import io.vfiomigrate.api.Errno;
import java.util.Optional;

/**
 * glibc's strerror() texts of the errnos the model knows, for the QEMU error lines that print only
 * the text ({@code VFIO_MAP_DMA failed: %s}, {@code IOMMU_IOAS_MAP failed: %m}). A line that also
 * prints the number is read by its number: QEMU's {@code %m} can describe a later errno than the
 * one returned.
 */
final class Strerror {
  private static final ImmutableMap<String, Errno> BY_TEXT =
      ImmutableMap.<String, Errno>builder()
          .put("Operation not permitted", Errno.EPERM)
          .put("No such file or directory", Errno.ENOENT)
          .put("No such process", Errno.ESRCH)
          .put("Interrupted system call", Errno.EINTR)
          .put("Input/output error", Errno.EIO)
          .put("Argument list too long", Errno.E2BIG)
          .put("Bad file descriptor", Errno.EBADF)
          .put("Cannot allocate memory", Errno.ENOMEM)
          .put("Permission denied", Errno.EACCES)
          .put("Bad address", Errno.EFAULT)
          .put("Device or resource busy", Errno.EBUSY)
          .put("File exists", Errno.EEXIST)
          .put("No such device", Errno.ENODEV)
          .put("Invalid argument", Errno.EINVAL)
          .put("Inappropriate ioctl for device", Errno.ENOTTY)
          .put("No space left on device", Errno.ENOSPC)
          .put("Resource deadlock avoided", Errno.EDEADLOCK)
          .put("Function not implemented", Errno.ENOSYS)
          .put("Value too large for defined data type", Errno.EOVERFLOW)
          .put("Message too long", Errno.EMSGSIZE)
          .put("Operation not supported", Errno.EOPNOTSUPP)
          .put("Address already in use", Errno.EADDRINUSE)
          .buildOrThrow();

  private Strerror() {}

  static Optional<Errno> errno(String text) {
    return Optional.ofNullable(BY_TEXT.get(text.strip()));
  }
}
