package io.vfiomigrate.cli.testing;

import com.google.inject.Guice;
import com.google.inject.Stage;
import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.CliModule;

/** The command line wired exactly as {@code Main} wires it. */
public final class ProductionApp {
  private ProductionApp() {}

  public static CliApp create() {
    return Guice.createInjector(Stage.PRODUCTION, new CliModule()).getInstance(CliApp.class);
  }
}
