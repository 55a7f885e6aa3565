package io.vfiomigrate.cli.importer;

import static io.vfiomigrate.cli.importer.LineFormat.HEX;
import static io.vfiomigrate.cli.importer.LineFormat.NUMBER;
import static io.vfiomigrate.cli.importer.LineFormat.POINTER;
import static io.vfiomigrate.cli.importer.LogNumbers.hex64;
import static io.vfiomigrate.cli.importer.LogNumbers.id;
import static io.vfiomigrate.cli.importer.LogNumbers.ok;
import static io.vfiomigrate.cli.importer.LogNumbers.pointer;

import com.google.common.collect.ImmutableList;
import java.util.regex.Matcher;

/**
 * The iommufd events: the backend's ioctls ({@code backends/iommufd.c}, each with the raw ioctl
 * return, 0 or -1) and VFIO's cdev side ({@code hw/vfio/iommufd.c}). {@code alloc_ioas} printed a
 * return value in 8.2 – 9.0 only, so it is optional.
 */
final class IommufdFormats {
  private static final String IOAS = "iommufd=" + NUMBER + " ioas=" + NUMBER;
  private static final String RANGE = " iova=0x" + HEX + " size=0x" + HEX;
  private static final String RET = " \\(" + NUMBER + "\\)";

  private IommufdFormats() {}

  static ImmutableList<LineFormat> all() {
    return ImmutableList.of(
        LineFormat.of(
            "iommufd_backend_alloc_ioas",
            " iommufd=%d ioas=%d",
            IOAS + "(?:" + RET + ")?",
            match ->
                new LogEvent.IoasAlloc(
                    id(match.group(1)),
                    id(match.group(2)),
                    match.group(3) == null || ok(match.group(3)))),
        LineFormat.of(
            "iommufd_backend_alloc_hwpt",
            " iommufd=%d dev_id=%u pt_id=%u flags=0x%x hwpt_type=%u len=%u data_ptr=0x%x"
                + " out_hwpt=%u (%d)",
            "iommufd="
                + NUMBER
                + " dev_id=\\d+ pt_id="
                + NUMBER
                + " flags=0x"
                + HEX
                + " hwpt_type=\\d+ len=\\d+ data_ptr=0x"
                + HEX
                + " out_hwpt="
                + NUMBER
                + RET,
            match ->
                new LogEvent.HwptAlloc(
                    id(match.group(1)),
                    id(match.group(2)),
                    id(match.group(5)),
                    ok(match.group(6)))),
        LineFormat.of(
            "iommufd_backend_map_dma",
            " iommufd=%d ioas=%d iova=0x%x size=0x%x addr=%p readonly=%d (%d)",
            IOAS + RANGE + " addr=" + POINTER + " readonly=([01])" + RET,
            match ->
                new LogEvent.IoasMap(
                    id(match.group(1)),
                    id(match.group(2)),
                    hex64(match.group(3)),
                    hex64(match.group(4)),
                    pointer(match.group(5)),
                    match.group(6).equals("1"),
                    ok(match.group(7)))),
        LineFormat.of(
            "iommufd_backend_map_file_dma",
            " iommufd=%d ioas=%d iova=0x%x size=0x%x fd=%d start=%ld readonly=%d (%d)",
            IOAS + RANGE + " fd=" + NUMBER + " start=(\\d+) readonly=([01])" + RET,
            match ->
                new LogEvent.IoasMapFile(
                    id(match.group(1)),
                    id(match.group(2)),
                    hex64(match.group(3)),
                    hex64(match.group(4)),
                    id(match.group(5)),
                    LogNumbers.unsignedDecimal(match.group(6)),
                    match.group(7).equals("1"),
                    ok(match.group(8)))),
        LineFormat.of(
            "iommufd_backend_unmap_dma",
            " iommufd=%d ioas=%d iova=0x%x size=0x%x (%d)",
            IOAS + RANGE + RET,
            match -> unmap(match, false)),
        LineFormat.of(
            "iommufd_backend_unmap_dma_non_exist",
            " Unmap nonexistent mapping: iommufd=%d ioas=%d iova=0x%x size=0x%x (%d)",
            "Unmap nonexistent mapping: " + IOAS + RANGE + RET,
            match -> unmap(match, true)),
        LineFormat.of(
            "iommufd_backend_free_id",
            " iommufd=%d id=%d (%d)",
            "iommufd=" + NUMBER + " id=" + NUMBER + RET,
            match ->
                new LogEvent.IdFreed(id(match.group(1)), id(match.group(2)), ok(match.group(3)))),
        LineFormat.of(
            "iommufd_cdev_alloc_ioas",
            " [iommufd=%d] new IOMMUFD container with ioasid=%d",
            "\\[iommufd=" + NUMBER + "\\] new IOMMUFD container with ioasid=" + NUMBER,
            match -> new LogEvent.IoasAlloc(id(match.group(1)), id(match.group(2)), true)),
        LineFormat.of(
            "iommufd_cdev_attach_ioas_hwpt",
            " [iommufd=%d] Successfully attached device %s (%d) to id=%d",
            "\\[iommufd="
                + NUMBER
                + "\\] Successfully attached device (.*) \\("
                + NUMBER
                + "\\) to id="
                + NUMBER,
            match ->
                new LogEvent.CdevAttach(id(match.group(1)), match.group(2), id(match.group(4)))),
        LineFormat.of(
            "iommufd_cdev_detach_ioas_hwpt",
            " [iommufd=%d] Successfully detached %s",
            "\\[iommufd=" + NUMBER + "\\] Successfully detached (.*)",
            match -> new LogEvent.CdevDetach(id(match.group(1)), match.group(2))));
  }

  private static LogEvent unmap(Matcher match, boolean nonexistent) {
    return new LogEvent.IoasUnmap(
        id(match.group(1)),
        id(match.group(2)),
        hex64(match.group(3)),
        hex64(match.group(4)),
        ok(match.group(5)),
        nonexistent);
  }
}
