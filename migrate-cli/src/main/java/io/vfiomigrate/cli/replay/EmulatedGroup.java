package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.VfioDevice;

/** An attached emulated group: the container it is in, its device and its driver. */
record EmulatedGroup(int container, VfioDevice device, TrackingMdevDriver driver) {
  /** What close_device does: the driver lets go of every pin it holds. */
  void releasePins() {
    for (TrackingMdevDriver.Pin pin : driver.pins()) {
      driver.unpin(device, pin.iova(), pin.npage());
    }
  }
}
