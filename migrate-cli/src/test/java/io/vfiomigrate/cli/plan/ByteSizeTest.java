package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ByteSizeTest {
  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "0x1000, 4096",
    "0X7fffffffffffffff, 9223372036854775807",
    "512MiB, 536870912",
    "8GiB, 8589934592",
    "8G, 8589934592",
    "8 gib, 8589934592",
    "64k, 65536",
    "1TiB, 1099511627776",
    "0, 0",
    "12b, 12"
  })
  void parsesBinaryUnitsHexAndPlainBytes(String text, long bytes) {
    assertThat(ByteSize.parse("--memlock", text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-1|--memlock: invalid size \"-1\": a size cannot be negative",
        "8GB|--memlock: invalid size \"8GB\": ambiguous unit GB (use KiB, MiB, GiB or TiB)",
        "8 PiB|--memlock: invalid size \"8 PiB\": unknown unit PiB (e.g. 4096, 0x1000, 512MiB,"
            + " 8GiB)",
        "1.5GiB|--memlock: invalid size \"1.5GiB\": e.g. 4096, 0x1000, 512MiB, 8GiB",
        "lots|--memlock: invalid size \"lots\": e.g. 4096, 0x1000, 512MiB, 8GiB",
        "0x8000000000000000|--memlock: invalid size \"0x8000000000000000\": too large",
        "8388608TiB|--memlock: invalid size \"8388608TiB\": too large",
        "99999999999999999999|--memlock: invalid size \"99999999999999999999\": too large"
      })
  void rejectsAnythingElseNamingTheOption(String text, String message) {
    assertThatThrownBy(() -> ByteSize.parse("--memlock", text))
        .isInstanceOf(UsageException.class)
        .hasMessage(message);
  }

  @Test
  void namesWhicheverOptionIsParsed() {
    assertThatThrownBy(() -> ByteSize.parse("--guest-memory", "x"))
        .hasMessageStartingWith("--guest-memory: ");
  }
}
