package io.vfiomigrate.cli.report;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.Type1Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What a diff found, for the human and HTML reports: every divergence counted by rule, the first
 * {@code limit} kept with their events, and the unexplained ones counted apart so that the report
 * can say so at the top.
 */
public final class DiffSummary {
  /** A kept divergence with the description of its event. */
  public record Kept(Divergence divergence, String event) {
    public Kept {
      requireNonNull(divergence, "divergence is null");
      requireNonNull(event, "event is null");
    }
  }

  /** How often a rule explained a divergence, and where first. */
  public record RuleCount(String rule, long count, long firstStep) {}

  private final int limit;
  private final long pageSize;
  private final List<Kept> kept = new ArrayList<>();
  private final Map<String, long[]> byRule = new HashMap<>();
  private long total;
  private long unexplained;
  private long firstUnexplained = -1;
  private long divergentSteps;
  private long lastStep = -1;
  private long steps;

  public DiffSummary(int limit, long pageSize) {
    this.limit = limit;
    this.pageSize = pageSize;
  }

  public void step() {
    steps++;
  }

  /**
   * Counts the divergence of {@code step} explained by {@code rule} (empty: unexplained); keeps it,
   * built by {@code divergence}, while fewer than the limit are kept.
   */
  public void divergence(
      long step, String rule, Supplier<Divergence> divergence, Type1Event event) {
    total++;
    if (step != lastStep) {
      divergentSteps++;
      lastStep = step;
    }
    if (rule.isEmpty()) {
      unexplained++;
      if (firstUnexplained < 0) {
        firstUnexplained = step;
      }
    } else {
      byRule.computeIfAbsent(rule, r -> new long[] {0, step})[0]++;
    }
    if (kept.size() < limit) {
      kept.add(new Kept(divergence.get(), EventText.describe(event, pageSize)));
    }
  }

  public long steps() {
    return steps;
  }

  public long total() {
    return total;
  }

  public long unexplained() {
    return unexplained;
  }

  public long firstUnexplained() {
    return firstUnexplained;
  }

  public List<Kept> kept() {
    return Collections.unmodifiableList(kept);
  }

  /** Rules by id, with their counts. */
  public List<RuleCount> byRule() {
    List<RuleCount> counts = new ArrayList<>();
    new TreeMap<>(byRule)
        .forEach((rule, count) -> counts.add(new RuleCount(rule, count[0], count[1])));
    return counts;
  }

  /** The first line of every report: how many, and whether any is unexplained. */
  public String headline() {
    if (total == 0) {
      return "no divergence in " + steps + (steps == 1 ? " step" : " steps");
    }
    String found =
        total
            + (total == 1 ? " divergence" : " divergences")
            + " at "
            + divergentSteps
            + (divergentSteps == 1 ? " step" : " steps")
            + " of "
            + steps;
    if (unexplained == 0) {
      return found + ", all explained by known model differences";
    }
    return "UNEXPLAINED: "
        + unexplained
        + " of "
        + found
        + " match no known model difference"
        + " (first at step "
        + firstUnexplained
        + "): a model bug or a rule the catalogue lacks";
  }
}
