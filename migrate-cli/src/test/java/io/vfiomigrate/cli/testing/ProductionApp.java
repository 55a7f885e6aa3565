package io.vfiomigrate.cli.testing;

import com.google.inject.Guice;
import com.google.inject.Stage;
import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.CliModule;
import io.vfiomigrate.cli.ModelsModule;

/** The command line wired exactly as {@code Main} wires it, and without any model. */
public final class ProductionApp {
  private ProductionApp() {}

  public static CliApp create() {
    return Guice.createInjector(Stage.PRODUCTION, new CliModule(), new ModelsModule())
        .getInstance(CliApp.class);
  }

  /** The command line with no backend bound: what a build without the models would do. */
  public static CliApp withoutModels() {
    return Guice.createInjector(Stage.PRODUCTION, new CliModule()).getInstance(CliApp.class);
  }
}
