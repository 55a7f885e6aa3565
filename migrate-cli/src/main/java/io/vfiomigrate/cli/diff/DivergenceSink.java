package io.vfiomigrate.cli.diff;

import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.Type1Event;

/** Receives the divergences of a diff as they are found, in step order. */
@FunctionalInterface
public interface DivergenceSink {
  /** {@code divergence} of step {@code divergence.getStep()}, whose event was {@code event}. */
  void accept(Divergence divergence, Type1Event event);
}
