package io.vfiomigrate.trace.bench;

import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.TraceReader;
import io.vfiomigrate.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Binary trace streaming throughput, in events per second: reading (parse and schema check of every
 * event) and writing (through the temporary file, with the final sync and rename). Run with {@code
 * bin/bench proto TraceStreamingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TraceStreamingBenchmark {
  private static final int EVENTS = 200_000;
  private static final TraceHeader HEADER =
      TraceHeader.newBuilder().setFormatVersion(1).setPageSize(4096).build();

  private Path directory;
  private Path input;
  private Path output;
  private Type1Event[] events;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("trace-bench");
    input = directory.resolve("in.pb");
    output = directory.resolve("out.pb");
    events = new Type1Event[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      events[i] =
          Type1Event.newBuilder()
              .setPid(100)
              .setMapDma(
                  MapDma.newBuilder()
                      .setContainer(1)
                      .setVaddr(0x7f00_0000_0000L + i * 4096L)
                      .setIova(0xFFFF_FFFF_FFFF_F000L - i * 4096L)
                      .setSize(4096)
                      .setRead(true)
                      .setWrite(true))
              .build();
    }
    write(input);
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

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long readBinary() {
    long pids = 0;
    try (TraceReader reader = TraceReader.open(input)) {
      while (reader.hasNext()) {
        pids += reader.next().event().getPid();
      }
    }
    return pids;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void writeBinary() {
    write(output);
  }

  private void write(Path target) {
    try (TraceWriter writer = TraceWriter.create(target, List.of())) {
      writer.writeHeader(HEADER);
      for (Type1Event event : events) {
        writer.write(event);
      }
      writer.commit();
    }
  }
}
