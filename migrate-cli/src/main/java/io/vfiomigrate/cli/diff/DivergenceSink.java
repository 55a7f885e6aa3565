package io.vfiomigrate.cli.diff;

import io.vfiomigrate.proto.Type1Event;

/** Receives the divergences of a diff as they are found, in step order. */
@FunctionalInterface
public interface DivergenceSink {
  /** {@code finding} of step {@code finding.step()}, whose event was {@code event}. */
  void accept(Finding finding, Type1Event event);
}
