package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class AddressRangesTest {
  @Test
  void mergesOverlappingAndAdjacentRangesButNotGaps() {
    AddressRanges ranges = new AddressRanges();
    ranges.add(0x3000, 0x3fff);
    ranges.add(0x1000, 0x1fff);
    ranges.add(0x2000, 0x2fff);
    ranges.add(0x6000, 0x6fff);
    ranges.add(0x5000, 0x7fff);

    assertThat(contents(ranges)).containsExactly("0x1000-0x3fff", "0x5000-0x7fff");
  }

  @Test
  void handlesTheTopOfTheAddressSpace() {
    AddressRanges ranges = new AddressRanges();
    ranges.add(0xfffffffffffff000L, -1L);
    ranges.add(0xffffffffffffe000L, 0xffffffffffffefffL);
    ranges.add(0x8000000000000000L, 0x8000000000000fffL);

    assertThat(contents(ranges))
        .containsExactly(
            "0x8000000000000000-0x8000000000000fff", "0xffffffffffffe000-0xffffffffffffffff");
  }

  @Test
  void removeSplitsAndTrims() {
    AddressRanges ranges = new AddressRanges();
    ranges.add(0x0, 0xffff);
    ranges.add(0x20000, 0x2ffff);
    ranges.remove(0x4000, 0x4fff);
    ranges.remove(0xf000, 0x20fff);

    assertThat(contents(ranges)).containsExactly("0x0-0x3fff", "0x5000-0xefff", "0x21000-0x2ffff");
  }

  @Test
  void fitsRejectsEmptyAndWrappingRanges() {
    assertThat(AddressRanges.fits(0, 0)).isFalse();
    assertThat(AddressRanges.fits(0xfffffffffffff000L, 0x1000)).isTrue();
    assertThat(AddressRanges.fits(0xfffffffffffff000L, 0x2000)).isFalse();
  }

  private static List<String> contents(AddressRanges ranges) {
    List<String> result = new ArrayList<>();
    ranges.forEach(
        (first, last) ->
            result.add("0x" + Long.toHexString(first) + "-0x" + Long.toHexString(last)));
    return result;
  }
}
