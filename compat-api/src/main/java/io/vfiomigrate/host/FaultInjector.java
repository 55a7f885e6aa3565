package io.vfiomigrate.host;

import io.vfiomigrate.api.KernelException;
import java.util.Optional;

/**
 * Fault injection in the style of {@code /proc/self/task/N/fail-nth}: once armed with
 * {@code n}, the n-th fault point reached (of any kind, or of one kind) fails, once, with that
 * point's errno. Production hosts never arm it. A fail-nth study reruns an operation with
 * n = 1, 2, ... until {@link #fired()} stays false: then every failure path was taken.
 */
public final class FaultInjector {
  private long nth;
  private FaultPoint only;
  private long hits;
  private boolean fired;
  private String firedSite;

  /** Arms the injector: the {@code n}-th fault point from now on fails. */
  public void arm(long n) {
    arm(null, n);
  }

  /** Arms the injector for one kind of point; {@code point == null} counts every kind. */
  public void arm(FaultPoint point, long n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, not " + n);
    }
    nth = n;
    only = point;
    hits = 0;
    fired = false;
    firedSite = null;
  }

  /** Stops injecting and counting. */
  public void disarm() {
    nth = 0;
  }

  public boolean armed() {
    return nth != 0;
  }

  /**
   * Called by the model at each fault point.
   *
   * @throws KernelException with the point's errno if this is the armed n-th point
   */
  public void check(FaultPoint point, String site) {
    if (nth == 0 || (only != null && only != point)) {
      return;
    }
    hits++;
    if (hits == nth) {
      fired = true;
      firedSite = site;
      nth = 0;
      throw KernelException.of(point.errno(), "injected %s failure at %s", point, site);
    }
  }

  /** Whether the armed failure happened since the last {@link #arm}. */
  public boolean fired() {
    return fired;
  }

  /** The site that failed, if the armed failure happened. */
  public Optional<String> firedSite() {
    return Optional.ofNullable(firedSite);
  }

  /** Fault points counted since the last {@link #arm}. */
  public long hits() {
    return hits;
  }
}
