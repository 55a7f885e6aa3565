package io.vfiomigrate.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;

/** Checks of positional arguments shared by the commands. */
public final class Arguments {
  private Arguments() {}

  /** The one FILE argument of {@code command}. */
  public static Path oneFile(CommandLine line, String command) {
    List<String> args = line.getArgList();
    if (args.size() != 1) {
      throw new UsageException(
          command
              + ": expected one FILE, got "
              + args.size()
              + (args.size() == 1 ? " argument" : " arguments")
              + " (see 'vfio-migrate "
              + command
              + " --help')");
    }
    return Path.of(args.get(0));
  }

  /** No positional argument. */
  public static void none(CommandLine line, String command) {
    if (!line.getArgList().isEmpty()) {
      throw new UsageException(
          command
              + ": unexpected argument \""
              + line.getArgList().get(0)
              + "\" (see 'vfio-migrate "
              + command
              + " --help')");
    }
  }
}
