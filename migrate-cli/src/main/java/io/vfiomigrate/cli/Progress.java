package io.vfiomigrate.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * A progress line on stderr for long runs: {@code convert: 1200000 events, 1.1M events/s},
 * rewritten in place with a carriage return at most every {@link #INTERVAL_NANOS}, shown only after
 * the run has lasted that long, and erased when the run ends so that nothing of it stays in the
 * terminal. Off unless {@code --progress} is given or the session is interactive ({@link
 * Terminal}); {@code --no-progress} turns it off.
 */
public final class Progress implements AutoCloseable {
  static final long INTERVAL_NANOS = 250_000_000L;

  private static final Option PROGRESS =
      Option.builder().longOpt("progress").desc("show a progress line on stderr").get();
  private static final Option NO_PROGRESS =
      Option.builder().longOpt("no-progress").desc("never show a progress line").get();

  private final PrintStream err;
  private final String label;
  private final boolean enabled;
  private final LongSupplier nanoTime;
  private final long start;
  private long shown;
  private int width;

  Progress(PrintStream err, String label, boolean enabled, LongSupplier nanoTime) {
    this.err = err;
    this.label = label;
    this.enabled = enabled;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.shown = start;
  }

  /** Adds {@code --progress} and {@code --no-progress} to a command's options. */
  public static Options addOptions(Options options) {
    return options.addOption(PROGRESS).addOption(NO_PROGRESS);
  }

  /** The progress line of a command, as its options and the terminal decide. */
  public static Progress of(CommandLine line, Terminal terminal, CliIo io, String label) {
    if (line.hasOption(PROGRESS) && line.hasOption(NO_PROGRESS)) {
      throw new UsageException(label + ": --progress and --no-progress exclude each other");
    }
    boolean enabled =
        line.hasOption(PROGRESS) || !line.hasOption(NO_PROGRESS) && terminal.interactive();
    return new Progress(io.err(), label, enabled, System::nanoTime);
  }

  /** {@code events} have been processed; cheap enough to call for every event. */
  public void update(long events) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - shown < INTERVAL_NANOS) {
      return;
    }
    shown = now;
    double seconds = (now - start) / 1e9;
    String text = label + ": " + events + " events, " + rate(events / seconds) + " events/s";
    err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
    err.flush();
    width = text.length();
  }

  /** Erases the line, if one is shown. */
  @Override
  public void close() {
    if (width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      width = 0;
    }
  }

  private static String rate(double perSecond) {
    if (perSecond >= 1e6) {
      return String.format(Locale.ROOT, "%.1fM", perSecond / 1e6);
    }
    if (perSecond >= 1e3) {
      return String.format(Locale.ROOT, "%.0fk", perSecond / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", perSecond);
  }
}
