package io.vfiomigrate.trace;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output file that appears at its path complete or not at all: the trace writers', and {@link
 * #write} for other whole files (the CLI's HTML report).
 *
 * <p>Bytes go to a hidden temporary file in the target's directory (same file system, so the final
 * rename is atomic); {@link #commit} flushes, syncs and renames it over the target; {@link
 * #discard} deletes it. Either leaves no temporary file behind. The temporary file is created with
 * the default permissions (umask), as the target would be.
 */
public final class AtomicOutputFile {
  private static final int MAX_NAME_ATTEMPTS = 100;

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final OutputStream stream;
  private boolean done;

  private AtomicOutputFile(Path target, Path temporary, FileChannel channel) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
    this.stream =
        new BufferedOutputStream(Channels.newOutputStream(channel), InputFiles.BUFFER_BYTES);
  }

  /**
   * @param inputs files this output must not replace
   * @throws TraceFormatException REJECTED_OUTPUT if {@code target} is a directory or one of the
   *     inputs; WRITE_FAILED if the temporary file cannot be created
   */
  static AtomicOutputFile create(Path target, Collection<Path> inputs) {
    checkTarget(target, inputs);
    String file = target.toString();
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      Path temporary =
          directory.resolve(
              "."
                  + absolute.getFileName()
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
                  + ".tmp");
      try {
        FileChannel channel =
            FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new AtomicOutputFile(target, temporary, channel);
      } catch (FileAlreadyExistsException e) {
        continue;
      } catch (NoSuchFileException e) {
        throw TraceFormatException.writeFailed(file, "no such directory: " + directory, e);
      } catch (AccessDeniedException e) {
        throw TraceFormatException.writeFailed(file, "permission denied", e);
      } catch (IOException e) {
        throw TraceFormatException.writeFailed(file, "cannot create: " + e.getMessage(), e);
      }
    }
    throw TraceFormatException.writeFailed(file, "cannot find a free temporary name", null);
  }

  /**
   * Writes {@code content} to {@code target} whole, atomically.
   *
   * @param inputs files this output must not replace
   * @throws TraceFormatException REJECTED_OUTPUT or WRITE_FAILED; nothing is left at {@code target}
   *     on failure
   */
  public static void write(Path target, byte[] content, Collection<Path> inputs) {
    AtomicOutputFile output = create(target, inputs);
    try {
      output.stream().write(content);
      output.commit();
    } catch (IOException e) {
      output.discard();
      throw TraceFormatException.writeFailed(
          target.toString(), "write error: " + e.getMessage(), e);
    }
  }

  /**
   * Checks, before any work, that {@code target} can be written: not a directory, not one of the
   * inputs.
   *
   * @throws TraceFormatException REJECTED_OUTPUT
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

  OutputStream stream() {
    return stream;
  }

  /** Makes the complete file visible at the target path. Only once; not after discard. */
  void commit() throws IOException {
    if (done) {
      throw new IllegalStateException("already committed or discarded");
    }
    try {
      stream.flush();
      channel.force(true);
      stream.close();
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } catch (IOException | RuntimeException e) {
      discard();
      throw e;
    }
  }

  /** Deletes the temporary file. Never fails; a no-op after commit or discard. */
  void discard() {
    if (done) {
      return;
    }
    done = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // The bytes are being thrown away, buffered ones included.
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // Nothing more can be done; the name is hidden and marked .tmp.
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
}
