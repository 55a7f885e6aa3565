package io.vfiomigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now;

  @Test
  void showsAThrottledLineAndErasesIt() {
    try (Progress progress = new Progress(err, "diff", true, () -> now)) {
      progress.update(1);
      now += Progress.INTERVAL_NANOS;
      progress.update(2_500_000);
      now += Progress.INTERVAL_NANOS / 2;
      progress.update(2_600_000);
      now += Progress.INTERVAL_NANOS;
      progress.update(3_000);
    }

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "\rdiff: 2500000 events, 10.0M events/s"
                + "\rdiff: 3000 events, 5k events/s"
                + " ".repeat(6)
                + "\r"
                + " ".repeat(30)
                + "\r");
  }

  @Test
  void printsNothingWhenOff() {
    try (Progress progress = new Progress(err, "diff", false, () -> now)) {
      now += 10 * Progress.INTERVAL_NANOS;
      progress.update(5);
    }

    assertThat(bytes.toByteArray()).isEmpty();
  }
}
