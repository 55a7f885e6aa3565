package io.vfiomigrate.cli.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.report.DivergenceJson;
import io.vfiomigrate.cli.report.StepJson;
import io.vfiomigrate.cli.testing.Golden;
import io.vfiomigrate.proto.DiffReport;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden files of the {@code --json} outputs, from real kernel figures (the oracle's): the streamed
 * ReplayResult and DiffReport are byte for byte what protobuf's printer prints for the whole
 * message, and stay what the golden files hold.
 */
final class OracleJsonReportsTest {
  @ParameterizedTest
  @CsvSource({
    "c1-same-memory-mapped-twice, type1",
    "c4-mdev-pins-with-iommu-domain, compat",
    "c7-two-processes-one-user, iommufd"
  })
  void replayJson(String trace, String backend) throws IOException {
    List<StepResult> steps = OracleResults.load().steps(trace, backend);
    StringBuilder streamed = new StringBuilder();
    StepJson json = new StepJson(streamed, backend);
    steps.forEach(json::step);
    json.finish();

    assertThat(streamed.toString())
        .isEqualTo(
            MessageFiles.toJson(
                ReplayResult.newBuilder().setBackend(backend).addAllSteps(steps).build()));
    Golden.assertMatches("json/" + trace + "." + backend + ".replay.json", streamed.toString());
  }

  @ParameterizedTest
  @CsvSource({
    "dma-entry-limit, compat",
    "c7-two-processes-one-user, iommufd",
    "unmap-v1-covers-start, compat"
  })
  void diffJson(String trace, String right) throws IOException {
    List<Divergence> divergences = OracleDiffs.diff(OracleResults.load(), trace, right);
    StringBuilder streamed = new StringBuilder();
    DivergenceJson json = new DivergenceJson(streamed, "type1", right);
    divergences.forEach(json::divergence);
    json.finish();

    assertThat(streamed.toString())
        .isEqualTo(
            MessageFiles.toJson(
                DiffReport.newBuilder()
                    .setLeft("type1")
                    .setRight(right)
                    .addAllDivergences(divergences)
                    .build()));
    Golden.assertMatches("json/" + trace + "." + right + ".diff.json", streamed.toString());
  }

  @Test
  void emptyReportsAndAwkwardStringsPrintAsProtobufPrintsThem() {
    StringBuilder steps = new StringBuilder();
    StepJson replay = new StepJson(steps, "ty\"pe<1>");
    replay.finish();
    assertThat(steps.toString())
        .isEqualTo(MessageFiles.toJson(ReplayResult.newBuilder().setBackend("ty\"pe<1>").build()));

    Divergence odd =
        Divergence.newBuilder()
            .setStep(-1)
            .setField("tasks[pid=4294967295].lockedVmPages")
            .setLeft("18446744073709551615")
            .setRight("é\n\t\u0001'&")
            .build();
    StringBuilder divergences = new StringBuilder();
    DivergenceJson diff = new DivergenceJson(divergences, "a", "b");
    diff.divergence(odd);
    diff.divergence(odd);
    diff.finish();
    assertThat(divergences.toString())
        .isEqualTo(
            MessageFiles.toJson(
                DiffReport.newBuilder()
                    .setLeft("a")
                    .setRight("b")
                    .addDivergences(odd)
                    .addDivergences(odd)
                    .build()));
  }
}
