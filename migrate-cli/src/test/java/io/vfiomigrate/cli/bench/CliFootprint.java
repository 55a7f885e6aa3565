package io.vfiomigrate.cli.bench;

import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.testing.ProductionApp;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Runs one command line in process and prints its wall time and the JVM's peak heap (the sum of the
 * heap pools' peaks): {@code bin/bench migrate-cli --main io.vfiomigrate.cli.bench.CliFootprint
 * convert T.pb -o P.pb}, with the models as {@code Main} wires them.
 */
public final class CliFootprint {
  private CliFootprint() {}

  public static void main(String[] args) {
    CliApp app = ProductionApp.create();
    long start = System.nanoTime();
    int code =
        app.run(args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), System.err);
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
