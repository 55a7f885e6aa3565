/**
 * The {@code vfio-migrate} command line.
 *
 * <p><b>Adding a subcommand.</b> Implement {@link io.vfiomigrate.cli.Subcommand} (name, one-line
 * summary, commons-cli {@code Options}, {@code run}) with an {@code @Inject} constructor, and
 * bind it by name from a Guice module:
 * {@code SubcommandBinder.subcommandBinder(binder()).bind("replay", ReplayCommand.class)}, either
 * in {@link io.vfiomigrate.cli.CliModule} or in a module that {@code Main} installs next to it.
 * {@link io.vfiomigrate.cli.CliApp} parses the command's options (full names only, no prefixes),
 * adds {@code -h/--help} and {@code --debug}, and prints help itself.
 *
 * <p><b>Streams and exit codes.</b> stdout carries the product only, deterministic for the same
 * input; diagnostics go to stderr as one line, {@code vfio-migrate: FILE: WHERE: field F:
 * MESSAGE}. A command returns {@link io.vfiomigrate.cli.ExitCodes#OK} or {@link
 * io.vfiomigrate.cli.ExitCodes#FINDINGS}, and throws for trouble: {@link
 * io.vfiomigrate.cli.UsageException} (64), {@code TraceFormatException} by reason (malformed input
 * 65, unreadable input 66, rejected output path 64, write failure 74), IOException (74), anything
 * else (70). {@link io.vfiomigrate.cli.Failures} is the only place that maps exceptions to codes,
 * and {@link io.vfiomigrate.cli.Main} the only caller of System.exit.
 */
package io.vfiomigrate.cli;
