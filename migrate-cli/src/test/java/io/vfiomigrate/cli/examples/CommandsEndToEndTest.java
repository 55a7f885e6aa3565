package io.vfiomigrate.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.testing.Golden;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.DiffReport;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command on the real models, through {@code CliApp.run} as {@code Main} wires it, for every
 * example and for a small trace of every synth scenario: {@code replay --json} on the three
 * backends, {@code diff --json} and {@code diff --html} against iommufd (USER and MM accounting)
 * and compat, {@code convert} to JSON and binary and the replay of the program. The figures of
 * every step and every divergence with its rule id are in a golden file per input ({@code
 * src/test/resources/e2e/}); the tests also hold the outputs to each other (the table, JSON and
 * HTML report the same diff; a converted program replays to the same steps as the trace).
 */
final class CommandsEndToEndTest {
  /** The synth traces: small enough to read, every scenario. */
  private static final Map<String, String[]> SYNTH =
      Map.ofEntries(
          Map.entry(
              "synth-vm-boot",
              new String[] {"--scenario", "vm-boot", "--devices", "2", "--ram", "4G"}),
          Map.entry(
              "synth-vm-boot-1t-hugetlb-1g",
              new String[] {"--scenario", "vm-boot", "--ram", "1T", "--backing", "hugetlb-1g"}),
          Map.entry(
              "synth-kvmgt-churn",
              new String[] {"--scenario", "kvmgt-churn", "--events", "60", "--ram", "1G"}),
          Map.entry(
              "synth-ccw", new String[] {"--scenario", "ccw", "--events", "40", "--ram", "1G"}),
          Map.entry("synth-ap", new String[] {"--scenario", "ap", "--events", "40", "--ram", "1G"}),
          Map.entry(
              "synth-hotplug",
              new String[] {"--scenario", "hotplug", "--cycles", "2", "--ram", "1G"}),
          Map.entry(
              "synth-multi-vm",
              new String[] {
                "--scenario", "multi-vm", "--vms", "2", "--ram", "1G", "--memlock", "1536M"
              }),
          Map.entry(
              "synth-viommu",
              new String[] {
                "--scenario", "viommu", "--devices", "2", "--events", "60", "--ram", "1G"
              }));

  /** {@code diff} variants: the argument list after {@code diff}, before the file. */
  private static final List<List<String>> DIFFS =
      List.of(
          List.of("--against", "iommufd"),
          List.of("--against", "iommufd", "--accounting", "mm"),
          List.of("--against", "compat"));

  @TempDir static Path work;

  @BeforeAll
  static void synthesize() {
    SYNTH.forEach(
        (name, args) -> {
          List<String> argv = new ArrayList<>(List.of("synth"));
          argv.addAll(List.of(args));
          argv.addAll(List.of("-o", work.resolve(name + ".json").toString()));
          CliRun run = CliRun.of(argv.toArray(String[]::new));
          assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
        });
  }

  static Stream<String> inputs() {
    List<String> names = new ArrayList<>();
    for (ExampleFigures example : ExampleFigures.values()) {
      names.add(example.name);
    }
    names.addAll(new TreeMap<>(SYNTH).keySet());
    return names.stream();
  }

  @ParameterizedTest
  @MethodSource("inputs")
  void everyCommandGivesTheGoldenFiguresAndRules(String name) throws IOException {
    Path trace = input(name);
    StringBuilder golden = new StringBuilder("# ").append(name).append('\n');

    golden.append("replay, one row per event: type1 ; compat ; iommufd (USER)\n");
    List<List<StepResult>> replays = new ArrayList<>();
    for (String backend : List.of("type1", "compat", "iommufd")) {
      replays.add(replay(backend, trace));
    }
    for (int i = 0; i < replays.get(0).size(); i++) {
      List<String> rows = new ArrayList<>();
      for (List<StepResult> steps : replays) {
        rows.add(ExpectedSteps.row(steps.get(i)));
      }
      golden
          .append(i)
          .append(' ')
          .append(replays.get(0).get(i).getOp())
          .append(": ")
          .append(String.join(" ; ", rows))
          .append('\n');
    }

    for (List<String> variant : DIFFS) {
      golden.append("diff ").append(String.join(" ", variant)).append(": ");
      golden.append(diff(variant, trace));
    }
    Golden.assertMatches("e2e/" + name + ".txt", golden.toString());
  }

  @ParameterizedTest
  @MethodSource("inputs")
  void aConvertedProgramReplaysToTheStepsOfTheTrace(String name) throws IOException {
    Path trace = input(name);
    List<StepResult> fromTrace = replay("iommufd", trace);
    for (String extension : List.of(".json", ".pb")) {
      Path program = work.resolve(name + ".program" + extension);
      CliRun convert = CliRun.of("convert", trace.toString(), "-o", program.toString());
      assertThat(convert.code()).as(convert.err()).isEqualTo(ExitCodes.OK);

      IommufdProgram ops = MessageFiles.read(program, IommufdProgram.getDefaultInstance());
      List<StepResult> expected = new ArrayList<>();
      for (StepResult step : fromTrace) {
        if (ops.getOpsList().stream().anyMatch(op -> op.getSourceEvent() == step.getIndex())) {
          expected.add(step.toBuilder().clearOp().build());
        }
      }
      assertThat(replay("iommufd", program))
          .extracting(step -> step.toBuilder().clearOp().build())
          .containsExactlyElementsOf(expected);
    }
  }

  private static Path input(String name) {
    return SYNTH.containsKey(name)
        ? work.resolve(name + ".json")
        : Traces.EXAMPLES.resolve(name + ".json");
  }

  private static List<StepResult> replay(String backend, Path file) throws IOException {
    CliRun run = CliRun.of("replay", "--backend", backend, "--json", file.toString());
    assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    ReplayResult result = parse(run.out(), ReplayResult.newBuilder());
    assertThat(result.getBackend()).isEqualTo(backend);
    CliRun table = CliRun.of("replay", "--backend", backend, file.toString());
    assertThat(table.code()).isEqualTo(ExitCodes.OK);
    assertThat(table.out()).contains("after the last step");
    return result.getStepsList();
  }

  /**
   * One diff variant three ways: the JSON's divergences with their rules, the table's headline and
   * counts by rule, the HTML report with the same headline. Returns the headline, the counts and
   * the divergences, one per line.
   */
  private static String diff(List<String> variant, Path trace) throws IOException {
    List<String> args = new ArrayList<>(List.of("diff"));
    args.addAll(variant);
    args.add(trace.toString());
    CliRun json = CliRun.of(with(args, "--json"));
    Path html = work.resolve("report-" + trace.getFileName() + "-" + variant.size() + ".html");
    CliRun table = CliRun.of(with(args, "--html", html.toString()));

    DiffReport report = parse(json.out(), DiffReport.newBuilder());
    assertThat(json.code())
        .isEqualTo(table.code())
        .isEqualTo(report.getDivergencesCount() == 0 ? ExitCodes.OK : ExitCodes.FINDINGS);
    assertThat(json.err()).isEmpty();
    assertThat(report.getDivergencesList())
        .as("every divergence is explained")
        .allMatch(d -> !d.getRule().isEmpty());
    String headline = table.out().lines().findFirst().orElseThrow();
    assertThat(headline).contains(report.getDivergencesCount() + " divergences");
    assertThat(Files.readString(html, StandardCharsets.UTF_8))
        .contains("<svg")
        .contains(headline.substring(headline.indexOf(": ") + 2));

    StringBuilder out = new StringBuilder(headline.substring(headline.indexOf(": ") + 2));
    out.append('\n');
    table
        .out()
        .lines()
        .skip(1)
        .takeWhile(line -> !line.startsWith("step "))
        .filter(l -> !l.isBlank())
        .forEach(line -> out.append(line).append('\n'));
    for (Divergence d : report.getDivergencesList()) {
      out.append("  ")
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
    return out.toString();
  }

  private static String[] with(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M parse(String json, Message.Builder builder)
      throws InvalidProtocolBufferException {
    JsonFormat.parser().merge(json, builder);
    return (M) builder.build();
  }
}
