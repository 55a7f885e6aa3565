package io.vfiomigrate.cli.importer;

import static io.vfiomigrate.cli.importer.LineFormat.NUMBER;
import static io.vfiomigrate.cli.importer.LogNumbers.id;

import com.google.common.collect.ImmutableList;

/**
 * The legacy backend's device and group events: the attach event under its three names (≤ 8.1
 * {@code vfio_realize}, 8.2 – 10.0 {@code vfio_attach_device}, 10.1+ {@code vfio_device_attach}),
 * the detach event under its two, and the close events that end a detach, under their names before
 * and after 10.1. The type1 container itself is never traced.
 */
final class DeviceFormats {
  private static final String DEVICE_GROUP = " (%s) group %d";
  private static final String DEVICE_GROUP_REGEX = "\\((.*)\\) group " + NUMBER;

  private DeviceFormats() {}

  static ImmutableList<LineFormat> all() {
    ImmutableList.Builder<LineFormat> formats = ImmutableList.builder();
    for (String kind :
        ImmutableList.of("vfio_realize", "vfio_attach_device", "vfio_device_attach")) {
      formats.add(
          LineFormat.of(
              kind,
              DEVICE_GROUP,
              DEVICE_GROUP_REGEX,
              match -> new LogEvent.DeviceAttach(match.group(1), id(match.group(2)))));
    }
    for (String kind : ImmutableList.of("vfio_detach_device", "vfio_device_detach")) {
      formats.add(
          LineFormat.of(
              kind,
              DEVICE_GROUP,
              DEVICE_GROUP_REGEX,
              match -> new LogEvent.DeviceDetach(match.group(1), id(match.group(2)))));
    }
    formats.add(close("vfio_put_group", "group"));
    formats.add(close("vfio_group_put", "group"));
    formats.add(close("vfio_disconnect_container", "container"));
    formats.add(close("vfio_container_disconnect", "container"));
    return formats.build();
  }

  private static LineFormat close(String kind, String object) {
    return LineFormat.of(
        kind,
        "close " + object + "->fd=%d",
        "close " + object + "->fd=\\d+",
        match -> new LogEvent.LegacyClose());
  }
}
