package io.vfiomigrate.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class JsonTextTest {
  private static final Gson GSON = new Gson();

  @Test
  void everyCharacterIsEscapedAsGsonEscapesIt() {
    for (char c = 0; c < 0x3000; c++) {
      String text = "a" + c + "b";
      assertThat(JsonText.string(text)).as("U+%04X", (int) c).isEqualTo(GSON.toJson(text));
    }
  }

  @Test
  void randomStringsMatchGson() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(20);
      for (int j = 0; j < length; j++) {
        text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
      }
      assertThat(JsonText.string(text.toString())).isEqualTo(GSON.toJson(text.toString()));
    }
  }
}
