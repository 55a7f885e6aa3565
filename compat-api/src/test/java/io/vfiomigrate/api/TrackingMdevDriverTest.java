package io.vfiomigrate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.TrackingMdevDriver.Pin;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackingMdevDriverTest {
  private static final long P = 4096;

  /** Records the calls a driver makes; pins always succeed. */
  private static final class RecordingDevice implements VfioDevice {
    final List<String> calls = new ArrayList<>();

    @Override
    public int groupId() {
      return 7;
    }

    @Override
    public PinnedPages pinPages(long iova, int npage, Prot prot) {
      calls.add("pin " + Long.toHexString(iova) + " " + npage);
      return new PinnedPages(List.of(new PinnedPages.PfnRange(1000, npage)));
    }

    @Override
    public void unpinPages(long iova, int npage) {
      calls.add("unpin " + Long.toHexString(iova) + " " + npage);
    }

    @Override
    public void dmaRw(long iova, long length, boolean write) {}
  }

  @Test
  void callbackReleasesExactlyTheIntersectingPins() {
    RecordingDevice device = new RecordingDevice();
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    driver.pin(device, 0x1000, 4, Prot.READ);
    driver.pin(device, 0x1000, 4, Prot.READ);
    driver.pin(device, 0x1000, 1, Prot.READ);
    driver.pin(device, 0x9000, 1, Prot.READ);
    driver.pin(device, 0x20000, 2, Prot.READ);
    device.calls.clear();
    driver.dmaUnmap(device, 0x4000, 0x6000);
    assertThat(device.calls).containsExactly("unpin 1000 4", "unpin 1000 4", "unpin 9000 1");
    assertThat(driver.pins()).containsExactly(new Pin(0x1000, 1), new Pin(0x20000, 2));
    assertThat(driver.callbacks()).isEqualTo(1);
  }

  @Test
  void callbackOverTheWholeSpaceReleasesEverything() {
    RecordingDevice device = new RecordingDevice();
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    driver.pin(device, -2 * P, 2, Prot.WRITE);
    driver.pin(device, 0, 1, Prot.WRITE);
    driver.dmaUnmap(device, 0, U64.MAX);
    assertThat(driver.pins()).isEmpty();
  }

  @Test
  void ignoringDriverKeepsItsPins() {
    RecordingDevice device = new RecordingDevice();
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.IGNORE, P);
    driver.pin(device, 0x1000, 1, Prot.READ);
    driver.dmaUnmap(device, 0, 1L << 40);
    assertThat(driver.pins()).containsExactly(new Pin(0x1000, 1));
  }

  @Test
  void unpinForgetsOneHoldAndPassesEveryUnpinOn() {
    RecordingDevice device = new RecordingDevice();
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    driver.pin(device, 0x1000, 2, Prot.READ);
    driver.pin(device, 0x1000, 2, Prot.READ);
    driver.unpin(device, 0x1000, 2);
    driver.unpin(device, 0x5000, 1);
    assertThat(driver.pins()).containsExactly(new Pin(0x1000, 2));
    assertThat(device.calls).endsWith("unpin 1000 2", "unpin 5000 1");
  }

  @Test
  void pinsGoByUnsignedIovaThenLengthAndLeaveWithTheirLastHold() {
    RecordingDevice device = new RecordingDevice();
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    driver.pin(device, -P, 1, Prot.READ);
    driver.pin(device, 0x3000, 2, Prot.READ);
    driver.pin(device, 0x3000, 1, Prot.READ);
    driver.pin(device, 0x3000, 1, Prot.READ);
    driver.pin(device, 0x1000, 1, Prot.READ);
    assertThat(driver.pins())
        .containsExactly(
            new Pin(0x1000, 1),
            new Pin(0x3000, 1),
            new Pin(0x3000, 1),
            new Pin(0x3000, 2),
            new Pin(-P, 1));

    driver.unpin(device, 0x3000, 2);
    driver.unpin(device, 0x1000, 1);
    driver.unpin(device, 0x1000, 1);
    device.calls.clear();
    driver.dmaUnmap(device, 0, U64.MAX);

    assertThat(device.calls)
        .containsExactly("unpin 3000 1", "unpin 3000 1", "unpin fffffffffffff000 1");
    assertThat(driver.pins()).isEmpty();
    driver.pin(device, 0x3000, 2, Prot.READ);
    assertThat(driver.pins()).containsExactly(new Pin(0x3000, 2));
  }
}
