package io.vfiomigrate.cli.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.testing.FakeBackends;
import io.vfiomigrate.cli.testing.ProductionApp;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.DiffReport;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff command's plumbing, on hand-made fakes whose figures mean nothing (see the fakes). */
final class DiffCommandTest {
  private static final String VM = Traces.EXAMPLES.resolve("passthrough-vm.json").toString();

  @TempDir Path directory;

  @Test
  void withoutTheModelsTheBackendsAreUnavailable() {
    CliRun run = CliRun.of(ProductionApp.withoutModels(), "diff", VM);

    assertThat(run.code()).isEqualTo(ExitCodes.SOFTWARE);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: backend type1 is not available in this build (the type1-legacy model is"
                + " not bound)\n");
  }

  @Test
  void theTableSaysFirstWhetherEverythingIsExplained() {
    CliRun run = CliRun.of(FakeBackends.app(), "diff", VM);

    assertThat(run.code()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(run.out())
        .startsWith(
            "type1 vs iommufd on "
                + VM
                + ": 6 divergences at 2 steps of 7, all explained by known model differences\n"
                + "\n"
                + "by rule:\n"
                + "  rule                    divergences  first step\n"
                + "  per-user-accounting               4           3\n"
                + "  pinned-vm-iommufd-only            2           3\n"
                + "\n"
                + "step 3: mapDma c1 iova 0x0 size 768 MiB (196608 pages) vaddr 0x7f0000000000 rw\n"
                + "  tasks[pid=4242].lockedVmPages: type1 196608 pages, iommufd 0 pages "
                + " [per-user-accounting]\n"
                + "      iommufd's USER accounting charges user_struct->locked_vm of uid 107, not"
                + " mm->locked_vm: VmLck of pid 4242 stays 0\n");
  }

  @Test
  void anUnexplainedDivergenceIsNamedAtTheTop() {
    CliRun run = CliRun.of(FakeBackends.app(), "diff", "--against", "compat", VM);

    assertThat(run.code()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(run.out().lines().findFirst().orElseThrow())
        .isEqualTo(
            "type1 vs compat on "
                + VM
                + ": UNEXPLAINED: 2 of 4 divergences at 2 steps of 7 match no known"
                + " model difference (first at step 3): a model bug or a rule the catalogue lacks");
    assertThat(run.out()).contains("[unexplained]");
  }

  @Test
  void theJsonHoldsEveryDivergenceWithEmptyRulesForUnexplainedOnes() throws IOException {
    CliRun run = CliRun.of(FakeBackends.app(), "diff", "--against", "compat", "--json", VM);

    Path file = directory.resolve("report.json");
    Files.writeString(file, run.out(), StandardCharsets.UTF_8);
    DiffReport report = MessageFiles.read(file, DiffReport.getDefaultInstance());
    assertThat(run.out()).isEqualTo(MessageFiles.toJson(report));
    assertThat(report.getLeft()).isEqualTo("type1");
    assertThat(report.getRight()).isEqualTo("compat");
    assertThat(report.getDivergencesList()).hasSize(4).extracting(Divergence::getRule).contains("");
    assertThat(run.err()).startsWith("vfio-migrate: " + VM + ": UNEXPLAINED: 2 of 4 divergences");
  }

  @Test
  void theHtmlReportIsOneSelfContainedFile() throws IOException {
    Path html = directory.resolve("report.html");

    CliRun run = CliRun.of(FakeBackends.app(), "diff", VM, "--html", html.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.FINDINGS);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("6 divergences at 2 steps of 7, all explained by known model differences")
        .contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        .contains("<code>per-user-accounting</code>")
        .doesNotContain("<script", "<link", "src=", "url(");
    assertThat(page.split("<polyline", -1)).hasSize(7);
    assertThat(page.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).containsExactly(html);
    }
    Path plain = Files.createFile(directory.resolve("plain.html"));
    assertThat(Files.getPosixFilePermissions(html)).isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void anHtmlReportThatCannotBeWrittenIsAnIoError() {
    Path missing = directory.resolve("missing");

    CliRun run =
        CliRun.of(
            FakeBackends.app(), "diff", VM, "--html", missing.resolve("report.html").toString());

    assertThat(run.code()).isEqualTo(ExitCodes.IO_ERROR);
    assertThat(run.err())
        .endsWith(
            "vfio-migrate: "
                + missing.resolve("report.html")
                + ": no such directory: "
                + missing
                + "\n");
  }

  @Test
  void theHtmlReportNeverReplacesTheInput() throws IOException {
    Path input = directory.resolve("vm.json");
    Files.copy(Path.of(VM), input);

    CliRun run =
        CliRun.of(FakeBackends.app(), "diff", input.toString(), "--html", input.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .isEqualTo("vfio-migrate: " + input + ": refusing to overwrite the input file\n");
    assertThat(Files.readString(input)).isEqualTo(Files.readString(Path.of(VM)));
  }

  @Test
  void noDivergenceExitsZero() throws IOException {
    Path trace = directory.resolve("quiet.json");
    Files.writeString(
        trace,
        MessageFiles.toJson(
            Traces.trace(
                "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
                "{\"pid\": 100, \"containerClose\": {\"container\": 1}}")),
        StandardCharsets.UTF_8);

    CliRun run = CliRun.of(FakeBackends.app(), "diff", trace.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo("type1 vs iommufd on " + trace + ": no divergence in 2 steps\n");
  }

  @Test
  void usageErrors() {
    assertThat(CliRun.of("diff", "--against", "type1", VM).err())
        .isEqualTo("vfio-migrate: diff: --against: expected compat or iommufd, got \"type1\"\n");
    assertThat(CliRun.of("diff", "--against", "compat", "--accounting", "user", VM).err())
        .isEqualTo(
            "vfio-migrate: diff: --accounting applies to --against iommufd only (compat is MM)\n");
    assertThat(CliRun.of("diff", "--max-shown", "-3", VM).err())
        .isEqualTo("vfio-migrate: diff: --max-shown: expected a count, got \"-3\"\n");
    assertThat(CliRun.of("diff", "--progress", "--no-progress", VM).code())
        .isEqualTo(ExitCodes.USAGE);
  }
}
