package io.vfiomigrate.cli.diff;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.cli.replay.Snapshots;
import io.vfiomigrate.cli.shadow.ContainerShadows;
import io.vfiomigrate.cli.shadow.Semantics;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceHeaders;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Compares two replays of one type1 trace step by step (type1 on the left, compat or iommufd on the
 * right) and explains every divergence with a {@link Rule}: errno, unmapped size, and every counter
 * of the snapshot. Fed one step at a time, it keeps what the rules need (both sides' container
 * state, the counters of the previous step, the differences' origins) and never the steps, so it
 * runs in memory bounded by the trace's live state.
 *
 * <p>Per step: the errno and unmapped divergences get a rule from {@link ResultRules}; then both
 * sides' container state advances with their outcomes; then {@link AccountingComparer} compares the
 * counters, tracking how much the charged pages differ and since when ({@link ChargeTracker}).
 */
public final class DiffEngine {
  /** Which counters to compare: all of them, or tasks only (the oracle sees no others). */
  public record Fields(boolean users, boolean pages) {
    public static final Fields ALL = new Fields(true, true);
    public static final Fields TASKS = new Fields(false, false);
  }

  private final Comparison comparison;
  private final Fields fields;
  private final DivergenceSink sink;
  private final HeaderFacts facts;
  private final ContainerShadows leftShadow;
  private final ContainerShadows rightShadow;
  private final StateOrigins origins = new StateOrigins();
  private final ChargeTracker charges;
  private final ResultRules results;
  private final AccountingComparer accounting;
  private AccountingSnapshot leftBefore;
  private AccountingSnapshot rightBefore;
  private @Nullable Type1Event current;
  private long currentStep;

  public DiffEngine(TraceHeader header, Comparison comparison, Fields fields, DivergenceSink sink) {
    this.comparison = requireNonNull(comparison, "comparison is null");
    this.fields = requireNonNull(fields, "fields is null");
    this.sink = requireNonNull(sink, "sink is null");
    this.facts = new HeaderFacts(header);
    long pageSize = TraceHeaders.pageSize(header);
    this.leftShadow = new ContainerShadows(Semantics.TYPE1, pageSize);
    this.rightShadow = new ContainerShadows(comparison.rightSemantics(), pageSize);
    AccountingSnapshot zero = Snapshots.zero(header);
    this.leftBefore = zero;
    this.rightBefore = zero;
    this.charges = new ChargeTracker(AccountingComparer.components(zero));
    this.results = new ResultRules(charges);
    this.accounting = new AccountingComparer(facts, comparison, charges, zero, this::emitCounter);
  }

  /**
   * Compares step {@code indexed.index()}: {@code left} is type1's result, {@code right} the other.
   */
  public void accept(IndexedEvent indexed, StepResult left, StepResult right) {
    long step = indexed.index();
    Type1Event event = indexed.event();
    current = event;
    currentStep = step;
    StepContext context =
        new StepContext(
            step,
            event,
            left,
            right,
            leftBefore,
            rightBefore,
            leftShadow,
            rightShadow,
            facts,
            comparison);
    Origin touched = origins.touched(context);
    Explanation stepCause = null;
    boolean errnoDiffers = !left.getErrno().equals(right.getErrno());
    if (errnoDiffers || left.getUnmapped() != right.getUnmapped()) {
      stepCause = results.explain(context, touched);
      if (errnoDiffers) {
        emit("errno", left.getErrno(), right.getErrno(), stepCause);
      }
      if (left.getUnmapped() != right.getUnmapped()) {
        emit(
            "unmapped",
            Long.toUnsignedString(left.getUnmapped()),
            Long.toUnsignedString(right.getUnmapped()),
            stepCause);
      }
    }
    StateOrigins.Fingerprints before = StateOrigins.fingerprints(context);
    leftShadow.apply(step, event, left.getErrno(), left.getUnmapped());
    rightShadow.apply(step, event, right.getErrno(), right.getUnmapped());
    origins.update(context, stepCause, before);
    accounting.compare(context, stepCause, touched, fields.users(), fields.pages());
    leftBefore = left.getAccounting();
    rightBefore = right.getAccounting();
  }

  private void emitCounter(String field, long left, long right, Explanation explanation) {
    emit(field, () -> Long.toUnsignedString(left), () -> Long.toUnsignedString(right), explanation);
  }

  private void emit(String field, String left, String right, Explanation explanation) {
    emit(field, () -> left, () -> right, explanation);
  }

  private void emit(
      String field, Supplier<String> left, Supplier<String> right, Explanation explanation) {
    long step = currentStep;
    sink.accept(
        new Finding(
            step,
            explanation.ruleId(),
            () ->
                Divergence.newBuilder()
                    .setStep((int) step)
                    .setField(field)
                    .setLeft(left.get())
                    .setRight(right.get())
                    .setRule(explanation.ruleId())
                    .setExplanation(explanation.text())
                    .build()),
        current);
  }
}
