package io.vfiomigrate.cli.testing;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.CliModule;
import io.vfiomigrate.cli.replay.ProgramReplayer;

/**
 * The command line wired as {@code Main} wires it plus hand-made fakes under the backend names, to
 * test the commands' plumbing (streams, formats, exit codes) before the models exist. The fakes'
 * figures say nothing about type1 or iommufd.
 */
public final class FakeBackends {
  /** A map of this many bytes fails ENOMEM on the fake type1. */
  public static final long FAILING_MAP = 3 * 4096;

  private FakeBackends() {}

  public static CliApp app() {
    return Guice.createInjector(
            Stage.PRODUCTION,
            new CliModule(),
            new AbstractModule() {
              @Override
              protected void configure() {
                MapBinder<String, VfioBackendFactory> factories =
                    MapBinder.newMapBinder(binder(), String.class, VfioBackendFactory.class);
                factories
                    .addBinding("type1")
                    .toInstance(new FakeBackendFactory("type1", false, FAILING_MAP, false));
                factories
                    .addBinding("compat")
                    .toInstance(new FakeBackendFactory("compat", true, -1, false));
                OptionalBinder.newOptionalBinder(binder(), ProgramReplayer.class)
                    .setBinding()
                    .toInstance(new FakeProgramReplayer());
              }
            })
        .getInstance(CliApp.class);
  }
}
