package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.MemoryRegion;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How iommufd backend events become type1 events that carry iommufd's outcomes. */
final class IommufdImportTest {
  @TempDir Path directory;

  @Test
  void recordsWhatIommufdDidAsTheExpectOfEachRequest() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            iommufd_backend_alloc_ioas  iommufd=23 ioas=2
            iommufd_cdev_alloc_ioas  [iommufd=23] new IOMMUFD container with ioasid=2
            iommufd_backend_alloc_hwpt  iommufd=23 dev_id=1 pt_id=2 flags=0x4 hwpt_type=0 len=0 data_ptr=0x0 out_hwpt=3 (0)
            iommufd_cdev_attach_ioas_hwpt  [iommufd=23] Successfully attached device 0000:01:00.0 (29) to id=3
            iommufd_backend_map_dma  iommufd=23 ioas=2 iova=0x0 size=0x80000000 addr=0x7f3a00000000 readonly=0 (0)
            iommufd_backend_map_dma  iommufd=23 ioas=2 iova=0xfffc0000 size=0x40000 addr=0x7f3b00000000 readonly=1 (0)
            iommufd_backend_map_dma  iommufd=23 ioas=2 iova=0x380000000000 size=0x10000000 addr=0x7f3c00000000 readonly=0 (-1)
            qemu-system-x86_64: warning: IOMMU_IOAS_MAP failed: Bad address, PCI BAR?
            iommufd_backend_unmap_dma_non_exist  Unmap nonexistent mapping: iommufd=23 ioas=2 iova=0x380000000000 size=0x10000000 (-1)
            iommufd_backend_unmap_dma  iommufd=23 ioas=2 iova=0x0 size=0x80000000 (0)
            iommufd_cdev_detach_ioas_hwpt  [iommufd=23] Successfully detached 0000:01:00.0
            iommufd_backend_unmap_dma  iommufd=23 ioas=2 iova=0x0 size=0xffffffffffffffff (0)
            iommufd_backend_free_id  iommufd=23 id=3 (0)
            iommufd_backend_free_id  iommufd=23 id=2 (0)
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 1000000 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0x0 size 0x80000000 vaddr 0x7f3a00000000 rw expect OK",
            "4242: map 1 iova 0xfffc0000 size 0x40000 vaddr 0x7f3b00000000 r- expect OK",
            "4242: map 1 iova 0x380000000000 size 0x10000000 vaddr 0x7f3c00000000 rw expect EFAULT",
            "4242: unmap 1 iova 0x380000000000 size 0x10000000 expect ENOENT",
            "4242: unmap 1 iova 0x0 size 0x80000000 expect OK unmapped 0x80000000",
            "4242: detach 1 group 1000000",
            "4242: unmap 1 all expect OK unmapped 0x40000",
            "4242: close 1");
    assertThat(imported.header().getMemoryList())
        .containsExactly(
            region(0x7f3a00000000L, 0x80000000L, Backing.THP),
            region(0x7f3b00000000L, 0x40000, Backing.THP),
            region(0x7f3c00000000L, 0x10000000, Backing.MMIO));
    assertThat(imported.header().getDescription())
        .contains("iommufd backend: each IOAS is a container");
  }

  @Test
  void fileMapsGetOneSyntheticAddressRangePerFile() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            iommufd_backend_map_file_dma  iommufd=23 ioas=2 iova=0x0 size=0xa0000 fd=31 start=0 readonly=0 (0)
            iommufd_backend_map_file_dma  iommufd=23 ioas=2 iova=0x100000000 size=0x80000000 fd=31 start=2147483648 readonly=0 (0)
            iommufd_backend_map_file_dma  iommufd=23 ioas=2 iova=0xfffc0000 size=0x40000 fd=33 start=0 readonly=1 (0)
            iommufd_backend_map_file_dma  iommufd=23 ioas=5 iova=0x0 size=0xa0000 fd=31 start=0 readonly=0 (-1)
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: map 1 iova 0x0 size 0xa0000 vaddr 0x4000000000000000 rw expect OK",
            "4242: map 1 iova 0x100000000 size 0x80000000 vaddr 0x4000000080000000 rw expect OK",
            "4242: map 1 iova 0xfffc0000 size 0x40000 vaddr 0x4010000000000000 r- expect OK",
            "4242: open 2",
            "4242: map 2 iova 0x0 size 0xa0000 vaddr 0x4000000000000000 rw");
    assertThat(imported.result().assembled().notes().keySet())
        .containsExactly(
            "iommufd file maps name no host address: given synthetic ones above 2^62",
            "iommufd requests that failed with no error line naming the errno: no expect");
  }

  private static MemoryRegion region(long vaddr, long size, Backing backing) {
    return MemoryRegion.newBuilder()
        .setPid(4242)
        .setVaddr(vaddr)
        .setSize(size)
        .setBacking(backing)
        .build();
  }
}
