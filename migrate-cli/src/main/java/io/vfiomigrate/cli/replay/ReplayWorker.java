package io.vfiomigrate.cli.replay;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.Uninterruptibles;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One replay of a {@link ReplayPipeline} on a thread of its own: batches of events come in, in
 * trace order, and each is answered with a {@link Steps}. The replay, and the host and backend
 * behind it, are touched by this thread only; the executor's queue and the futures carry the
 * happens-before edges to and from the pipeline's thread.
 */
final class ReplayWorker {
  /**
   * The answer to one batch: the steps of its first {@code steps.size()} events. Fewer steps than
   * events means the replay stopped: at a kernel BUG ({@code bug} is set, the last step is the BUG
   * step if this batch took it) or at a failure: {@code failure}, a RuntimeException or an Error
   * that applying the event after the last step threw. Every later answer is empty.
   */
  record Steps(List<StepResult> steps, @Nullable Throwable failure, @Nullable KernelBug bug) {}

  private final EventReplay replay;
  private final ThreadPoolExecutor executor;

  /** The executor's one thread, for {@link #join}. */
  private @Nullable Thread thread;

  /** Set by the first failure; the replay's state is unknown after it, so nothing more runs. */
  private @Nullable Throwable failure;

  /**
   * Starts the thread.
   *
   * @param capacity batches that may wait for the thread: the pipeline never has more in flight, so
   *     a rejected batch is a bug of the pipeline, not a reason to block
   */
  ReplayWorker(EventReplay replay, int capacity) {
    this.replay = replay;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(capacity),
            task -> {
              thread = new Thread(task, "replay-" + replay.backend());
              // Never the reason the JVM stays up, should a pipeline escape closing.
              thread.setDaemon(true);
              return thread;
            });
    executor.prestartCoreThread();
  }

  Future<Steps> submit(List<IndexedEvent> batch) {
    return executor.submit(() -> apply(batch));
  }

  /** Interrupts the batch that runs (it stops before its next event) and drops those waiting. */
  void stop() {
    executor.shutdownNow();
  }

  /**
   * Waits until the thread has ended, {@link #stop}ped first: within one event, since a replay
   * never blocks. An interrupt meanwhile is kept for the caller.
   */
  void join() {
    Uninterruptibles.joinUninterruptibly(requireNonNull(thread, "thread"));
  }

  /** Runs on the worker thread. */
  private Steps apply(List<IndexedEvent> batch) {
    List<StepResult> steps = new ArrayList<>(batch.size());
    try {
      for (int i = 0;
          i < batch.size()
              && failure == null
              && replay.bug().isEmpty()
              // Stopped: nobody will read the rest of this batch.
              && !Thread.currentThread().isInterrupted();
          i++) {
        steps.add(replay.apply(batch.get(i)));
      }
    } catch (RuntimeException | Error e) {
      // Kept for the pipeline's thread, which throws it at this event as the replay would have.
      failure = e;
    }
    return new Steps(steps, failure, replay.bug().orElse(null));
  }
}
