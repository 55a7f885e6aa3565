package io.vfiomigrate.cli.plan;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What one model needs: the high-water mark of every counter it checks that moved, and the highest
 * counter it moves without checking it (type1 counts a CAP_IPC_LOCK task's pins in VmLck but skips
 * the check, C9).
 */
public record ModelNeeds(PlanModel model, List<Need> needs, Optional<Need> unchecked) {
  /** Larger first; among equals, the one reached at the earlier step. */
  private static final Comparator<Need> LARGEST_FIRST_REACHED =
      Comparator.comparingLong(Need::bytes)
          .thenComparing(
              need -> need.step().isPresent() ? need.step().getAsLong() : 0L,
              Comparator.reverseOrder());

  public ModelNeeds {
    requireNonNull(model, "model is null");
    needs = List.copyOf(needs);
    requireNonNull(unchecked, "unchecked is null");
  }

  /** The largest need, the first reached among equals: what RLIMIT_MEMLOCK must be at least. */
  public Optional<Need> largest() {
    return needs.stream().max(LARGEST_FIRST_REACHED);
  }

  /** The model's minimum RLIMIT_MEMLOCK in bytes: 0 when nothing checked was charged. */
  public long minimumBytes() {
    return largest().map(Need::bytes).orElse(0L);
  }
}
