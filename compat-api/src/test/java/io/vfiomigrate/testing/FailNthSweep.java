package io.vfiomigrate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.Host;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The fail-nth study of {@code iommufd_fail_nth.c} for one operation: set up a fresh fixture,
 * arm the host's fault injector with n, run the operation, and check the outcome, for
 * n = 1, 2, ... until the operation no longer reaches the n-th fault point.
 *
 * <p>After an injected failure the operation must have thrown and the state (as described by
 * {@code state}, which should include the backend dump, the host's accounting and pin
 * counts) must equal the state before it. If the operation absorbed the failure and
 * succeeded, the state must equal that of a clean run. Invariants must hold either way. An
 * optional {@link #teardown} then runs on every fixture, e.g. to close it and check that no pin
 * is left.
 *
 * @param <F> the fixture: whatever the operation needs, built fresh for every n
 */
public final class FailNthSweep<F> {
  private static final int MAX_POINTS = 100_000;

  private final Supplier<F> setUp;
  private final Function<F, Host> host;
  private final Function<F, String> state;
  private final Consumer<F> invariants;
  private FaultPoint only;
  private Consumer<F> teardown = fixture -> { };

  public FailNthSweep(
      Supplier<F> setUp, Function<F, Host> host, Function<F, String> state, Consumer<F> invariants) {
    this.setUp = setUp;
    this.host = host;
    this.state = state;
    this.invariants = invariants;
  }

  /** Counts only fault points of one kind. */
  public FailNthSweep<F> only(FaultPoint point) {
    this.only = point;
    return this;
  }

  /** Runs {@code action} on every fixture once its outcome was checked, the clean run's too. */
  public FailNthSweep<F> teardown(Consumer<F> action) {
    this.teardown = action;
    return this;
  }

  /**
   * Runs the sweep.
   *
   * @return the number of fault points the operation passed through
   */
  public int run(Consumer<F> operation) {
    F clean = setUp.get();
    operation.accept(clean);
    invariants.accept(clean);
    String cleanAfter = state.apply(clean);
    teardown.accept(clean);
    for (int n = 1; n <= MAX_POINTS; n++) {
      F fixture = setUp.get();
      String before = state.apply(fixture);
      Host h = host.apply(fixture);
      h.faults().arm(only, n);
      KernelException thrown = null;
      try {
        operation.accept(fixture);
      } catch (KernelException e) {
        thrown = e;
      } finally {
        h.faults().disarm();
      }
      if (!h.faults().fired()) {
        if (thrown != null) {
          fail("n=" + n + ": failed without an injected fault: " + thrown.getMessage(), thrown);
        }
        assertThat(state.apply(fixture)).as("n=%d: state after an uninjected run", n)
            .isEqualTo(cleanAfter);
        teardown.accept(fixture);
        return n - 1;
      }
      String site = h.faults().firedSite().orElseThrow();
      invariants.accept(fixture);
      if (thrown != null) {
        assertThat(state.apply(fixture))
            .as("n=%d: state after the failure injected at %s (%s)", n, site, thrown.getMessage())
            .isEqualTo(before);
      } else {
        assertThat(state.apply(fixture))
            .as("n=%d: state after the failure injected at %s was absorbed", n, site)
            .isEqualTo(cleanAfter);
      }
      teardown.accept(fixture);
    }
    throw new AssertionError("more than " + MAX_POINTS + " fault points");
  }
}
