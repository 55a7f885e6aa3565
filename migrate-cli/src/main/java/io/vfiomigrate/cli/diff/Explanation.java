package io.vfiomigrate.cli.diff;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.IovaRange;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Why a divergence happened: its rule ({@code null}: unexplained) and a sentence for people, plus
 * the origin it goes back to (the step itself for a direct rule, an earlier step for {@link
 * Rule#FOLLOWS_STEP}).
 *
 * <p>The sentence is composed only when a report prints it: a long diff finds millions of
 * divergences and shows a few. Its supplier captures immutable values only.
 */
record Explanation(@Nullable Rule rule, Supplier<String> sentence, @Nullable Origin origin) {
  /** What reports print for a divergence no rule explains. */
  static final String UNEXPLAINED = "unexplained";

  Explanation {
    requireNonNull(sentence, "sentence is null");
  }

  Explanation(@Nullable Rule rule, String text, @Nullable Origin origin) {
    this(rule, constant(text), origin);
  }

  /** Rule {@code rule} explains step {@code step}, which acted on {@code range} (if any). */
  static Explanation direct(Rule rule, long step, @Nullable IovaRange range, String text) {
    return new Explanation(rule, text, new Origin(step, rule, range));
  }

  static Explanation unexplained(long step, String text) {
    return new Explanation(null, text, new Origin(step, null, null));
  }

  /** A consequence of {@code origin}: follows-step, or unexplained if the origin was. */
  static Explanation follows(Origin origin, String what) {
    return follows(origin, constant(what));
  }

  static Explanation follows(Origin origin, Supplier<String> what) {
    return new Explanation(
        origin.rule() == null ? null : Rule.FOLLOWS_STEP,
        () -> what.get() + " since " + origin.describe(),
        origin);
  }

  String text() {
    return sentence.get();
  }

  boolean explained() {
    return rule != null;
  }

  /** The rule id for reports: empty when unexplained, as the DiffReport schema says. */
  String ruleId() {
    return rule == null ? "" : rule.id();
  }

  private static Supplier<String> constant(String text) {
    requireNonNull(text, "text is null");
    return () -> text;
  }
}
