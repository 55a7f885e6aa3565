package io.vfiomigrate.cli;

import io.vfiomigrate.cli.replay.BackendUnavailableException;
import io.vfiomigrate.trace.TraceFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/**
 * The one place where exceptions become exit codes: every failure prints as one line, {@code
 * vfio-migrate: MESSAGE}, on stderr; the stack trace follows only with {@code --debug}.
 */
final class Failures {
  private Failures() {}

  /** Reports {@code failure} on {@code err} and returns its exit code. */
  static int report(Throwable failure, boolean debug, PrintStream err) {
    int code = exitCode(failure);
    err.println(CliApp.PROGRAM + ": " + message(failure, code, debug));
    if (debug) {
      failure.printStackTrace(err);
    }
    return code;
  }

  static int exitCode(Throwable failure) {
    if (failure instanceof UsageException || failure instanceof ParseException) {
      return ExitCodes.USAGE;
    }
    if (failure instanceof TraceFormatException format) {
      return switch (format.reason()) {
        case MALFORMED_INPUT -> ExitCodes.DATA_ERROR;
        case UNREADABLE_INPUT -> ExitCodes.NO_INPUT;
        case REJECTED_OUTPUT -> ExitCodes.USAGE;
        case WRITE_FAILED -> ExitCodes.IO_ERROR;
      };
    }
    if (failure instanceof IOException || failure instanceof UncheckedIOException) {
      return ExitCodes.IO_ERROR;
    }
    return ExitCodes.SOFTWARE;
  }

  private static String message(Throwable failure, int code, boolean debug) {
    String text = oneLine(failure.getMessage());
    if (failure instanceof BackendUnavailableException) {
      return text;
    }
    return switch (code) {
      case ExitCodes.SOFTWARE ->
          "internal error: "
              + failure.getClass().getName()
              + (text.isEmpty() ? "" : ": " + text)
              + (debug ? "" : " (run with --debug for the stack trace)");
      case ExitCodes.IO_ERROR ->
          failure instanceof TraceFormatException ? text : "I/O error: " + text;
      default -> text;
    };
  }

  private static String oneLine(@Nullable String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
