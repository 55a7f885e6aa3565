package io.vfiomigrate.cli;

import static io.vfiomigrate.cli.SubcommandBinder.subcommandBinder;

import com.google.inject.AbstractModule;

/**
 * Wires the command line: {@link CliApp} and the subcommands it dispatches to. Strict: every
 * injected class is bound here or reached through a linked binding, and has an {@code @Inject}
 * constructor. Other modules add commands with {@link SubcommandBinder}.
 */
public final class CliModule extends AbstractModule {
  @Override
  protected void configure() {
    binder().requireExplicitBindings();
    binder().requireAtInjectOnConstructors();
    binder().disableCircularProxies();
    bind(CliApp.class);
    subcommandBinder(binder()).bind("validate", ValidateCommand.class);
  }
}
