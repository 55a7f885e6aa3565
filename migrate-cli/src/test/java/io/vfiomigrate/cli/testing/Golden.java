package io.vfiomigrate.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources}: the test compares its output with the file, byte
 * for byte. Run with {@code -Dgolden.update=true} to rewrite the files after an intended change,
 * then review the diff in git.
 */
public final class Golden {
  private static final Path ROOT = Path.of("src/test/resources");

  private Golden() {}

  public static void assertMatches(String resource, String actual) {
    Path file = ROOT.resolve(resource);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      }
      assertThat(actual)
          .as("output of %s (rerun with -Dgolden.update=true to accept a change)", resource)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
