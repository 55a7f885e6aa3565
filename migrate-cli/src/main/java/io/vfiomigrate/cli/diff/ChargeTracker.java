package io.vfiomigrate.cli.diff;

import org.jspecify.annotations.Nullable;

/**
 * Follows, per charge component (each task's charged pages, distinct pinned pages, pin references),
 * the difference between the sides and the step it dates from.
 *
 * <p>The difference is the right side's figure minus the left side's, after the known placement
 * differences are taken out (type1 charges mm->locked_vm where iommufd charges mm->pinned_vm, and
 * type1's doubled pin references). When the sides agree it is 0. A difference that stays the same
 * from one step to the next carries over from the step that made it (follows-step); a step that
 * changes it needs its own explanation: a rule of that step's results, or an earlier difference in
 * the state the step touched. A change nothing explains is unexplained, even if older differences
 * are explained: a new, independent difference is never hidden behind an old one.
 */
final class ChargeTracker {
  private final long[] previous;
  private final Origin[] origins;

  ChargeTracker(int components) {
    this.previous = new long[components];
    this.origins = new Origin[components];
  }

  /** The difference of {@code component} before the current step. */
  long previous(int component) {
    return previous[component];
  }

  /** Where the current difference of {@code component} dates from, if there is one. */
  @Nullable Origin origin(int component) {
    return origins[component];
  }

  /**
   * Records the difference after a step and explains it.
   *
   * @param stepCause the explanation of this step's errno or unmapped divergence, if any
   * @param touched the earlier difference this step's event acted on, if any
   * @param bound how many pages the event can move by itself (-1: no bound)
   * @return null when the sides agree
   */
  @Nullable Explanation observe(
      int component,
      long difference,
      StepContext context,
      @Nullable Explanation stepCause,
      @Nullable Origin touched,
      long bound,
      String subject) {
    long before = previous[component];
    previous[component] = difference;
    if (difference == 0) {
      origins[component] = null;
      return null;
    }
    Origin since = origins[component];
    if (difference == before) {
      return Explanation.follows(since, () -> amount(subject, difference, 0, null));
    }
    long change = difference - before;
    Origin earlier = before != 0 ? since : null;
    Explanation explanation;
    if (stepCause != null && stepCause.explained()) {
      if (bound >= 0 && Long.compareUnsigned(Math.abs(change), bound) > 0) {
        explanation =
            Explanation.unexplained(
                context.step,
                amount(subject, difference, before, earlier)
                    + ": the difference moved by "
                    + signed(change)
                    + " pages, more than the "
                    + bound
                    + " pages of the event");
      } else {
        explanation =
            new Explanation(
                stepCause.rule(),
                () -> stepCause.text() + "; " + amount(subject, difference, before, earlier),
                stepCause.origin());
      }
    } else if (touched != null) {
      explanation =
          Explanation.follows(
              touched,
              () ->
                  amount(subject, difference, before, earlier)
                      + ", changed at this step on a state that differs");
    } else {
      explanation =
          Explanation.unexplained(
              context.step,
              amount(subject, difference, before, earlier)
                  + ": this step changed the difference by "
                  + signed(change)
                  + " pages and no rule explains it");
    }
    origins[component] = explanation.origin();
    return explanation;
  }

  /**
   * {@code the pages charged to pid 7 differ by +3 pages}, with how it stood before this step and
   * since when if {@code earlier} is known.
   */
  private static String amount(
      String subject, long difference, long before, @Nullable Origin earlier) {
    String amount = subject + " differ by " + signed(difference) + " pages";
    return earlier == null
        ? amount
        : amount + " (" + signed(before) + " before this step, since " + earlier.describe() + ")";
  }

  static String signed(long value) {
    return value > 0 ? "+" + value : Long.toString(value);
  }
}
