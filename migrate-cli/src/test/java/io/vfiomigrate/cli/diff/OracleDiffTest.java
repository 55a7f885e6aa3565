package io.vfiomigrate.cli.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.testing.Golden;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance test of the rule catalogue: the diff engine, run on what a real Linux 6.12.117
 * kernel reported for 59 traces through type1, vfio_compat and native iommufd, must explain every
 * divergence the kernel shows (per task VmLck and VmPin, errno, unmapped; the oracle sees no
 * per-user counters and no pin counts), with the rule each hand-designed scenario is about.
 */
final class OracleDiffTest {
  private static OracleResults oracle;

  @BeforeAll
  static void load() throws IOException {
    oracle = OracleResults.load();
  }

  static Stream<Arguments> comparisons() throws IOException {
    return OracleResults.load().traces().stream()
        .flatMap(trace -> Stream.of(Arguments.of(trace, "compat"), Arguments.of(trace, "iommufd")));
  }

  @ParameterizedTest(name = "{0}: type1 vs {1}")
  @MethodSource("comparisons")
  void everyDivergenceTheKernelShowsHasARule(String trace, String right) {
    List<Divergence> divergences = OracleDiffs.diff(oracle, trace, right);

    assertThat(divergences)
        .as("divergences no rule explains")
        .filteredOn(d -> d.getRule().isEmpty())
        .isEmpty();
  }

  @Test
  void theOracleDiffIsTheGoldenOne() {
    StringBuilder lines = new StringBuilder();
    Map<String, Integer> byRule = new TreeMap<>();
    for (String trace : oracle.traces()) {
      for (String right : List.of("compat", "iommufd")) {
        for (Divergence d : OracleDiffs.diff(oracle, trace, right)) {
          lines.append(trace).append(' ').append(right).append(' ').append(line(d)).append('\n');
          byRule.merge(d.getRule(), 1, Integer::sum);
        }
      }
    }

    Golden.assertMatches("diff/oracle-divergences.txt", lines.toString());
    assertThat(byRule.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1236);
    assertThat(byRule.keySet()).allSatisfy(rule -> assertThat(Rule.byId(rule)).isPresent());
  }

  @Test
  void handDesignedScenariosGetTheRuleTheyAreAbout() {
    Map<String, String> actual = new TreeMap<>();
    for (String expected : HAND_DESIGNED.strip().split("\n")) {
      String[] parts = expected.trim().split(" +");
      String trace = parts[0];
      String right = parts[1];
      String key = parts[0] + " " + parts[1] + " " + parts[2] + " " + parts[3];
      if (!actual.containsKey(key)) {
        for (Divergence d : OracleDiffs.diff(oracle, trace, right)) {
          actual.put(trace + " " + right + " " + d.getStep() + " " + d.getField(), d.getRule());
        }
      }
      assertThat(actual.get(key)).as(key).isEqualTo(parts[4]);
    }
  }

  /**
   * A difference the rules do not know, injected where the kernel shows none, is reported as
   * unexplained, also in traces whose earlier divergences are explained: an explained difference
   * never hides a new, independent one.
   */
  @ParameterizedTest(name = "{0}: type1 vs {1}")
  @MethodSource("comparisons")
  void anInjectedDifferenceIsUnexplained(String trace, String right) {
    List<Divergence> clean = OracleDiffs.diff(oracle, trace, right);
    Type1Trace events = OracleResults.trace(trace);
    List<StepResult> steps = oracle.steps(trace, right);
    List<Integer> candidates = new ArrayList<>();
    for (int step = 0; step < steps.size(); step++) {
      int s = step;
      Type1Event event = events.getEvents(step);
      boolean quiet = clean.stream().noneMatch(d -> d.getStep() == s);
      if (quiet && event.hasMapDma() && steps.get(step).getErrno().equals("OK")) {
        candidates.add(step);
      }
    }
    for (int step : candidates) {
      int pid = steps.get(step).getAccounting().getTasks(0).getPid();
      List<Divergence> perturbed =
          OracleDiffs.diff(
              oracle,
              trace,
              right,
              result -> result.getIndex() >= step ? addPinned(result, 3) : result);

      assertThat(perturbed)
          .as("step %d of %s", step, trace)
          .filteredOn(
              d ->
                  d.getStep() == step
                      && d.getField().equals("tasks[pid=" + pid + "].pinnedVmPages"))
          .singleElement()
          .satisfies(d -> assertThat(d.getRule()).isEmpty());
    }
  }

  private static StepResult addPinned(StepResult step, long pages) {
    StepResult.Builder builder = step.toBuilder();
    TaskAccounting task = step.getAccounting().getTasks(0);
    builder
        .getAccountingBuilder()
        .setTasks(0, task.toBuilder().setPinnedVmPages(task.getPinnedVmPages() + pages));
    return builder.build();
  }

  private static String line(Divergence d) {
    return d.getStep()
        + " "
        + d.getField()
        + " "
        + d.getLeft()
        + " "
        + d.getRight()
        + " "
        + (d.getRule().isEmpty() ? "UNEXPLAINED" : d.getRule());
  }

  /** trace, right side, step, field, rule: the difference each hand-designed scenario shows. */
  private static final String HAND_DESIGNED =
      """
      c1-same-memory-mapped-twice iommufd 4 tasks[pid=100].pinnedVmPages pinned-vm-iommufd-only
      c1-same-memory-mapped-twice iommufd 4 tasks[pid=100].lockedVmPages per-user-accounting
      c1-same-memory-mapped-twice-l384 iommufd 5 errno empty-unmap
      c6-mmio-bar-alone compat 3 errno mmio-map
      c6-mmio-bar-alone iommufd 4 errno follows-step
      c6-mmio-bar-mdev-pin iommufd 7 errno mmio-map
      c6-mmio-ram-plus-bar-one-range compat 3 tasks[pid=100].lockedVmPages mmio-map
      c7-two-processes-one-user iommufd 7 errno per-user-limit
      c7-two-processes-one-user iommufd 9 unmapped follows-step
      c9-cap-ipc-lock compat 3 tasks[pid=100].lockedVmPages cap-ipc-lock
      c9-cap-ipc-lock iommufd 3 tasks[pid=100].lockedVmPages cap-ipc-lock
      c9-cap-ipc-lock compat 3 tasks[pid=100].pinnedVmPages pinned-vm-iommufd-only
      detach-last-group-drops-mappings compat 5 errno no-iommu-set
      detach-last-group-drops-mappings compat 6 tasks[pid=100].pinnedVmPages follows-step
      detach-last-group-drops-mappings iommufd 8 errno follows-step
      dma-entry-limit compat 6 errno dma-entry-limit
      dma-entry-limit compat 6 tasks[pid=100].lockedVmPages dma-entry-limit
      dma-entry-limit compat 7 tasks[pid=100].lockedVmPages follows-step
      dma-entry-limit iommufd 8 errno follows-step
      dma-entry-limit iommufd 10 unmapped follows-step
      map-before-group-attach compat 1 errno no-iommu-set
      map-before-group-attach iommufd 1 errno no-iommu-set
      map-before-group-attach iommufd 2 tasks[pid=100].pinnedVmPages follows-step
      map-before-set-iommu compat 2 errno no-iommu-set
      map-before-set-iommu compat 4 errno follows-step
      map-no-read-no-write compat 8 errno map-no-permission
      map-no-read-no-write compat 9 errno follows-step
      map-no-read-no-write iommufd 9 errno unmapped-iova-errno
      map-wrap-iova iommufd 3 errno wrap-errno
      map-wrap-vaddr compat 3 errno wrap-errno
      pin-more-than-512-e2big compat 4 errno pin-max-entries
      pin-more-than-512-e2big iommufd 5 tasks[pid=100].pinnedVmPages follows-step
      pin-through-type1-v1-eacces iommufd 4 errno pin-v1-container
      pin-unmapped-iova compat 5 errno unmapped-iova-errno
      unmap-all-with-iova-or-size-einval iommufd 4 errno unmap-all-with-range
      unmap-empty-range iommufd 5 errno empty-unmap
      unmap-invalid-args compat 4 errno unmap-unaligned
      unmap-invalid-args iommufd 6 unmapped unmap-unaligned
      unmap-invalid-args compat 8 errno wrap-errno
      unmap-v1-covers-start compat 5 unmapped v1-partial-unmap
      unmap-v1-covers-start iommufd 6 errno v1-partial-unmap
      unmap-v1-start-inside compat 4 unmapped v1-partial-unmap
      unmap-v1-start-inside iommufd 4 errno v1-partial-unmap
      unmap-v2-bisect-end-inside compat 6 errno bisect-unmap
      unmap-v2-bisect-end-inside compat 6 unmapped bisect-unmap
      unmap-v2-bisect-end-inside compat 7 unmapped follows-step
      unmap-v2-bisect-start-inside iommufd 4 errno bisect-unmap
      random-01 iommufd 38 errno unmap-all-with-range
      random-01 iommufd 40 errno follows-step
      random-03 compat 45 errno set-iommu-repeat
      random-06 iommufd 15 errno per-user-limit
      random-06 iommufd 18 errno follows-step
      """;
}
