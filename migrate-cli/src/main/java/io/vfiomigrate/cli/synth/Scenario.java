package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A synthetic workload: a trace header and a stream of events, both determined by the parameters
 * (and the seed) alone, so that the same command line always writes the same trace. Events are
 * produced one at a time, never held, so a scenario may emit tens of millions.
 */
interface Scenario {
  /** The name {@code --scenario} selects. */
  String name();

  /** One line for the help. */
  String summary();

  /** The options this scenario reads; any other one is a usage error. */
  Set<SynthOption> options();

  TraceHeader header(SynthParams params);

  void events(SynthParams params, Consumer<Type1Event> sink);
}
