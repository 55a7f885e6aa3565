package io.vfiomigrate.cli.diff;

import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs the diff engine on the oracle's real results of one trace: type1 against compat or iommufd.
 */
final class OracleDiffs {
  private OracleDiffs() {}

  static Comparison comparison(String right) {
    return right.equals("compat")
        ? Comparison.againstCompat()
        : Comparison.againstIommufd(Accounting.USER);
  }

  static List<Divergence> diff(OracleResults oracle, String trace, String right) {
    return diff(oracle, trace, right, UnaryOperator.identity());
  }

  /** The same, with the right side's steps passed through {@code change} first. */
  static List<Divergence> diff(
      OracleResults oracle, String trace, String right, UnaryOperator<StepResult> change) {
    Type1Trace events = OracleResults.trace(trace);
    List<StepResult> left = oracle.steps(trace, "type1");
    List<StepResult> other = oracle.steps(trace, right);
    List<Divergence> divergences = new ArrayList<>();
    DiffEngine engine =
        new DiffEngine(
            events.getHeader(),
            comparison(right),
            DiffEngine.Fields.TASKS,
            (f, e) -> divergences.add(f.divergence()));
    for (int i = 0; i < left.size(); i++) {
      engine.accept(
          new IndexedEvent(i, events.getEvents(i)), left.get(i), change.apply(other.get(i)));
    }
    return divergences;
  }
}
