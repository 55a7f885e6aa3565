package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.Optional;

/**
 * A replay of a type1 trace on one backend, fed one event at a time in trace order: one step per
 * event with its errno, unmapped size and every counter of the host after it. Holds the backend's
 * state, never the steps.
 *
 * <p>A step with errno {@code BUG} (the kernel would crash) ends the replay: {@link #bug()} holds
 * the {@code KernelBug} and no further event may be applied.
 */
public interface EventReplay {
  /** The backend's name as reports show it: {@code type1}, {@code compat}, {@code iommufd}. */
  String backend();

  /**
   * @throws io.vfiomigrate.trace.TraceFormatException MALFORMED_INPUT for an event no replay can
   *     perform (a pid not in the header, a container that is not open)
   * @throws IllegalStateException after a BUG step
   */
  StepResult apply(IndexedEvent event);

  /** The kernel BUG that ended the replay, if one did. */
  Optional<KernelBug> bug();
}
