package io.vfiomigrate.testing;

import io.vfiomigrate.host.Host;

/** A host's accounting and pin counts as text, for state comparisons in tests. */
public final class HostDump {
  private HostDump() {}

  public static String of(Host host) {
    return host.snapshot() + "\n" + host.memory().dumpPins();
  }
}
