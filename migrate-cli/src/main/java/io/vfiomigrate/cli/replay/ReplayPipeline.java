package io.vfiomigrate.cli.replay;

import com.google.common.util.concurrent.Futures;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * Replays a type1 trace on several backends at once, each on a thread of its own ({@link
 * ReplayWorker}), and hands the steps to the calling thread in event order, exactly as if it had
 * applied each event to each replay in turn. The replays are independent (each has its own host),
 * so a lockstep of two costs about the time of the slower one on two cores, not the sum.
 *
 * <pre>{@code
 * try (ReplayPipeline steps = ReplayPipeline.start(trace, List.of(left, right))) {
 *   while (steps.hasNext() && steps.bug(0).isEmpty() && steps.bug(1).isEmpty()) {
 *     IndexedEvent event = steps.next();
 *     StepResult l = steps.step(0);
 *     StepResult r = steps.step(1);
 *   }
 * }
 * }</pre>
 *
 * <p>Handoff. The calling thread reads the trace itself, in batches of {@link #BATCH} events, and
 * submits every batch to every worker; each worker applies its batches in order and answers each
 * with the steps it made. At most {@link #DEPTH} batches are in flight (read but not yet consumed),
 * so memory stays bounded however long the trace. The calling thread tops the flight up before it
 * waits for the answers of the oldest batch, so the workers have work queued while it consumes
 * steps. Batches make the synchronisation cost one handoff per thousand events.
 *
 * <p>Failures come where the one-thread loop met them: a read failure from {@link #hasNext} once
 * the events before it are consumed; a replay's failure (a malformed event, a model error) from
 * {@link #step} of that replay at that event, in the order the caller asks for the replays' steps.
 * A replay that took a kernel BUG applies nothing after it; {@link #bug} has it from the BUG step
 * on. Events read ahead of a place the caller stops at are never replayed to the end, and their
 * failures never surface, as before.
 *
 * <p>{@link #close} stops the workers and waits for them to end, on every exit path. Waiting for a
 * batch is not interruptible (a worker never blocks, so every batch ends): an interrupt of the
 * calling thread stays pending and ends the next read of the trace, as it did when everything ran
 * on one thread.
 */
public final class ReplayPipeline implements AutoCloseable {
  static final int BATCH = 1024;
  static final int DEPTH = 4;

  /** A batch of events and each worker's answer to come. */
  private record Flight(List<IndexedEvent> events, List<Future<ReplayWorker.Steps>> answers) {}

  private final TraceReader trace;
  private final List<ReplayWorker> workers = new ArrayList<>();
  private final ArrayDeque<Flight> flights = new ArrayDeque<>();
  private final KernelBug[] bugs;
  private @Nullable RuntimeException readFailure;
  private boolean readAll;
  private List<IndexedEvent> events = List.of();
  private final List<ReplayWorker.Steps> answers = new ArrayList<>();

  /** The current event's place in {@link #events}; -1 before the batch's first. */
  private int position = -1;

  private ReplayPipeline(TraceReader trace, int replays) {
    this.trace = trace;
    this.bugs = new KernelBug[replays];
  }

  /**
   * Starts one worker per replay. Each replay is used by its worker only from now on.
   *
   * @param trace read by the calling thread only, up to {@code DEPTH * BATCH} events ahead of the
   *     consumed steps; closed by the caller
   */
  public static ReplayPipeline start(TraceReader trace, List<EventReplay> replays) {
    ReplayPipeline pipeline = new ReplayPipeline(trace, replays.size());
    for (EventReplay replay : replays) {
      pipeline.workers.add(new ReplayWorker(replay, DEPTH));
    }
    return pipeline;
  }

  /**
   * Whether another event follows; waits for the replays to have stepped through it.
   *
   * @throws RuntimeException the failure to read the next event, as {@link TraceReader#hasNext}
   */
  public boolean hasNext() {
    if (position + 1 < events.size()) {
      return true;
    }
    fly();
    Flight oldest = flights.poll();
    if (oldest == null) {
      if (readFailure != null) {
        throw readFailure;
      }
      return false;
    }
    events = oldest.events();
    answers.clear();
    for (Future<ReplayWorker.Steps> answer : oldest.answers()) {
      answers.add(Futures.getUnchecked(answer));
    }
    position = -1;
    return true;
  }

  /** Moves to the next event; the steps of every replay for it are then {@link #step}. */
  public IndexedEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more events");
    }
    return events.get(++position);
  }

  /**
   * The step of replay {@code replay} (in the order of {@link #start}) for the current event.
   *
   * @throws RuntimeException what the replay threw at this event, the same object
   * @throws IllegalStateException if the replay stopped at a kernel BUG before this event
   */
  public StepResult step(int replay) {
    ReplayWorker.Steps answer = answers.get(replay);
    if (position < answer.steps().size()) {
      if (answer.bug() != null && position == answer.steps().size() - 1) {
        bugs[replay] = answer.bug();
      }
      return answer.steps().get(position);
    }
    if (answer.failure() != null) {
      throw rethrow(answer.failure());
    }
    throw new IllegalStateException("the replay stopped at a kernel BUG");
  }

  /** The kernel BUG that ended replay {@code replay}, once {@link #step} has returned its step. */
  public Optional<KernelBug> bug(int replay) {
    return Optional.ofNullable(bugs[replay]);
  }

  /** Stops the workers and waits for them to end; an interrupt meanwhile is kept for later. */
  @Override
  public void close() {
    workers.forEach(ReplayWorker::stop);
    workers.forEach(ReplayWorker::join);
  }

  /** Reads and submits batches until {@link #DEPTH} are in flight or the trace is read. */
  private void fly() {
    while (flights.size() < DEPTH && !readAll) {
      List<IndexedEvent> batch = new ArrayList<>(BATCH);
      try {
        while (batch.size() < BATCH && trace.hasNext()) {
          batch.add(trace.next());
        }
        readAll = batch.size() < BATCH;
      } catch (RuntimeException e) {
        readFailure = e;
        readAll = true;
      }
      if (!batch.isEmpty()) {
        List<Future<ReplayWorker.Steps>> answers = new ArrayList<>(workers.size());
        for (ReplayWorker worker : workers) {
          answers.add(worker.submit(batch));
        }
        flights.add(new Flight(batch, answers));
      }
    }
  }

  private static RuntimeException rethrow(Throwable failure) {
    if (failure instanceof Error error) {
      throw error;
    }
    return (RuntimeException) failure; // The workers keep nothing else.
  }
}
