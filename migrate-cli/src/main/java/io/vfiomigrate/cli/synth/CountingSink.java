package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.Type1Event;
import java.util.function.Consumer;

/** Passes events on and counts them, for scenarios that write exactly {@code --events}. */
final class CountingSink implements Consumer<Type1Event> {
  private final Consumer<Type1Event> sink;
  private long count;

  CountingSink(Consumer<Type1Event> sink) {
    this.sink = sink;
  }

  @Override
  public void accept(Type1Event event) {
    count++;
    sink.accept(event);
  }

  /** The events passed on so far. */
  long count() {
    return count;
  }
}
