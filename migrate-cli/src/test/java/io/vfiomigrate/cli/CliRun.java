package io.vfiomigrate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the command line: exit code, stdout and stderr. */
public record CliRun(int code, String out, String err) {
  /** Runs {@code args} through the application as Main wires it. */
  public static CliRun of(String... args) {
    return of(io.vfiomigrate.cli.testing.ProductionApp.create(), args);
  }

  public static CliRun of(CliApp app, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = app.run(args, outStream, errStream);
    }
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
