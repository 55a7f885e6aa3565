package io.vfiomigrate.cli.report;

import static io.vfiomigrate.cli.HumanFormat.sizeWithPages;

import io.vfiomigrate.proto.Divergence;
import java.io.PrintStream;
import java.util.List;

/**
 * The human report of a diff: the headline (which says first if anything is unexplained), the
 * counts by rule, then the kept divergences grouped by step under their event, each explanation
 * printed once under the fields it explains.
 */
public final class DiffText {
  private DiffText() {}

  public static void print(
      DiffSummary summary, String file, String left, String right, long pageSize, PrintStream out) {
    out.println(left + " vs " + right + " on " + file + ": " + summary.headline());
    if (summary.total() == 0) {
      return;
    }
    out.println();
    out.println("by rule:");
    Table rules = new Table(List.of("rule", "divergences", "first step"), false, true, true);
    for (DiffSummary.RuleCount count : summary.byRule()) {
      rules.add(
          List.of(count.rule(), Long.toString(count.count()), Long.toString(count.firstStep())));
    }
    if (summary.unexplained() > 0) {
      rules.add(
          List.of(
              "unexplained",
              Long.toString(summary.unexplained()),
              Long.toString(summary.firstUnexplained())));
    }
    rules.print(out, "  ");
    long step = -1;
    String explanation = null;
    for (DiffSummary.Kept kept : summary.kept()) {
      Divergence divergence = kept.divergence();
      if (divergence.getStep() != step) {
        step = divergence.getStep();
        explanation = null;
        out.println();
        out.println("step " + step + ": " + kept.event());
      }
      out.println(
          "  "
              + divergence.getField()
              + ": "
              + left
              + " "
              + value(divergence.getField(), divergence.getLeft(), pageSize)
              + ", "
              + right
              + " "
              + value(divergence.getField(), divergence.getRight(), pageSize)
              + "  ["
              + (divergence.getRule().isEmpty() ? "unexplained" : divergence.getRule())
              + "]");
      if (!divergence.getExplanation().equals(explanation)) {
        explanation = divergence.getExplanation();
        out.println("      " + explanation);
      }
    }
    long hidden = summary.total() - summary.kept().size();
    if (hidden > 0) {
      out.println();
      out.println("... and " + hidden + " more divergences (see --json for all of them)");
    }
  }

  /** Sizes for people: unmapped in bytes, counters in pages. */
  static String value(String field, String value, long pageSize) {
    if (field.equals("errno")) {
      return value;
    }
    long number = Long.parseUnsignedLong(value);
    if (field.equals("unmapped")) {
      return sizeWithPages(number, pageSize);
    }
    if (field.endsWith("Pages") || field.equals("pinRefs")) {
      return value + (field.equals("pinRefs") ? " refs" : " pages");
    }
    return value;
  }
}
