package io.vfiomigrate.cli.bench;

import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.testing.FakeBackends;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;

/**
 * Runs one command line in process and prints its wall time and the JVM's peak heap (the sum of the
 * heap pools' peaks): {@code bin/bench migrate-cli --main io.vfiomigrate.cli.bench.CliFootprint
 * convert T.pb -o P.pb}. A first argument {@code --fakes} binds the tests' fake backends, so that
 * replay and diff run before the models exist (their figures mean nothing).
 */
public final class CliFootprint {
  private CliFootprint() {}

  public static void main(String[] args) {
    boolean fakes = args.length > 0 && args[0].equals("--fakes");
    String[] command = fakes ? Arrays.copyOfRange(args, 1, args.length) : args;
    CliApp app = fakes ? FakeBackends.app() : io.vfiomigrate.cli.testing.ProductionApp.create();
    long start = System.nanoTime();
    int code =
        app.run(
            command, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), System.err);
    long nanos = System.nanoTime() - start;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        "exit %d, %.2f s, peak heap %.1f MiB (max heap %.0f MiB)%n",
        code, nanos / 1e9, peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
  }
}
