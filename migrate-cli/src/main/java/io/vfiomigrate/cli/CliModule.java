package io.vfiomigrate.cli;

import static io.vfiomigrate.cli.SubcommandBinder.subcommandBinder;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.convert.ConvertCommand;
import io.vfiomigrate.cli.diff.DiffCommand;
import io.vfiomigrate.cli.importer.ImportCommand;
import io.vfiomigrate.cli.plan.PlanCommand;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.replay.ProgramReplayer;
import io.vfiomigrate.cli.replay.ReplayCommand;
import io.vfiomigrate.cli.synth.SynthCommand;

/**
 * Wires the command line: {@link CliApp}, the subcommands it dispatches to, and the backends they
 * replay on. Strict: every injected class is bound here or reached through a linked binding, and
 * has an {@code @Inject} constructor. Other modules add commands with {@link SubcommandBinder}.
 *
 * <p>Backends plug in from the model modules: a {@code VfioBackendFactory} per name in the {@code
 * MapBinder<String, VfioBackendFactory>} ({@code type1}, {@code compat}) and the native iommufd
 * {@link ProgramReplayer} in its {@code OptionalBinder}. Both start empty here, so a build without
 * a model reports the backend as unavailable instead of failing to start.
 */
public final class CliModule extends AbstractModule {
  @Override
  protected void configure() {
    binder().requireExplicitBindings();
    binder().requireAtInjectOnConstructors();
    binder().disableCircularProxies();
    bind(CliApp.class);
    bind(Terminal.class).to(SystemTerminal.class);
    bind(Backends.class);
    MapBinder.newMapBinder(binder(), String.class, VfioBackendFactory.class);
    OptionalBinder.newOptionalBinder(binder(), ProgramReplayer.class);
    SubcommandBinder commands = subcommandBinder(binder());
    commands.bind("validate", ValidateCommand.class);
    commands.bind("convert", ConvertCommand.class);
    commands.bind("replay", ReplayCommand.class);
    commands.bind("diff", DiffCommand.class);
    commands.bind("synth", SynthCommand.class);
    commands.bind("import", ImportCommand.class);
    commands.bind("plan", PlanCommand.class);
  }
}
