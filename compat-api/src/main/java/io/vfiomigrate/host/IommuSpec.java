package io.vfiomigrate.host;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.U64;
import java.util.List;

/**
 * The IOMMU hardware behind a group: the page sizes its domains support, their aperture, and
 * the reserved IOVA regions of its devices (the x86 MSI window). Groups behind equal specs
 * are compatible: type1 puts them into one domain and iommufd reuses one automatic domain.
 *
 * <p>{@code rejectsNoAccessMaps}: the driver refuses an {@code iommu_map} with neither read
 * nor write permission (Intel VT-d's {@code __domain_mapping} returns EINVAL; the selftest mock
 * maps it).
 */
public record IommuSpec(
    String name,
    long pgsizeBitmap,
    long apertureStart,
    long apertureLast,
    List<IovaRange> reservedRegions,
    boolean rejectsNoAccessMaps) {
  /** 4 KiB | 2 MiB | 1 GiB, as an Intel VT-d IOMMU with superpages. */
  public static final long DEFAULT_PGSIZE_BITMAP = 0x1000L | 0x200000L | 0x40000000L;
  /** The x86 interrupt window that every device behind an Intel or AMD IOMMU reserves. */
  public static final IovaRange X86_MSI_WINDOW = new IovaRange(0xfee00000L, 0xfeefffffL);
  /** MOCK_IO_PAGE_SIZE of the iommufd selftest: half a CPU page. */
  public static final long MOCK_IO_PAGE_SIZE = 2048;
  public static final long MOCK_APERTURE_START = 1L << 24;
  public static final long MOCK_APERTURE_LAST = (1L << 31) - 1;

  public IommuSpec {
    requireNonNull(name, "name is null");
    reservedRegions = List.copyOf(reservedRegions);
    if (pgsizeBitmap == 0) {
      throw new IllegalArgumentException("iommu " + name + ": pgsizeBitmap is 0");
    }
    if (U64.greaterThan(apertureStart, apertureLast)) {
      throw new IllegalArgumentException("iommu " + name + ": aperture start above its last");
    }
  }

  /** A driver that accepts maps without permissions, like the selftest mock. */
  public IommuSpec(String name, long pgsizeBitmap, long apertureStart, long apertureLast,
      List<IovaRange> reservedRegions) {
    this(name, pgsizeBitmap, apertureStart, apertureLast, reservedRegions, false);
  }

  /**
   * The trace header's defaults, as an Intel VT-d IOMMU: the whole 64-bit space, 4K|2M|1G,
   * the MSI window reserved, no maps without permissions.
   */
  public static IommuSpec defaults() {
    return new IommuSpec(
        "iommu", DEFAULT_PGSIZE_BITMAP, 0, U64.MAX, List.of(X86_MSI_WINDOW), true);
  }

  /** The iommufd selftest's mock domain: 2 KiB pages, aperture 16 MiB to 2 GiB - 1. */
  public static IommuSpec mock() {
    return new IommuSpec(
        "mock", MOCK_IO_PAGE_SIZE, MOCK_APERTURE_START, MOCK_APERTURE_LAST, List.of());
  }

  /** The mock with MOCK_FLAGS_DEVICE_HUGE_IOVA: 2 KiB and 1 MiB pages. */
  public static IommuSpec mockHuge() {
    return new IommuSpec(
        "mock-huge",
        MOCK_IO_PAGE_SIZE | (512 * MOCK_IO_PAGE_SIZE),
        MOCK_APERTURE_START,
        MOCK_APERTURE_LAST,
        List.of());
  }

  /** The same hardware under another name: an incompatible IOMMU, so a separate domain. */
  public IommuSpec named(String newName) {
    return new IommuSpec(newName, pgsizeBitmap, apertureStart, apertureLast, reservedRegions,
        rejectsNoAccessMaps);
  }

  /** The smallest IOMMU page size, {@code 1 << __ffs(pgsize_bitmap)}. */
  public long minPageSize() {
    return U64.lowestBit(pgsizeBitmap);
  }

  public IovaRange aperture() {
    return new IovaRange(apertureStart, apertureLast);
  }
}
