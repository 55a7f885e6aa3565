package io.vfiomigrate.cli;

import java.io.PrintStream;
import java.util.Collection;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Prints the help texts: plain, deterministic, independent of the terminal width. */
final class HelpPrinter {
  private HelpPrinter() {}

  static void printGlobal(Collection<Subcommand> commands, Options globalOptions, PrintStream out) {
    out.println("usage: " + CliApp.PROGRAM + " [--debug] COMMAND [OPTIONS] [ARGS]");
    out.println("       " + CliApp.PROGRAM + " COMMAND --help");
    out.println();
    out.println("Replays, converts and compares VFIO type1 and iommufd traces.");
    out.println();
    out.println("commands:");
    int width = commands.stream().mapToInt(command -> command.name().length()).max().orElse(0);
    for (Subcommand command : commands) {
      out.println("  " + pad(command.name(), width) + "  " + command.summary());
    }
    out.println();
    printOptions(globalOptions, out);
    out.println();
    out.println("exit codes: 0 ok, 1 findings or divergences, 64 usage, 65 malformed input,");
    out.println("  66 input missing or unreadable, 70 internal error, 74 I/O error");
  }

  static void printCommand(Subcommand command, Options options, PrintStream out) {
    String arguments = command.arguments().isEmpty() ? "" : " " + command.arguments();
    out.println("usage: " + CliApp.PROGRAM + " " + command.name() + " [OPTIONS]" + arguments);
    out.println();
    out.println(command.summary());
    out.println();
    if (!command.details().isEmpty()) {
      out.println(command.details());
      out.println();
    }
    printOptions(options, out);
  }

  private static void printOptions(Options options, PrintStream out) {
    out.println("options:");
    int width =
        options.getOptions().stream().mapToInt(option -> flags(option).length()).max().orElse(0);
    for (Option option : options.getOptions()) {
      out.println("  " + pad(flags(option), width) + "  " + option.getDescription());
    }
  }

  private static String flags(Option option) {
    String shortFlag = option.getOpt() == null ? "    " : "-" + option.getOpt() + ", ";
    String longFlag = option.getLongOpt() == null ? "" : "--" + option.getLongOpt();
    String argument = option.hasArg() ? " " + option.getArgName() : "";
    return (shortFlag + longFlag + argument).stripTrailing();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }
}
