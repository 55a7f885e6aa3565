package io.vfiomigrate.type1;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The iova_list operations, including the kernel's boundary comparisons. */
class IovaListTest {
  private static IovaList list(long... bounds) {
    List<IovaRange> ranges = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      ranges.add(new IovaRange(bounds[i], bounds[i + 1]));
    }
    return IovaList.of(ranges);
  }

  private static DmaTree dmas(long iova, long size) {
    Host host = new Host(HostConfig.builder().task(TaskSpec.of(1, 1, 0)).build());
    DmaTree tree = new DmaTree();
    VfioDma dma = new VfioDma(iova, 0, Prot.READ, host.task(1));
    dma.setSize(size);
    tree.link(dma);
    return tree;
  }

  @Test
  void anEmptyListAcceptsEverythingAndTakesTheFirstAperture() {
    assertThat(IovaList.EMPTY.dmaValid(0, U64.MAX)).isTrue();
    assertThat(IovaList.EMPTY.aperConflict(5, 6, dmas(0, 4096))).isFalse();
    assertThat(IovaList.EMPTY.aperResize(0x1000, 0x1fff)).hasToString("[[0x1000, 0x1fff]]");
  }

  @Test
  void resizeClipsBothEndsAndDropsWindowsOutside() {
    IovaList windows = list(0x0, 0xfff, 0x2000, 0x5fff, 0x8000, 0x9fff);
    assertThat(windows.aperResize(0x3000, 0x8fff))
        .hasToString("[[0x3000, 0x5fff], [0x8000, 0x8fff]]");
    assertThat(windows.aperResize(0x1000, 0x7fff)).hasToString("[[0x2000, 0x5fff]]");
    // As in the kernel, a window whose last address is the new start is dropped.
    assertThat(list(0x0, 0xfff, 0x2000, 0x2fff).aperResize(0xfff, 0x2fff))
        .hasToString("[[0x2000, 0x2fff]]");
  }

  @Test
  void reservedRegionsSplitWindows() {
    IovaList all = list(0, U64.MAX);
    IovaList out = all.resvExclude(List.of(new IovaRange(0x1000, 0x1fff),
        new IovaRange(0, 0xff), new IovaRange(0x5000, 0x5fff)));
    assertThat(out).hasToString(
        "[[0x100, 0xfff], [0x2000, 0x4fff], [0x6000, 0xffffffffffffffff]]");
    assertThat(list(0x1000, 0x1fff).resvExclude(List.of(new IovaRange(0, U64.MAX))).isEmpty())
        .isTrue();
  }

  @Test
  void aNewApertureConflictsIfDisjointOrIfItLeavesAMappingOutside() {
    IovaList windows = list(0x1000, 0xffff);
    assertThat(windows.aperConflict(0x10000, 0x20000, new DmaTree())).isTrue();
    assertThat(windows.aperConflict(0, 0xfff, new DmaTree())).isTrue();
    assertThat(windows.aperConflict(0x2000, 0x8fff, dmas(0x1000, 0x1000))).isTrue();
    assertThat(windows.aperConflict(0x2000, 0x8fff, dmas(0x9000, 0x1000))).isTrue();
    assertThat(windows.aperConflict(0x2000, 0x8fff, dmas(0x2000, 0x7000))).isFalse();
    assertThat(IovaList.resvConflict(List.of(new IovaRange(0x8fff, 0x8fff)),
        dmas(0x2000, 0x7000))).isTrue();
  }

  @Test
  void expandStretchesTheOuterWindows() {
    assertThat(list(0x1000, 0x1fff, 0x3000, 0x3fff).aperExpand(0, 0xffff))
        .hasToString("[[0x0, 0x1fff], [0x3000, 0xffff]]");
    assertThat(IovaList.EMPTY.aperExpand(0, 1).isEmpty()).isTrue();
    assertThat(list(0x1000, 0x1fff).dmaValid(0x1000, 0x2000)).isFalse();
  }
}
