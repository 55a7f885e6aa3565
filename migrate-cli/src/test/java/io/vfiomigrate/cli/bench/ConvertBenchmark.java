package io.vfiomigrate.cli.bench;

import io.vfiomigrate.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code vfio-migrate convert} on a synthetic 1-million-event binary trace, binary out, in events
 * per second: the whole command in process (read, convert, write, sync, rename), without JVM
 * start-up. Run with {@code bin/bench migrate-cli ConvertBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ConvertBenchmark {
  static final int EVENTS = 1_000_000;

  @Param({"kvmgt-churn", "viommu", "ccw"})
  public String scenario;

  private Path directory;
  private Path trace;
  private Path program;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("convert-bench");
    trace = directory.resolve("trace.pb");
    program = directory.resolve("program.pb");
    require(
        CliRun.of(
            "synth",
            "--scenario",
            scenario,
            "--events",
            Integer.toString(EVENTS),
            "-o",
            trace.toString()));
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public int convert() {
    return require(CliRun.of("convert", trace.toString(), "-o", program.toString())).code();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(directory);
  }

  static CliRun require(CliRun run) {
    if (run.code() != 0) {
      throw new IllegalStateException(run.err());
    }
    return run;
  }
}
