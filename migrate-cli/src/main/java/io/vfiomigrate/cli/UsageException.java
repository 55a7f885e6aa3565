package io.vfiomigrate.cli;

/** The command line is wrong; the message is one line, ready for "vfio-migrate: ...". */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
