package io.vfiomigrate.cli.report;

import io.vfiomigrate.trace.TraceFormatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a text file (the HTML report) the way the trace writers write theirs: into a hidden
 * temporary file next to the target, synced, then renamed over it; never over an input file;
 * nothing left behind on failure. Errors are {@link TraceFormatException}s so that the exit codes
 * match (rejected output 64, write failure 74).
 */
public final class AtomicText {
  private AtomicText() {}

  public static void write(Path target, String content, Collection<Path> inputs) {
    checkTarget(target, inputs);
    String file = target.toString();
    Path absolute = target.toAbsolutePath();
    // A name of our own rather than createTempFile, whose 0600 mode the report would keep.
    Path temporary =
        absolute.resolveSibling(
            "."
                + absolute.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
                + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(temporary);
      throw TraceFormatException.writeFailed(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * Checks, before any work, that {@code target} can be written: not a directory, not one of the
   * inputs.
   *
   * @throws TraceFormatException REJECTED_OUTPUT (exit 64)
   */
  public static void checkTarget(Path target, Collection<Path> inputs) {
    String file = target.toString();
    if (Files.isDirectory(target)) {
      throw TraceFormatException.rejectedOutput(file, "is a directory");
    }
    for (Path input : inputs) {
      if (sameFile(target, input)) {
        throw TraceFormatException.rejectedOutput(file, "refusing to overwrite the input file");
      }
    }
  }

  private static boolean sameFile(Path target, Path input) {
    if (target.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(target) && Files.exists(input) && Files.isSameFile(target, input);
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Already failing; the write error is the one to report.
    }
  }
}
