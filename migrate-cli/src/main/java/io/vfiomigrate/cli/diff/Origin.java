package io.vfiomigrate.cli.diff;

import io.vfiomigrate.api.IovaRange;
import org.jspecify.annotations.Nullable;

/**
 * Where a lasting difference between the two sides began: the step, the rule that explained it
 * there ({@code null} when none did), and the IOVA range the step touched, if it had one.
 */
record Origin(long step, @Nullable Rule rule, @Nullable IovaRange range) {
  /** {@code step 6 (dma-entry-limit)} or {@code step 6 (unexplained)}. */
  String describe() {
    return "step " + step + " (" + (rule == null ? Explanation.UNEXPLAINED : rule.id()) + ")";
  }
}
