package io.vfiomigrate.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;

/**
 * Adds subcommands to the command line from any Guice module:
 *
 * <pre>{@code
 * subcommandBinder(binder()).bind("replay", ReplayCommand.class);
 * }</pre>
 */
public final class SubcommandBinder {
  private final MapBinder<String, Subcommand> commands;

  private SubcommandBinder(MapBinder<String, Subcommand> commands) {
    this.commands = commands;
  }

  public static SubcommandBinder subcommandBinder(Binder binder) {
    requireNonNull(binder, "binder is null");
    return new SubcommandBinder(MapBinder.newMapBinder(binder, String.class, Subcommand.class));
  }

  /** Binds {@code type} (constructed by Guice, {@code @Inject} constructor) under {@code name}. */
  public void bind(String name, Class<? extends Subcommand> type) {
    commands
        .addBinding(requireNonNull(name, "name is null"))
        .to(requireNonNull(type, "type is null"));
  }
}
