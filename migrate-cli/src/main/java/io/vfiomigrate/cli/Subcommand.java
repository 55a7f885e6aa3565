package io.vfiomigrate.cli;

import java.io.IOException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One verb of the command line ({@code validate}, {@code replay}, ...). Implementations are bound
 * by name with {@link SubcommandBinder}; {@link CliApp} parses their options, answers {@code
 * --help} and {@code --debug} itself, and turns whatever they throw into one line on stderr and an
 * exit code.
 */
public interface Subcommand {
  /** The verb, equal to the name it is bound under. */
  String name();

  /** One line for the command list of {@code vfio-migrate --help}. */
  String summary();

  /** More lines for {@code COMMAND --help}, after the summary; empty for none. */
  default String details() {
    return "";
  }

  /** The command's own options, without {@code --help} and {@code --debug}. */
  Options options();

  /** The positional arguments, for the usage line: e.g. {@code FILE}. */
  default String arguments() {
    return "";
  }

  /**
   * Runs the command with its parsed options and positional arguments ({@code
   * commandLine.getArgList()}).
   *
   * @return an exit code from {@link ExitCodes}: OK or FINDINGS; trouble is thrown, not returned
   *     ({@link UsageException}, {@code TraceFormatException}, IOException)
   */
  int run(CommandLine commandLine, CliIo io) throws IOException;
}
