package io.vfiomigrate.cli.diff;

import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.List;

/** Prints every divergence of the oracle's results with its rule (a development aid). */
public final class OracleDump {
  public static void main(String[] args) throws Exception {
    OracleResults oracle = OracleResults.load();
    int unexplained = 0;
    int total = 0;
    for (String name : oracle.traces()) {
      if (args.length > 0 && !name.startsWith(args[0])) continue;
      Type1Trace trace = OracleResults.trace(name);
      for (String right : List.of("compat", "iommufd")) {
        Comparison comparison = right.equals("compat") ? Comparison.againstCompat() : Comparison.againstIommufd(io.vfiomigrate.cli.convert.Accounting.USER);
        List<StepResult> l = oracle.steps(name, "type1");
        List<StepResult> r = oracle.steps(name, right);
        int[] counts = new int[2];
        DiffEngine engine = new DiffEngine(trace.getHeader(), comparison, DiffEngine.Fields.TASKS, (d, e) -> {
          counts[0]++;
          if (d.getRule().isEmpty()) counts[1]++;
          System.out.printf("%s %s #%d %s %s: %s -> %s [%s] %s%n", name, right, d.getStep(), e.getOpCase(), d.getField(), d.getLeft(), d.getRight(), d.getRule().isEmpty() ? "UNEXPLAINED" : d.getRule(), d.getExplanation());
        });
        for (int i = 0; i < l.size(); i++) {
          engine.accept(new IndexedEvent(i, trace.getEvents(i)), l.get(i), r.get(i));
        }
        total += counts[0];
        unexplained += counts[1];
      }
    }
    System.out.println("total " + total + " unexplained " + unexplained);
  }
}
