package io.vfiomigrate.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on kernel errors: tests check the errno, never the wording. */
public final class KernelAssertions {
  private KernelAssertions() {}

  /** Asserts that {@code call} fails with a {@link KernelException} carrying {@code errno}. */
  public static void assertErrno(Errno errno, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(KernelException.class)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((KernelException) e).errno())
            .as("errno of: %s", e.getMessage())
            .isEqualTo(errno));
  }
}
