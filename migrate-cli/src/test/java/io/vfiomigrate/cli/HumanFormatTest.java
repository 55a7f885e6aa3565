package io.vfiomigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class HumanFormatTest {
  private static final long U64_MAX = -1L;

  @Test
  void hexAndUnsignedDecimals() {
    assertThat(HumanFormat.hex(0x7f00_0000_0000L)).isEqualTo("0x7f0000000000");
    assertThat(HumanFormat.hex(0)).isEqualTo("0x0");
    assertThat(HumanFormat.hex(0xFFFF_FFFF_FFFF_F000L)).isEqualTo("0xfffffffffffff000");
    assertThat(HumanFormat.u64(U64_MAX)).isEqualTo("18446744073709551615");
    assertThat(HumanFormat.u32(-1)).isEqualTo("4294967295");
  }

  @Test
  void bytesUseBinaryUnitsIntegersWhenExact() {
    assertThat(HumanFormat.bytes(0)).isEqualTo("0 B");
    assertThat(HumanFormat.bytes(1023)).isEqualTo("1023 B");
    assertThat(HumanFormat.bytes(1024)).isEqualTo("1 KiB");
    assertThat(HumanFormat.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(HumanFormat.bytes(64L << 20)).isEqualTo("64 MiB");
    assertThat(HumanFormat.bytes(3L << 29)).isEqualTo("1.5 GiB");
    assertThat(HumanFormat.bytes((1L << 30) - 1)).isEqualTo("1.0 GiB");
    assertThat(HumanFormat.bytes(1L << 62)).isEqualTo("4 EiB");
    assertThat(HumanFormat.bytes(U64_MAX)).isEqualTo("16.0 EiB");
  }

  @Test
  void sizesWithPages() {
    assertThat(HumanFormat.sizeWithPages(3L << 29, 4096)).isEqualTo("1.5 GiB (393216 pages)");
    assertThat(HumanFormat.sizeWithPages(4096, 4096)).isEqualTo("4 KiB (1 page)");
    assertThat(HumanFormat.sizeWithPages(6144, 4096)).isEqualTo("6 KiB (1 page + 2048 B)");
    assertThat(HumanFormat.sizeWithPages(U64_MAX, 4096))
        .isEqualTo("16.0 EiB (4503599627370495 pages + 4095 B)");
    assertThat(HumanFormat.bytesExact(64L << 20)).isEqualTo("64 MiB (67108864 bytes)");
    assertThat(HumanFormat.bytesExact(1)).isEqualTo("1 B (1 byte)");
  }
}
