package io.vfiomigrate.cli;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The command line: {@code vfio-migrate [--debug] COMMAND [OPTIONS] [ARGS]}.
 *
 * <p>Global options are parsed up to the first non-option (the command name); the rest is parsed
 * with the command's own options plus {@code --help} and {@code --debug}. Option names must be
 * spelled out: prefixes such as {@code --hel} are rejected, so scripts do not break when an option
 * is added. Every failure becomes one line on stderr and an exit code, in {@link Failures}; nothing
 * here calls System.exit.
 */
public final class CliApp {
  static final String PROGRAM = "vfio-migrate";

  private static final Option HELP =
      Option.builder("h").longOpt("help").desc("show this help and exit").get();
  private static final Option VERSION =
      Option.builder().longOpt("version").desc("print the version and exit").get();
  private static final Option DEBUG =
      Option.builder().longOpt("debug").desc("print stack traces of errors").get();
  private static final String END_OF_OPTIONS = "--";

  private final ImmutableSortedMap<String, Subcommand> commands;

  @Inject
  public CliApp(Map<String, Subcommand> commands) {
    commands.forEach(
        (name, command) -> {
          if (!name.equals(command.name())) {
            throw new IllegalArgumentException(
                String.format(
                    "command %s is named \"%s\" but bound as \"%s\"",
                    command.getClass().getName(), command.name(), name));
          }
        });
    this.commands = ImmutableSortedMap.copyOf(commands);
  }

  /** Runs one command line; returns the exit code. */
  public int run(String[] args, PrintStream out, PrintStream err) {
    requireNonNull(args, "args is null");
    CliIo io = new CliIo(out, err);
    int code;
    try {
      code = dispatch(args, io);
    } catch (Exception | LinkageError | AssertionError e) {
      code = Failures.report(e, requestsDebug(Arrays.asList(args)), err);
    }
    out.flush();
    if (out.checkError()) {
      err.println(PROGRAM + ": error writing standard output");
      return ExitCodes.IO_ERROR;
    }
    return code;
  }

  private int dispatch(String[] args, CliIo io) throws IOException, ParseException {
    Options global = new Options().addOption(HELP).addOption(VERSION).addOption(DEBUG);
    CommandLine globalLine = parser().parse(global, args, true);
    if (globalLine.hasOption(VERSION.getLongOpt())) {
      io.out().println(PROGRAM + " " + Version.current());
      return ExitCodes.OK;
    }
    if (globalLine.hasOption(HELP.getLongOpt())) {
      HelpPrinter.printGlobal(commands.values(), global, io.out());
      return ExitCodes.OK;
    }
    List<String> rest = globalLine.getArgList();
    if (rest.isEmpty()) {
      throw new UsageException("missing command (see '" + PROGRAM + " --help')");
    }
    String name = rest.get(0);
    if (name.startsWith("-")) {
      throw new UsageException("unrecognized option: " + name + " (see '" + PROGRAM + " --help')");
    }
    Subcommand command = commands.get(name);
    if (command == null) {
      throw new UsageException("unknown command \"" + name + "\" (see '" + PROGRAM + " --help')");
    }
    List<String> commandArgs = rest.subList(1, rest.size());
    Options options = new Options().addOptions(command.options()).addOption(HELP).addOption(DEBUG);
    // Help wins over everything else, required options and argument checks included.
    if (requestsHelp(commandArgs)) {
      HelpPrinter.printCommand(command, options, io.out());
      return ExitCodes.OK;
    }
    CommandLine line;
    try {
      line = parser().parse(options, commandArgs.toArray(String[]::new), false);
    } catch (ParseException e) {
      throw new UsageException(
          name + ": " + lowerFirst(e.getMessage()) + " (see '" + PROGRAM + " " + name + " --help')",
          e);
    }
    return command.run(line, io);
  }

  private static DefaultParser parser() {
    return DefaultParser.builder().setAllowPartialMatching(false).get();
  }

  private static boolean requestsHelp(List<String> args) {
    for (String arg : args) {
      if (arg.equals(END_OF_OPTIONS)) {
        return false;
      }
      if (arg.equals("-h") || arg.equals("--help")) {
        return true;
      }
    }
    return false;
  }

  /** Decided from the raw arguments, so that even a command line that fails to parse can ask. */
  private static boolean requestsDebug(List<String> args) {
    int end = args.indexOf(END_OF_OPTIONS);
    return (end < 0 ? args : args.subList(0, end)).contains("--debug");
  }

  private static String lowerFirst(String text) {
    return text == null || text.isEmpty()
        ? "invalid arguments"
        : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
