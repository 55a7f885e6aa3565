package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How legacy listener and device events become containers, groups, maps and unmaps. */
final class LegacyImportTest {
  @TempDir Path directory;

  @Test
  void aSecondDeviceWithoutReplayJoinsTheContainer() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            vfio_device_attach  (0000:01:00.0) group 12
            vfio_listener_region_add_ram region_add [ram] 0x0 - 0x7fffffff [0x7f0000000000]
            vfio_device_attach  (0000:02:00.0) group 13
            vfio_listener_region_add_ram region_add [ram] 0x100000000 - 0x13fffffff [0x7f0080000000]
            vfio_listener_region_del region_del 0x100000000 - 0x13fffffff
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 12 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0x0 size 0x80000000 vaddr 0x7f0000000000 rw",
            "4242: attach 1 group 13 IOMMU",
            "4242: map 1 iova 0x100000000 size 0x40000000 vaddr 0x7f0080000000 rw",
            "4242: unmap 1 iova 0x100000000 size 0x40000000");
  }

  @Test
  void aReplayOfMappedSectionsOpensANewContainerAndRemovalsGoNewestFirst() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            vfio_device_attach  (0000:01:00.0) group 12
            vfio_listener_region_add_ram region_add [ram] 0x0 - 0x7fffffff [0x7f0000000000]
            vfio_device_attach  (83b8f4f2-509f-382f-3c1e-e6bfe0fa1001) group 30
            vfio_listener_region_add_ram region_add [ram] 0x0 - 0x7fffffff [0x7f0000000000]
            vfio_listener_region_add_ram region_add [ram] 0xfebf0000 - 0xfebf3fff [0x7f2000000000]
            vfio_listener_region_add_ram region_add [ram] 0xfebf0000 - 0xfebf3fff [0x7f2000000000]
            vfio_listener_region_del region_del 0x0 - 0x7fffffff
            vfio_listener_region_del region_del 0x0 - 0x7fffffff
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 12 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0x0 size 0x80000000 vaddr 0x7f0000000000 rw",
            "4242: open 2",
            "4242: attach 2 group 30 EMULATED",
            "4242: setIommu 2 TYPE1V2",
            "4242: map 2 iova 0x0 size 0x80000000 vaddr 0x7f0000000000 rw",
            "4242: map 1 iova 0xfebf0000 size 0x4000 vaddr 0x7f2000000000 rw",
            "4242: map 2 iova 0xfebf0000 size 0x4000 vaddr 0x7f2000000000 rw",
            "4242: unmap 2 iova 0x0 size 0x80000000",
            "4242: unmap 1 iova 0x0 size 0x80000000");
  }

  @Test
  void viommuNotifiesGoToTheContainersWithAVirtualIommu() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            vfio_device_attach  (0000:01:00.0) group 12
            vfio_listener_region_add_iommu region_add [iommu] intel_iommu_devfn_8 0x0 - 0xffffffffffffffff
            vfio_iommu_map_notify iommu MAP @ 0xfffff000 - 0xffffffff
            vfio_device_attach  (0000:02:00.0) group 13
            vfio_listener_region_add_iommu region_add [iommu] intel_iommu_devfn_16 0x0 - 0xffffffffffffffff
            vfio_iommu_map_notify iommu MAP @ 0xfffff000 - 0xffffffff
            vfio_iommu_map_notify iommu UNMAP @ 0xfffff000 - 0xffffffff
            vfio_listener_region_del_iommu region_del [iommu] intel_iommu_devfn_16
            vfio_listener_region_del region_del 0x0 - 0xffffffffffffffff
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 12 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0xfffff000 size 0x1000 vaddr 0x80000000fffff000 rw",
            "4242: open 2",
            "4242: attach 2 group 13 IOMMU",
            "4242: setIommu 2 TYPE1V2",
            "4242: map 2 iova 0xfffff000 size 0x1000 vaddr 0x80000000fffff000 rw",
            "4242: unmap 1 iova 0xfffff000 size 0x1000",
            "4242: unmap 2 all");
    assertThat(imported.result().assembled().notes())
        .containsExactly(
            java.util.Map.entry(
                "vIOMMU maps name no host address: given synthetic ones above 2^63", 2L));
  }

  @Test
  void aLastGroupDetachEndsAfterTheTeardownUnmaps() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            vfio_device_attach  (0000:01:00.0) group 12
            vfio_listener_region_add_ram region_add [ram] 0x0 - 0x9ffff [0x7f0000000000]
            vfio_device_detach  (0000:01:00.0) group 12
            vfio_device_put close vdev->fd=30
            vfio_listener_region_skip SKIPPING region_del 0xa0000 - 0xbffff
            vfio_listener_region_del region_del 0x0 - 0x9ffff
            vfio_group_put close group->fd=28
            vfio_container_disconnect close container->fd=27
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 12 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0x0 size 0xa0000 vaddr 0x7f0000000000 rw",
            "4242: unmap 1 iova 0x0 size 0xa0000",
            "4242: detach 1 group 12",
            "4242: close 1");
  }

  @Test
  void aMisalignedRamDeviceSectionIsNotMapped() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            vfio_device_attach  (0000:01:00.0) group 12
            vfio_listener_region_add_ram region_add [ram] 0xfe010000 - 0xfe01ffff [0x7f3000000000]
            vfio_listener_region_add_no_dma_map Region "0000:01:00.0 BAR 0 mmaps[0]" 0xfe010000 size=0x10000 is not aligned to 0x200000 and cannot be mapped for DMA
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1", "4242: attach 1 group 12 IOMMU", "4242: setIommu 1 TYPE1V2");
    assertThat(imported.header().getMemoryCount()).isZero();
  }

  @Test
  void mapsWithoutAnAttachLineGetAStandInGroup() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xfff [0x7f0000000000]\n");

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 0 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0x0 size 0x1000 vaddr 0x7f0000000000 rw");
  }

  @Test
  void errorLinesSetTheExpectOfTheirRequestAndTheNumberWins() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            vfio_attach_device  (0000:01:00.0) group 12
            vfio_listener_region_add_ram region_add [ram] 0x0 - 0x9ffff [0x7f0000000000]
            vfio_listener_region_add_ram region_add [ram] 0x100000 - 0x7fffffff [0x7f0000100000]
            qemu-system-x86_64: VFIO_MAP_DMA failed: Bad address
            vfio_listener_region_del region_del 0x0 - 0x9ffff
            qemu-system-x86_64: VFIO_UNMAP_DMA failed: Invalid argument
            qemu-system-x86_64: vfio_container_dma_map(0x55d0c8a0b2c0, 0x100000, 0x7ff00000, 0x7f0000100000) = -12 (Cannot allocate memory)
            qemu-system-x86_64: VFIO_MAP_DMA failed: Invalid argument
            """);

    assertThat(imported.events())
        .containsExactly(
            "4242: open 1",
            "4242: attach 1 group 12 IOMMU",
            "4242: setIommu 1 TYPE1V2",
            "4242: map 1 iova 0x0 size 0xa0000 vaddr 0x7f0000000000 rw",
            "4242: map 1 iova 0x100000 size 0x7ff00000 vaddr 0x7f0000100000 rw expect ENOMEM",
            "4242: unmap 1 iova 0x0 size 0xa0000 expect EINVAL");
  }
}
