package io.vfiomigrate.cli.bench;

import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.diff.Comparison;
import io.vfiomigrate.cli.diff.DiffEngine;
import io.vfiomigrate.cli.replay.Snapshots;
import io.vfiomigrate.cli.testing.ProductionApp;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The diff per event, on a 1-million-event trace of each scenario:
 *
 * <ul>
 *   <li>{@code engine}: {@link DiffEngine#accept} alone, over pre-built steps whose two sides
 *       differ by placement at every pin (both shadows, rules, comparisons);
 *   <li>{@code command}: the whole {@code diff --against AGAINST} command in process with the real
 *       models as {@code Main} wires them (reading, type1-legacy and the other side replaying, the
 *       conversion for native iommufd, snapshots, the engine, the report).
 * </ul>
 *
 * Run with {@code bin/bench migrate-cli DiffBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class DiffBenchmark {
  static final int EVENTS = 1_000_000;

  @Param({"kvmgt-churn", "viommu", "ccw"})
  public String scenario;

  @Param({"iommufd", "compat"})
  public String against;

  private Path trace;
  private TraceHeader header;
  private IndexedEvent[] events;
  private StepResult[] left;
  private StepResult[] right;
  private CliApp app;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path directory = Files.createTempDirectory("diff-bench");
    trace = directory.resolve("trace.pb");
    trace.toFile().deleteOnExit();
    directory.toFile().deleteOnExit();
    ConvertBenchmark.require(
        CliRun.of(
            "synth",
            "--scenario",
            scenario,
            "--events",
            Integer.toString(EVENTS),
            "-o",
            trace.toString()));
    List<IndexedEvent> read = new ArrayList<>();
    try (TraceReader reader = TraceReader.open(trace)) {
      header = reader.header();
      reader.forEachRemaining(read::add);
    }
    events = read.toArray(IndexedEvent[]::new);
    left = new StepResult[events.length];
    right = new StepResult[events.length];
    AccountingSnapshot zero = Snapshots.zero(header);
    long charged = 0;
    for (int i = 0; i < events.length; i++) {
      Type1Event event = events[i].event();
      if (event.hasPinPages()) {
        charged += event.getPinPages().getNpage();
      } else if (event.hasUnpinPages()) {
        charged -= event.getUnpinPages().getNpage();
      }
      left[i] = step(i, event, zero, charged, 0, 0);
      right[i] = step(i, event, zero, 0, charged, charged);
    }
    app = ProductionApp.create();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long engine() {
    long[] divergences = {0};
    DiffEngine engine =
        new DiffEngine(
            header,
            Comparison.againstIommufd(Accounting.USER),
            DiffEngine.Fields.ALL,
            (d, e) -> divergences[0]++);
    for (int i = 0; i < events.length; i++) {
      engine.accept(events[i], left[i], right[i]);
    }
    return divergences[0];
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public int command() {
    return CliRun.of(app, "diff", "--against", against, "--max-shown", "100", trace.toString())
        .code();
  }

  private static StepResult step(
      int index, Type1Event event, AccountingSnapshot zero, long locked, long pinned, long user) {
    AccountingSnapshot.Builder accounting = zero.toBuilder();
    accounting.getTasksBuilder(0).setLockedVmPages(locked).setPinnedVmPages(pinned);
    accounting.getUsersBuilder(0).setLockedVmPages(user);
    accounting.setPinnedPages(locked + pinned).setPinRefs(locked + pinned);
    return Snapshots.step(index, event.getOpCase().name(), "OK", 0, accounting.build());
  }
}
