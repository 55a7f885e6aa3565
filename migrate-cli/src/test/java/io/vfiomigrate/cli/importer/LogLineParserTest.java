package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One sample line per event and message, written from QEMU's format strings (spec §1.2 – §1.7). */
final class LogLineParserTest {
  private final LogLineParser parser = new LogLineParser();

  static Stream<Arguments> events() {
    return Stream.of(
        event(
            "vfio_listener_region_add_ram region_add [ram] 0x100000 - 0x7fffffff [0x7f1a40100000]",
            new LogEvent.RamAdd(0x100000L, 0x7fffffffL, 0x7f1a40100000L)),
        event(
            "vfio_listener_region_del region_del 0xc0000 - 0xdffff",
            new LogEvent.RegionDel(0xc0000L, 0xdffffL)),
        event(
            "vfio_listener_region_skip SKIPPING region_add 0xa0000 - 0xbffff",
            new LogEvent.RegionSkip(0xa0000L, 0xbffffL)),
        event(
            "vfio_listener_region_skip SKIPPING region_del 0xfee00000 - 0xfeefffff",
            new LogEvent.RegionSkip(0xfee00000L, 0xfeefffffL)),
        event(
            "vfio_listener_region_add_skip SKIPPING region_add 0xb0000000 - 0xbfffffff",
            new LogEvent.RegionSkip(0xb0000000L, 0xbfffffffL)),
        event(
            "vfio_listener_region_del_skip SKIPPING region_del 0xa0000 - 0xbffff",
            new LogEvent.RegionSkip(0xa0000L, 0xbffffL)),
        event(
            "vfio_listener_region_add_iommu region_add [iommu] intel_iommu_devfn_8 0x0 -"
                + " 0xffffffffffffffff",
            new LogEvent.IommuRegionAdd("intel_iommu_devfn_8", 0, -1L)),
        event(
            "vfio_listener_region_add_iommu region_add [iommu] 0x0 - 0x7fffffffff",
            new LogEvent.IommuRegionAdd("", 0, 0x7fffffffffL)),
        event(
            "vfio_listener_region_del_iommu region_del [iommu] intel_iommu_devfn_8",
            new LogEvent.IommuRegionDel("intel_iommu_devfn_8")),
        event(
            "vfio_iommu_map_notify iommu MAP @ 0xfffff000 - 0xffffffff",
            new LogEvent.IommuNotify(true, 0xfffff000L, 0xffffffffL)),
        event(
            "vfio_iommu_map_notify iommu UNMAP @ 0x0 - 0x1fffff",
            new LogEvent.IommuNotify(false, 0, 0x1fffffL)),
        event(
            "vfio_listener_region_add_no_dma_map Region \"0000:01:00.0 BAR 0 mmaps[0]\" 0xfe011000"
                + " size=0x3000 is not aligned to 0x10000 and cannot be mapped for DMA",
            new LogEvent.NoDmaMap("0000:01:00.0 BAR 0 mmaps[0]", 0xfe011000L, 0x3000)),
        event(
            "vfio_realize  (0000:01:00.0) group 12", new LogEvent.DeviceAttach("0000:01:00.0", 12)),
        event(
            "vfio_attach_device  (0000:01:00.1) group 12",
            new LogEvent.DeviceAttach("0000:01:00.1", 12)),
        event(
            "vfio_device_attach  (83b8f4f2-509f-382f-3c1e-e6bfe0fa1001) group 30",
            new LogEvent.DeviceAttach("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", 30)),
        event(
            "vfio_detach_device  (0000:01:00.0) group 12",
            new LogEvent.DeviceDetach("0000:01:00.0", 12)),
        event(
            "vfio_device_detach  (0000:01:00.0) group 12",
            new LogEvent.DeviceDetach("0000:01:00.0", 12)),
        event("vfio_put_group close group->fd=25", new LogEvent.LegacyClose()),
        event("vfio_group_put close group->fd=25", new LogEvent.LegacyClose()),
        event("vfio_disconnect_container close container->fd=24", new LogEvent.LegacyClose()),
        event("vfio_container_disconnect close container->fd=24", new LogEvent.LegacyClose()),
        event("iommufd_backend_alloc_ioas  iommufd=23 ioas=2", new LogEvent.IoasAlloc(23, 2, true)),
        event(
            "iommufd_backend_alloc_ioas  iommufd=23 ioas=2 (-1)",
            new LogEvent.IoasAlloc(23, 2, false)),
        event(
            "iommufd_backend_alloc_hwpt  iommufd=23 dev_id=1 pt_id=2 flags=0x4 hwpt_type=0 len=0"
                + " data_ptr=0x0 out_hwpt=3 (0)",
            new LogEvent.HwptAlloc(23, 2, 3, true)),
        event(
            "iommufd_backend_map_dma  iommufd=23 ioas=2 iova=0x100000000 size=0x80000000"
                + " addr=0x7f3a80000000 readonly=0 (0)",
            new LogEvent.IoasMap(23, 2, 0x100000000L, 0x80000000L, 0x7f3a80000000L, false, true)),
        event(
            "iommufd_backend_map_dma  iommufd=23 ioas=2 iova=0xfffc0000 size=0x40000"
                + " addr=0x7f3b00000000 readonly=1 (-1)",
            new LogEvent.IoasMap(23, 2, 0xfffc0000L, 0x40000, 0x7f3b00000000L, true, false)),
        event(
            "iommufd_backend_map_file_dma  iommufd=23 ioas=2 iova=0x0 size=0xa0000 fd=31 start=0"
                + " readonly=0 (0)",
            new LogEvent.IoasMapFile(23, 2, 0, 0xa0000, 31, 0, false, true)),
        event(
            "iommufd_backend_unmap_dma  iommufd=23 ioas=2 iova=0xc0000 size=0x20000 (0)",
            new LogEvent.IoasUnmap(23, 2, 0xc0000, 0x20000, true, false)),
        event(
            "iommufd_backend_unmap_dma_non_exist  Unmap nonexistent mapping: iommufd=23 ioas=2"
                + " iova=0xfee00000 size=0x1000 (-1)",
            new LogEvent.IoasUnmap(23, 2, 0xfee00000L, 0x1000, false, true)),
        event("iommufd_backend_free_id  iommufd=23 id=2 (0)", new LogEvent.IdFreed(23, 2, true)),
        event(
            "iommufd_cdev_alloc_ioas  [iommufd=23] new IOMMUFD container with ioasid=2",
            new LogEvent.IoasAlloc(23, 2, true)),
        event(
            "iommufd_cdev_attach_ioas_hwpt  [iommufd=23] Successfully attached device"
                + " 0000:01:00.0 (29) to id=2",
            new LogEvent.CdevAttach(23, "0000:01:00.0", 2)),
        event(
            "iommufd_cdev_detach_ioas_hwpt  [iommufd=23] Successfully detached 0000:01:00.0",
            new LogEvent.CdevDetach(23, "0000:01:00.0")));
  }

  static Stream<Arguments> messages() {
    return Stream.of(
        message(
            "vfio_dma_map",
            "vfio_dma_map(0x55d0c8a0b2c0, 0x100000, 0x7ff00000, 0x7f1a40100000) = -12"
                + " (Cannot allocate memory)",
            new LogEvent.RequestFailed(true, 0x100000, 0x7ff00000, Errno.ENOMEM, null)),
        message(
            "vfio_dma_map",
            "-device vfio-pci,host=0000:02:00.0: vfio 0000:02:00.0: failed to setup container"
                + " for group 13: memory listener initialization failed: Region pc.ram:"
                + " vfio_dma_map(0x55d0c8a0b2c0, 0x100000, 0x7ff00000, 0x7f1a40100000) = -12"
                + " (Bad address)",
            new LogEvent.RequestFailed(true, 0x100000, 0x7ff00000, Errno.ENOMEM, 13)),
        message(
            "vfio_container_dma_map",
            "vfio_container_dma_map(0x5581cbd4e2a0, 0xfd000000, 0x1000000, 0x7f2b3c000000) = -14"
                + " (Bad address)",
            new LogEvent.RequestFailed(true, 0xfd000000L, 0x1000000, Errno.EFAULT, null)),
        message(
            "vfio_dma_unmap",
            "vfio_dma_unmap(0x55d0c8a0b2c0, 0x100000, 0x100000) = -22 (Invalid argument)",
            new LogEvent.RequestFailed(false, 0x100000, 0x100000, Errno.EINVAL, null)),
        message(
            "vfio_container_dma_unmap",
            "vfio_container_dma_unmap(0x5581cbd4e2a0, 0x0, 0x80000000) = -22 (Invalid argument)",
            new LogEvent.RequestFailed(false, 0, 0x80000000L, Errno.EINVAL, null)),
        message(
            "VFIO_MAP_DMA failed",
            "VFIO_MAP_DMA failed: Cannot allocate memory",
            new LogEvent.LastRequestFailed(true, Errno.ENOMEM, false, false)),
        message(
            "VFIO_MAP_DMA",
            "VFIO_MAP_DMA: -12",
            new LogEvent.LastRequestFailed(true, Errno.ENOMEM, true, false)),
        message(
            "VFIO_UNMAP_DMA failed",
            "VFIO_UNMAP_DMA failed: Invalid argument",
            new LogEvent.LastRequestFailed(false, Errno.EINVAL, false, false)),
        message(
            "IOMMU_IOAS_MAP failed",
            "IOMMU_IOAS_MAP failed: Cannot allocate memory",
            new LogEvent.LastRequestFailed(true, Errno.ENOMEM, false, false)),
        message(
            "IOMMU_IOAS_MAP failed",
            "warning: IOMMU_IOAS_MAP failed: Bad address, PCI BAR?",
            new LogEvent.LastRequestFailed(true, Errno.EFAULT, false, true)),
        message(
            "IOMMU_IOAS_MAP_FILE failed",
            "warning: IOMMU_IOAS_MAP_FILE failed: Bad address, PCI BAR?",
            new LogEvent.LastRequestFailed(true, Errno.EFAULT, false, true)),
        message(
            "RLIMIT_MEMLOCK exceeded",
            "vfio_pin_pages_remote: RLIMIT_MEMLOCK (9663676416) exceeded",
            new LogEvent.MemlockExceeded(9663676416L, null)),
        message(
            "RLIMIT_MEMLOCK exceeded",
            "vfio_pin_page_external: Task qemu-system-x86 (5173) RLIMIT_MEMLOCK (67108864)"
                + " exceeded",
            new LogEvent.MemlockExceeded(67108864L, 5173)));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad(
            "vfio_listener_region_add_ram region_add [ram] 0x2000 - 0x1fff [0x7f0000000000]",
            "vfio_listener_region_add_ram",
            "end 0x1fff is below start 0x2000"),
        bad(
            "vfio_listener_region_add_ram region_add [ram] 1000 - 1fff [0x7f0000000000]",
            "vfio_listener_region_add_ram",
            "does not match \"region_add [ram] 0x%x - 0x%x [%p]\""),
        bad(
            "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xfff [(nil)]",
            "vfio_listener_region_add_ram",
            "host address is NULL"),
        bad(
            "vfio_listener_region_del region_del 0x0 - 0x10000000000000000",
            "vfio_listener_region_del",
            "0x10000000000000000 does not fit in 64 bits"),
        bad(
            "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xfff",
            "vfio_listener_region_add_ram",
            "does not match \"region_add [ram] 0x%x - 0x%x [%p]\""),
        bad("vfio_device_attach", "vfio_device_attach", "does not match \" (%s) group %d\""),
        bad(
            "vfio_device_attach  (0000:01:00.0) group 99999999999",
            "vfio_device_attach",
            "99999999999 is not a 32-bit id"),
        bad(
            "vfio_container_dma_map(0x1, 0x0, 0x1000, 0x7f0000000000) = -4095 (Unknown error)",
            "vfio_container_dma_map",
            "errno -4095 is not one the model knows"),
        bad(
            "VFIO_MAP_DMA failed: Out of memory",
            "VFIO_MAP_DMA failed",
            "unknown error text \"Out of memory\""),
        bad(
            "vfio_container_dma_map(0x5581cbd4e2a0, 0xfd000000, 0x1000000,",
            "vfio_container_dma_map",
            "does not match \"vfio_container_dma_map(%p, 0x%x, 0x%x, %p) = %d (%s)\""));
  }

  @ParameterizedTest
  @MethodSource("events")
  void parsesEveryTraceEvent(String line, ParseResult expected) {
    assertThat(parser.parse(line)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void parsesEveryMessageWhereverItIsInTheLine(String line, ParseResult expected) {
    assertThat(parser.parse(line)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void reportsWhatIsWrongWithAKnownLine(String line, ParseResult expected) {
    assertThat(parser.parse(line)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("unknown")
  void everythingElseIsUnknown(String line) {
    assertThat(parser.parse(line)).isEqualTo(new ParseResult.Unknown());
  }

  static Stream<String> unknown() {
    return Stream.of(
        "",
        "char device redirected to /dev/pts/2 (label charserial0)",
        "vfio_device_get Device 0000:0a:00.0 flags: 3, regions: 9, irqs: 5",
        "failed to vfio_dma_map. pci p2p may not work",
        "2024-07-24 10:15:02.456+0000: shutting down, reason=failed");
  }

  private static Arguments event(String line, LogEvent expected) {
    return Arguments.of(line, new ParseResult.Recognised(line.split(" ")[0], expected));
  }

  private static Arguments message(String kind, String line, LogEvent expected) {
    return Arguments.of(line, new ParseResult.Recognised(kind, expected));
  }

  private static Arguments bad(String line, String kind, String reason) {
    return Arguments.of(line, new ParseResult.Malformed(kind, reason));
  }
}
