package io.vfiomigrate.cli.diff;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.Divergence;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A divergence as the engine finds it: its step and rule at once, its {@link Divergence} (values
 * and sentence) built on first request. Counting millions of divergences costs nothing more than
 * counting; only those a report shows are composed.
 */
public final class Finding {
  private final long step;
  private final String rule;
  private @Nullable Supplier<Divergence> builder;
  private @Nullable Divergence divergence;

  Finding(long step, String rule, Supplier<Divergence> builder) {
    this.step = step;
    this.rule = requireNonNull(rule, "rule is null");
    this.builder = requireNonNull(builder, "builder is null");
  }

  public long step() {
    return step;
  }

  /** The rule id; empty when no rule explains the divergence. */
  public String rule() {
    return rule;
  }

  public boolean explained() {
    return !rule.isEmpty();
  }

  public Divergence divergence() {
    if (divergence == null) {
      divergence = requireNonNull(builder).get();
      builder = null;
    }
    return divergence;
  }
}
