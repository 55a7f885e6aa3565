package io.vfiomigrate.cli;

import jakarta.inject.Inject;

/**
 * Java 17 cannot ask whether stderr is a terminal; {@code System.console()} is present when stdin
 * and stdout are, which is the closest sign of an interactive session. CI systems set {@code CI}.
 */
final class SystemTerminal implements Terminal {
  @Inject
  SystemTerminal() {}

  @Override
  public boolean interactive() {
    return System.console() != null && System.getenv("CI") == null;
  }
}
