package io.vfiomigrate.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.diff.Comparison;
import io.vfiomigrate.cli.diff.DiffEngine;
import io.vfiomigrate.cli.shadow.Outcomes;
import io.vfiomigrate.cli.testing.Golden;
import io.vfiomigrate.proto.DiffReport;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.MessageFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The examples end to end. What each must show is fixed by the figures the spec gives ({@link
 * ExampleFigures}); the diff of those figures, and the models' replays and diff against them.
 */
final class ExamplesTest {
  @ParameterizedTest
  @EnumSource(ExampleFigures.class)
  void theTracesExpectWhatTheFiguresSay(ExampleFigures example) {
    Type1Trace trace = example.trace();
    List<StepResult> type1 = example.type1();
    for (int i = 0; i < trace.getEventsCount(); i++) {
      Type1Event event = trace.getEvents(i);
      if (event.hasExpect()) {
        assertThat(type1.get(i).getErrno()).as("event %d", i).isEqualTo(Outcomes.expected(event));
        if (event.hasUnmapDma()) {
          assertThat(type1.get(i).getUnmapped())
              .as("event %d", i)
              .isEqualTo(event.getExpect().getUnmapped());
        }
      }
    }
  }

  @Test
  void theDiffOfTheExpectedFiguresIsFullyExplained() {
    StringBuilder all = new StringBuilder();
    for (ExampleFigures example : ExampleFigures.values()) {
      for (Divergence d : diff(example)) {
        assertThat(d.getRule())
            .as("%s step %d %s", example.name, d.getStep(), d.getField())
            .isNotEmpty();
        all.append(example.name)
            .append(' ')
            .append(d.getStep())
            .append(' ')
            .append(d.getField())
            .append(' ')
            .append(d.getLeft())
            .append(' ')
            .append(d.getRight())
            .append(' ')
            .append(d.getRule())
            .append('\n');
      }
    }
    Golden.assertMatches("examples/expected-diffs.txt", all.toString());
  }

  @Test
  void eachExampleShowsWhatItsReadmeLineSays() {
    assertThat(rules(ExampleFigures.PASSTHROUGH_VM))
        .containsOnly("per-user-accounting", "pinned-vm-iommufd-only");
    assertThat(rules(ExampleFigures.VGPU_VM))
        .containsOnly("per-user-accounting", "pinned-vm-iommufd-only");
    assertThat(diff(ExampleFigures.PASSTHROUGH_VGPU_HOTPLUG))
        .filteredOn(d -> d.getField().equals("pinRefs"))
        .extracting(d -> d.getStep() + " " + d.getLeft() + " " + d.getRight() + " " + d.getRule())
        .containsExactly("5 262148 262144 double-pin-refs", "6 262149 262144 double-pin-refs");
    assertThat(diff(ExampleFigures.TWO_VMS_ONE_UID))
        .filteredOn(d -> d.getField().equals("errno") || d.getField().equals("unmapped"))
        .extracting(d -> d.getStep() + " " + d.getField() + " " + d.getRule())
        .containsExactly("8 errno per-user-limit", "12 unmapped follows-step");
    assertThat(diff(ExampleFigures.RLIMIT_MEMLOCK_FAILURE))
        .noneMatch(d -> d.getField().equals("errno"));
    assertThat(rules(ExampleFigures.CAP_IPC_LOCK_VM))
        .containsOnly("cap-ipc-lock", "pinned-vm-iommufd-only");
    assertThat(diff(ExampleFigures.V1_LEGACY_UNMAPS))
        .noneMatch(d -> d.getField().equals("unmapped"));
  }

  @ParameterizedTest
  @EnumSource(ExampleFigures.class)
  void type1ReplaysEachExampleAsTheSpecSays(ExampleFigures example) {
    CliRun run = CliRun.of("replay", "--backend", "type1", "--json", example.path().toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo(
            MessageFiles.toJson(
                ReplayResult.newBuilder()
                    .setBackend("type1")
                    .addAllSteps(example.type1())
                    .build()));
  }

  @ParameterizedTest
  @EnumSource(ExampleFigures.class)
  void nativeIommufdReplaysEachExampleAsTheSpecSays(ExampleFigures example) {
    CliRun run = CliRun.of("replay", "--backend", "iommufd", "--json", example.path().toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo(
            MessageFiles.toJson(
                ReplayResult.newBuilder()
                    .setBackend("iommufd")
                    .addAllSteps(example.iommufd())
                    .build()));
  }

  @ParameterizedTest
  @EnumSource(ExampleFigures.class)
  void theModelsDiffEachExampleAsTheSpecSays(ExampleFigures example) {
    CliRun run = CliRun.of("diff", "--json", example.path().toString());

    List<Divergence> expected = diff(example);
    assertThat(run.code()).isEqualTo(expected.isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS);
    assertThat(run.out())
        .isEqualTo(
            MessageFiles.toJson(
                DiffReport.newBuilder()
                    .setLeft("type1")
                    .setRight("iommufd")
                    .addAllDivergences(expected)
                    .build()));
  }

  private static List<String> rules(ExampleFigures example) {
    return diff(example).stream().map(Divergence::getRule).distinct().toList();
  }

  /** The diff engine on the expected figures: type1 against native iommufd in USER accounting. */
  static List<Divergence> diff(ExampleFigures example) {
    Type1Trace trace = example.trace();
    List<StepResult> left = example.type1();
    List<StepResult> right = example.iommufd();
    List<Divergence> divergences = new ArrayList<>();
    DiffEngine engine =
        new DiffEngine(
            trace.getHeader(),
            Comparison.againstIommufd(Accounting.USER),
            DiffEngine.Fields.ALL,
            (f, e) -> divergences.add(f.divergence()));
    for (int i = 0; i < trace.getEventsCount(); i++) {
      engine.accept(new IndexedEvent(i, trace.getEvents(i)), left.get(i), right.get(i));
    }
    return divergences;
  }
}
