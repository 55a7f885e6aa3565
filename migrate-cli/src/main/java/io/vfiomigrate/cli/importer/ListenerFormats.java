package io.vfiomigrate.cli.importer;

import static io.vfiomigrate.cli.importer.LineFormat.HEX;
import static io.vfiomigrate.cli.importer.LineFormat.POINTER;
import static io.vfiomigrate.cli.importer.LogNumbers.checkedLast;
import static io.vfiomigrate.cli.importer.LogNumbers.hex64;
import static io.vfiomigrate.cli.importer.LogNumbers.pointer;

import com.google.common.collect.ImmutableList;
import java.util.regex.Matcher;

/**
 * The VFIO memory listener events ({@code hw/vfio/listener.c}, {@code common.c} before 10.1), with
 * the formats of every QEMU version that changed them: the skip event before and after 8.0, the
 * vIOMMU region event without and with its region name (9.1).
 */
final class ListenerFormats {
  private static final String RANGE = "0x" + HEX + " - 0x" + HEX;

  private ListenerFormats() {}

  static ImmutableList<LineFormat> all() {
    return ImmutableList.of(
        LineFormat.of(
            "vfio_listener_region_add_ram",
            "region_add [ram] 0x%x - 0x%x [%p]",
            "region_add \\[ram\\] " + RANGE + " \\[" + POINTER + "\\]",
            match -> {
              long iova = hex64(match.group(1));
              return new LogEvent.RamAdd(
                  iova, checkedLast(iova, hex64(match.group(2))), pointer(match.group(3)));
            }),
        LineFormat.of(
            "vfio_listener_region_del",
            "region_del 0x%x - 0x%x",
            "region_del " + RANGE,
            match -> {
              long iova = hex64(match.group(1));
              return new LogEvent.RegionDel(iova, checkedLast(iova, hex64(match.group(2))));
            }),
        skip("vfio_listener_region_skip", "SKIPPING %s 0x%x - 0x%x", "\\S+"),
        skip("vfio_listener_region_add_skip", "SKIPPING region_add 0x%x - 0x%x", "region_add"),
        skip("vfio_listener_region_del_skip", "SKIPPING region_del 0x%x - 0x%x", "region_del"),
        LineFormat.of(
            "vfio_listener_region_add_iommu",
            "region_add [iommu] %s 0x%x - 0x%x",
            "region_add \\[iommu\\] (?:(.*?) )?" + RANGE,
            match -> {
              long iova = hex64(match.group(2));
              return new LogEvent.IommuRegionAdd(
                  match.group(1) == null ? "" : match.group(1),
                  iova,
                  checkedLast(iova, hex64(match.group(3))));
            }),
        LineFormat.of(
            "vfio_listener_region_del_iommu",
            "region_del [iommu] %s",
            "region_del \\[iommu\\] (.*)",
            match -> new LogEvent.IommuRegionDel(match.group(1))),
        LineFormat.of(
            "vfio_iommu_map_notify",
            "iommu %s @ 0x%x - 0x%x",
            "iommu (MAP|UNMAP) @ " + RANGE,
            match -> {
              long iova = hex64(match.group(2));
              return new LogEvent.IommuNotify(
                  match.group(1).equals("MAP"), iova, checkedLast(iova, hex64(match.group(3))));
            }),
        LineFormat.of(
            "vfio_listener_region_add_no_dma_map",
            "Region \"%s\" 0x%x size=0x%x is not aligned to 0x%x and cannot be mapped for DMA",
            "Region \"(.*)\" 0x"
                + HEX
                + " size=0x"
                + HEX
                + " is not aligned to 0x"
                + HEX
                + " and cannot be mapped for DMA",
            match ->
                new LogEvent.NoDmaMap(
                    match.group(1), hex64(match.group(2)), hex64(match.group(3)))));
  }

  private static LineFormat skip(String kind, String format, String nameRegex) {
    return LineFormat.of(
        kind, format, "SKIPPING " + nameRegex + " " + RANGE, ListenerFormats::skipEvent);
  }

  private static LogEvent skipEvent(Matcher match) {
    long iova = hex64(match.group(1));
    return new LogEvent.RegionSkip(iova, checkedLast(iova, hex64(match.group(2))));
  }
}
