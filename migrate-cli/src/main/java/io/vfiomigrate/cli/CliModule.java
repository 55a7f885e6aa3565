package io.vfiomigrate.cli;

import static io.vfiomigrate.cli.SubcommandBinder.subcommandBinder;

import com.google.inject.AbstractModule;
import io.vfiomigrate.cli.importer.ImportCommand;

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
    SubcommandBinder commands = subcommandBinder(binder());
    commands.bind("validate", ValidateCommand.class);
    commands.bind("import", ImportCommand.class);
  }
}
