package io.vfiomigrate.cli.importer;

import static io.vfiomigrate.cli.importer.LineFormat.HEX;
import static io.vfiomigrate.cli.importer.LineFormat.NUMBER;
import static io.vfiomigrate.cli.importer.LineFormat.POINTER;
import static io.vfiomigrate.cli.importer.LogNumbers.errno;
import static io.vfiomigrate.cli.importer.LogNumbers.hex64;

import com.google.common.collect.ImmutableList;
import io.vfiomigrate.api.Errno;
import java.util.regex.Pattern;

/**
 * Messages that are not trace events but carry the outcome of a request: QEMU's error and warning
 * lines (spec §1.7) and the kernel's RLIMIT_MEMLOCK line. They appear anywhere in a line, behind
 * program names, device locations ({@code -device vfio-pci,host=…: }) and wrappers such as {@code
 * failed to setup container for group N: memory listener initialization failed: Region pc.ram: },
 * so each is found by its head and then parsed from there.
 */
final class MessageFormats {
  /** A message kind: where it starts ({@code head}) and how it reads from there on. */
  record Message(Pattern head, LineFormat format) {}

  private MessageFormats() {}

  static ImmutableList<Message> all() {
    return ImmutableList.of(
        requestFailed("vfio_dma_map", true),
        requestFailed("vfio_container_dma_map", true),
        requestFailed("vfio_dma_unmap", false),
        requestFailed("vfio_container_dma_unmap", false),
        lastFailedText("VFIO_MAP_DMA failed", true, "VFIO_MAP_DMA failed: %s"),
        lastFailedText("VFIO_UNMAP_DMA failed", false, "VFIO_UNMAP_DMA failed: %s"),
        lastFailedText("IOMMU_IOAS_MAP failed", true, "IOMMU_IOAS_MAP failed: %m[, PCI BAR?]"),
        lastFailedText(
            "IOMMU_IOAS_MAP_FILE failed", true, "IOMMU_IOAS_MAP_FILE failed: %m[, PCI BAR?]"),
        message(
            "VFIO_MAP_DMA",
            "VFIO_MAP_DMA: -%d",
            "\\bVFIO_MAP_DMA: ",
            "VFIO_MAP_DMA: " + NUMBER + "$",
            match -> new LogEvent.LastRequestFailed(true, errno(match.group(1)), true, false)),
        message(
            "RLIMIT_MEMLOCK exceeded",
            "[Task %s (%d) ]RLIMIT_MEMLOCK (%lu) exceeded",
            "RLIMIT_MEMLOCK \\(",
            "(?:\\((\\d+)\\) )?RLIMIT_MEMLOCK \\((\\d+)\\) exceeded",
            match ->
                new LogEvent.MemlockExceeded(
                    LogNumbers.unsignedDecimal(match.group(2)),
                    match.group(1) == null ? null : LogNumbers.id(match.group(1)))));
  }

  /**
   * {@code vfio_container_dma_map(%p, 0x%x, 0x%x, %p) = %d (%s)} and the unmap without vaddr,
   * optionally behind the realize-time wrapper that names the group whose container failed.
   */
  private static Message requestFailed(String kind, boolean map) {
    String arguments = POINTER + ", 0x" + HEX + ", 0x" + HEX + (map ? ", " + POINTER : "");
    return message(
        kind,
        kind + (map ? "(%p, 0x%x, 0x%x, %p) = %d (%s)" : "(%p, 0x%x, 0x%x) = %d (%s)"),
        "\\b" + kind + "\\(",
        "(?:failed to setup container for group (\\d+): .*)?\\b"
            + kind
            + "\\("
            + arguments
            + "\\) = "
            + NUMBER,
        match ->
            new LogEvent.RequestFailed(
                map,
                hex64(match.group(3)),
                hex64(match.group(4)),
                errno(match.group(map ? 6 : 5)),
                match.group(1) == null ? null : LogNumbers.id(match.group(1))));
  }

  /** Text-only messages; the iommufd ones end in {@code , PCI BAR?} when the errno is EFAULT. */
  private static Message lastFailedText(String kind, boolean map, String format) {
    return message(
        kind,
        format,
        "\\b" + kind + ":",
        "\\b" + kind + ": (.+?)(, PCI BAR\\?)?$",
        match -> {
          Errno errno =
              Strerror.errno(match.group(1))
                  .orElseThrow(
                      () -> new BadValueException("unknown error text \"" + match.group(1) + "\""));
          return new LogEvent.LastRequestFailed(map, errno, false, match.group(2) != null);
        });
  }

  private static Message message(
      String kind, String format, String head, String regex, LineFormat.Decoder decoder) {
    return new Message(Pattern.compile(head), LineFormat.of(kind, format, regex, decoder));
  }
}
