package io.vfiomigrate.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.cli.shadow.Outcomes;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceFormatException;
import io.vfiomigrate.trace.TraceReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's handoff: order, failures in place, and no thread outliving it. */
final class ReplayPipelineTest {
  /** More than two batches, the last one partial. */
  private static final int EVENTS = 2 * ReplayPipeline.BATCH + 100;

  @TempDir Path directory;

  @AfterEach
  void noWorkerOutlivesItsPipeline() {
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().startsWith("replay-"));
  }

  @Test
  void stepsComeInEventOrderFromTheWorkers() throws IOException {
    Scripted left = new Scripted("left");
    Scripted right = new Scripted("right");
    List<String> seen = new ArrayList<>();

    try (TraceReader trace = trace(EVENTS, -1);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(left, right))) {
      while (steps.hasNext()) {
        IndexedEvent event = steps.next();
        seen.add(event.index() + " " + describe(steps.step(0)) + " " + describe(steps.step(1)));
      }
    }

    assertThat(seen)
        .containsExactlyElementsOf(
            IntStream.range(0, EVENTS).mapToObj(i -> i + " left@" + i + " right@" + i).toList());
    assertThat(left.threads).containsExactly("replay-left");
    assertThat(right.threads).containsExactly("replay-right");
  }

  @Test
  void aReplayFailureIsThrownAtItsEventAfterTheStepsBefore() throws IOException {
    IllegalStateException failure = new IllegalStateException("model bug");
    Scripted left = new Scripted("left");
    Scripted right = new Scripted("right").failingAt(1500, failure);
    List<Long> consumed = new ArrayList<>();

    try (TraceReader trace = trace(EVENTS, -1);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(left, right))) {
      assertThatThrownBy(
              () -> {
                while (steps.hasNext()) {
                  IndexedEvent event = steps.next();
                  steps.step(0);
                  steps.step(1);
                  consumed.add(event.index());
                }
              })
          .isSameAs(failure);
      assertThat(steps.step(0).getIndex()).isEqualTo(1500);
    }

    assertThat(consumed).hasSize(1500).endsWith(1499L);
  }

  @Test
  void theFirstReplayAskedForThrowsFirstWhenBothFailAtOneEvent() throws IOException {
    RuntimeException first = new IllegalArgumentException("left");
    RuntimeException second = new IllegalArgumentException("right");

    try (TraceReader trace = trace(EVENTS, -1);
        ReplayPipeline steps =
            ReplayPipeline.start(
                trace,
                List.of(
                    new Scripted("left").failingAt(7, first),
                    new Scripted("right").failingAt(7, second)))) {
      for (int i = 0; i < 7; i++) {
        steps.next();
        steps.step(0);
        steps.step(1);
      }
      steps.next();
      assertThatThrownBy(() -> steps.step(0)).isSameAs(first);
      assertThatThrownBy(() -> steps.step(1)).isSameAs(second);
    }
  }

  @Test
  void anErrorOfAReplayIsThrownAsItIs() throws IOException {
    StackOverflowError error = new StackOverflowError("deep");

    try (TraceReader trace = trace(10, -1);
        ReplayPipeline steps =
            ReplayPipeline.start(trace, List.of(new Scripted("only").failingAt(0, error)))) {
      steps.next();
      assertThatThrownBy(() -> steps.step(0)).isSameAs(error);
    }
  }

  @Test
  void aKernelBugStopsThatReplayOnlyFromItsStepOn() throws IOException {
    Scripted left = new Scripted("left").bugAt(2000);
    Scripted right = new Scripted("right");

    try (TraceReader trace = trace(EVENTS, -1);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(left, right))) {
      long rightSteps = 0;
      while (steps.hasNext()) {
        IndexedEvent event = steps.next();
        if (event.index() == 2000) {
          assertThat(steps.bug(0)).isEmpty();
          assertThat(steps.step(0).getErrno()).isEqualTo(Outcomes.BUG);
          assertThat(steps.bug(0)).containsSame(left.bug);
        }
        if (event.index() > 2000) {
          assertThatThrownBy(() -> steps.step(0))
              .isInstanceOf(IllegalStateException.class)
              .hasMessage("the replay stopped at a kernel BUG");
        }
        steps.step(1);
        rightSteps++;
      }
      assertThat(rightSteps).isEqualTo(EVENTS);
      assertThat(steps.bug(1)).isEmpty();
    }

    assertThat(left.applied).isEqualTo(2001);
  }

  @Test
  void aReadFailureComesAfterTheEventsBeforeIt() throws IOException {
    List<Long> consumed = new ArrayList<>();

    try (TraceReader trace = trace(EVENTS, 1800);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(new Scripted("only")))) {
      assertThatThrownBy(
              () -> {
                while (steps.hasNext()) {
                  consumed.add(steps.next().index());
                  steps.step(0);
                }
              })
          .isInstanceOf(TraceFormatException.class)
          .hasMessageEndingWith("event 1800: unknown field \"vendor\" in ContainerOpen");
    }

    assertThat(consumed).hasSize(1800);
  }

  @Test
  void aReadFailureAfterWhereTheCallerStopsNeverSurfaces() throws IOException {
    try (TraceReader trace = trace(EVENTS, 1800);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(new Scripted("only")))) {
      for (int i = 0; i < 10; i++) {
        steps.next();
        steps.step(0);
      }
    }
  }

  @Test
  void closingEarlyStopsTheWorkersBeforeTheEndOfTheTrace() throws IOException {
    Scripted only = new Scripted("only");

    try (TraceReader trace = trace(10 * ReplayPipeline.BATCH, -1);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(only))) {
      steps.next();
      steps.step(0);
    }

    assertThat(only.applied).isLessThanOrEqualTo(ReplayPipeline.DEPTH * ReplayPipeline.BATCH);
  }

  @Test
  void anInterruptWhileWaitingIsKeptForLaterAndChangesNothing() throws IOException {
    long consumed = 0;

    try (TraceReader trace = trace(EVENTS, -1);
        ReplayPipeline steps = ReplayPipeline.start(trace, List.of(new Scripted("only")))) {
      // The first batch's wait reads the whole trace, which is shorter than the flight.
      steps.next();
      Thread.currentThread().interrupt();
      while (steps.hasNext()) {
        steps.next();
        steps.step(0);
        consumed++;
      }
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }

    assertThat(consumed).isEqualTo(EVENTS - 1);
  }

  private static String describe(StepResult step) {
    return step.getOp() + "@" + step.getIndex();
  }

  /**
   * A trace of {@code events} containerOpen events of pid 100; event {@code unreadable} (if not -1)
   * has a field the schema lacks.
   */
  private TraceReader trace(int events, int unreadable) throws IOException {
    String body =
        IntStream.range(0, events)
            .mapToObj(
                i ->
                    "{\"pid\": 100, \"containerOpen\": {\"container\": "
                        + (i + 1)
                        + (i == unreadable ? ", \"vendor\": 3" : "")
                        + "}}")
            .collect(Collectors.joining(",\n"));
    Path file = directory.resolve("trace.json");
    Files.writeString(
        file,
        "{\"header\": " + Traces.HEADER + ", \"events\": [" + body + "]}",
        StandardCharsets.UTF_8);
    return TraceReader.open(file);
  }

  /** A replay that makes steps named after itself, and fails or takes a BUG where told. */
  private static final class Scripted implements EventReplay {
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final String name;
    private long failAt = -1;
    private @Nullable Throwable failure;
    private long bugAt = -1;
    @Nullable KernelBug bug;
    volatile long applied;

    Scripted(String name) {
      this.name = name;
    }

    Scripted failingAt(long index, Throwable failure) {
      this.failAt = index;
      this.failure = failure;
      return this;
    }

    Scripted bugAt(long index) {
      this.bugAt = index;
      return this;
    }

    @Override
    public String backend() {
      return name;
    }

    @Override
    public StepResult apply(IndexedEvent event) {
      threads.add(Thread.currentThread().getName());
      if (event.index() == failAt) {
        if (failure instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) failure;
      }
      applied++;
      String errno = Outcomes.OK;
      if (event.index() == bugAt) {
        bug = new KernelBug("scripted", "at event " + bugAt);
        errno = Outcomes.BUG;
      }
      return Snapshots.step(event.index(), name, errno, 0, AccountingSnapshot.getDefaultInstance());
    }

    @Override
    public Optional<KernelBug> bug() {
      return Optional.ofNullable(bug);
    }
  }
}
