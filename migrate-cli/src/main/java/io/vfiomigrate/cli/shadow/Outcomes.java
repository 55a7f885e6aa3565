package io.vfiomigrate.cli.shadow;

import io.vfiomigrate.proto.Type1Event;

/** Errno names as steps and traces carry them. */
public final class Outcomes {
  /** The errno of a successful step. */
  public static final String OK = "OK";

  /** The errno of a step on which the kernel would crash (BUG_ON); the replay stops there. */
  public static final String BUG = "BUG";

  private Outcomes() {}

  /** The errno the trace recorded for {@code event}: {@code OK} when empty. */
  public static String expected(Type1Event event) {
    String errno = event.getExpect().getErrno();
    return errno.isEmpty() ? OK : errno;
  }

  /** Whether the trace recorded a failure for {@code event}. */
  public static boolean expectsFailure(Type1Event event) {
    return !expected(event).equals(OK);
  }
}
