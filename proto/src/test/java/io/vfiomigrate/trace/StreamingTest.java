package io.vfiomigrate.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.Type1Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million-event trace goes through the writer and the reader with flat memory. Memory is measured
 * as the heap still in use after a full collection, half way through each pass, against a baseline
 * taken before: the streaming classes hold one event and a 64 KiB buffer, while the file is over 30
 * MiB.
 */
final class StreamingTest {
  private static final int EVENTS = 1_000_000;
  private static final long MAX_RETAINED_GROWTH = 8L << 20;

  @TempDir Path directory;

  @Test
  void millionEventBinaryTraceStreamsWithFlatMemory() throws IOException {
    Path file = directory.resolve("big.pb");
    long baseline = retainedHeap();
    long duringWrite;
    try (TraceWriter writer = TraceWriter.create(file, List.of())) {
      writer.writeHeader(Samples.header());
      for (int i = 0; i < EVENTS / 2; i++) {
        writer.write(event(i));
      }
      duringWrite = retainedHeap();
      for (int i = EVENTS / 2; i < EVENTS; i++) {
        writer.write(event(i));
      }
      writer.commit();
    }
    long fileSize = Files.size(file);

    long count = 0;
    long duringRead = 0;
    try (TraceReader reader = TraceReader.open(file)) {
      assertThat(reader.header()).isEqualTo(Samples.header());
      while (reader.hasNext()) {
        IndexedEvent event = reader.next();
        assertThat(event.index()).isEqualTo(count);
        if (count == 0 || count == 123_457 || count == EVENTS - 1) {
          assertThat(event.event()).isEqualTo(event((int) count));
        }
        if (count == EVENTS / 2) {
          duringRead = retainedHeap();
        }
        count++;
      }
    }

    assertThat(count).isEqualTo(EVENTS);
    assertThat(fileSize).isGreaterThan(30L << 20);
    assertThat(duringWrite - baseline).isLessThan(MAX_RETAINED_GROWTH);
    assertThat(duringRead - baseline).isLessThan(MAX_RETAINED_GROWTH);
  }

  /** Event {@code i}: distinct, with u64 values above 2^63. */
  static Type1Event event(int i) {
    return Type1Event.newBuilder()
        .setPid(100)
        .setMapDma(
            MapDma.newBuilder()
                .setContainer(1)
                .setVaddr(0x7f00_0000_0000L + i * 4096L)
                .setIova(Samples.HIGH_IOVA - i * 4096L)
                .setSize(4096)
                .setRead(true)
                .setWrite(i % 2 == 0))
        .build();
  }

  private static long retainedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
