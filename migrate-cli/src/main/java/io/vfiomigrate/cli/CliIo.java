package io.vfiomigrate.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;

/**
 * The streams a command talks through: {@code out} carries the product only (deterministic, so it
 * can be diffed and golden-tested), {@code err} carries diagnostics for people.
 */
public record CliIo(PrintStream out, PrintStream err) {
  public CliIo {
    requireNonNull(out, "out is null");
    requireNonNull(err, "err is null");
  }
}
