package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mangled copies of real lines: every line is recognised or skipped, and nothing throws. */
final class HostileInputTest {
  private static final List<String> SAMPLES =
      List.of(
          "vfio_device_attach  (0000:01:00.0) group 12",
          "vfio_listener_region_add_ram region_add [ram] 0x100000 - 0x7fffffff [0x7f1a40100000]",
          "vfio_listener_region_del region_del 0x0 - 0xffffffffffffffff",
          "vfio_listener_region_add_iommu region_add [iommu] iommu0 0x0 - 0xffffffffffffffff",
          "vfio_iommu_map_notify iommu MAP @ 0xfffffffffffff000 - 0xffffffffffffffff",
          "vfio_iommu_map_notify iommu UNMAP @ 0x0 - 0xffffffffffffffff",
          "vfio_listener_region_add_no_dma_map Region \"x\" 0x0 size=0x0 is not aligned to 0x1000"
              + " and cannot be mapped for DMA",
          "vfio_device_detach  (0000:01:00.0) group 12",
          "vfio_group_put close group->fd=3",
          "iommufd_backend_alloc_hwpt  iommufd=3 dev_id=1 pt_id=4 flags=0x0 hwpt_type=0 len=0"
              + " data_ptr=0x0 out_hwpt=4 (0)",
          "iommufd_backend_map_dma  iommufd=3 ioas=2 iova=0xfffffffffffff000 size=0x2000"
              + " addr=0xfffffffffffff000 readonly=0 (0)",
          "iommufd_backend_map_file_dma  iommufd=3 ioas=2 iova=0x0 size=0x0 fd=9 start=0"
              + " readonly=0 (0)",
          "iommufd_backend_unmap_dma  iommufd=3 ioas=2 iova=0x1000 size=0x0 (0)",
          "iommufd_backend_free_id  iommufd=3 id=2 (0)",
          "iommufd_cdev_attach_ioas_hwpt  [iommufd=3] Successfully attached device d (1) to id=4",
          "iommufd_cdev_detach_ioas_hwpt  [iommufd=3] Successfully detached d",
          "vfio_container_dma_map(0x1, 0x0, 0x1000, 0x2) = -12 (Cannot allocate memory)",
          "failed to setup container for group 12: vfio_dma_unmap(0x1, 0x0, 0x0) = -22 (x)",
          "IOMMU_IOAS_MAP failed: Bad address, PCI BAR?",
          "VFIO_MAP_DMA: -12",
          "Task q (99999999999) RLIMIT_MEMLOCK (99999999999999999999) exceeded");
  private static final String NOISE = "0x19af-_ ()[]:@\"\\=\t\u00e9\uFFFD";

  @TempDir Path directory;

  @Test
  void mangledLinesAreCountedNeverFatal() throws IOException {
    Random random = new Random(20251103);
    StringBuilder log = new StringBuilder();
    int lines = 5000;
    for (int i = 0; i < lines; i++) {
      log.append(mangle(SAMPLES.get(random.nextInt(SAMPLES.size())), random)).append('\n');
    }

    Imports.Imported imported = Imports.run(directory, log.toString());

    assertThat(imported.result().summary().lines()).isEqualTo(lines);
    assertThat(imported.result().summary().recognisedLines()).isPositive();
  }

  private static String mangle(String line, Random random) {
    StringBuilder text = new StringBuilder(line);
    int edits = random.nextInt(4);
    for (int edit = 0; edit < edits && text.length() > 0; edit++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(4)) {
        case 0 -> text.setLength(at);
        case 1 -> text.deleteCharAt(at);
        case 2 -> text.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
        default -> text.setCharAt(at, Character.forDigit(random.nextInt(16), 16));
      }
    }
    return text.toString();
  }
}
