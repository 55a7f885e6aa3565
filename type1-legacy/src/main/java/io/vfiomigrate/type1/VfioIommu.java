package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.GroupKind;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct vfio_iommu}: the type1 backend state of one container after VFIO_SET_IOMMU, and
 * the entry points of {@code vfio_iommu_driver_ops_type1}. The work of each entry point is done
 * by a collaborator named after its part of {@code vfio_iommu_type1.c}: {@link DmaMapper},
 * {@link DmaUnmapper}, {@link ExternalPinner}, {@link GroupAttacher} (with {@link DmaReplay}),
 * {@link InfoBuilder}, all sharing {@link DmaTeardown} and {@link PagePinner}.
 *
 * <p>Invariants between operations (checked by {@link Type1Invariants}):
 * <ul>
 *   <li>{@code dmaAvail + dmas.size() == dma_entry_limit} (spec F.1);
 *   <li>{@code vaddrInvalidCount} counts the dmas whose vaddr is invalid;
 *   <li>{@code pgsizeBitmap} is the AND of the domains' bitmaps with sub-page sizes folded into
 *       PAGE_SIZE, or PAGE_MASK without domains;
 *   <li>every group id is in at most one domain or in {@link #emulatedGroups()}.
 * </ul>
 *
 * <p>Single-threaded; the kernel's {@code iommu->lock} is implied. Callbacks into drivers
 * ({@code dma_unmap}) may re-enter the pin API, which is why walks that call out restart, as
 * the kernel's do after dropping the lock.
 *
 * <p>Deliberate difference from 6.12: the kernel computes exclusive ends ({@code iova + size})
 * that wrap to 0 for a range ending exactly at 2^64, so such a mapping is never found by {@code
 * vfio_find_dma} (it could be mapped twice) and an UNMAP of a range ending there removes
 * nothing. The model uses inclusive last addresses and treats such ranges like any other; real
 * x86 IOMMU apertures (at most 57 bits) cannot reach them.
 */
final class VfioIommu {
  static final long PAGE_SIZE = HostConfig.PAGE_SIZE;
  /** PAGE_MASK: every power of two from PAGE_SIZE up. */
  static final long PAGE_MASK = -PAGE_SIZE;

  private final Host host;
  private final boolean v2;
  private final int dmaEntryLimit;
  private final KernelLeaks leaks;
  private final DmaTree dmas = new DmaTree();
  private final List<VfioDomain> domains = new ArrayList<>();
  private final List<Integer> emulatedGroups = new ArrayList<>();
  private final List<EmulatedDevice> devices = new ArrayList<>();
  private final PagePinner pinner;
  private final DmaTeardown teardown;
  private final DmaMapper mapper;
  private final DmaUnmapper unmapper;
  private final ExternalPinner externalPinner;
  private final GroupAttacher attacher;
  private final InfoBuilder infoBuilder;
  private IovaList iovaList = IovaList.EMPTY;
  private int dmaAvail;
  private int vaddrInvalidCount;
  private long pgsizeBitmap = PAGE_MASK;

  /** {@code vfio_iommu_type1_open}: an empty backend with {@code dma_avail} from the host. */
  VfioIommu(Host host, boolean v2, KernelLeaks leaks) {
    this.host = requireNonNull(host, "host is null");
    this.v2 = v2;
    this.leaks = requireNonNull(leaks, "leaks is null");
    this.dmaEntryLimit = host.config().dmaEntryLimit();
    this.dmaAvail = dmaEntryLimit;
    this.pinner = new PagePinner(host.memory());
    this.teardown = new DmaTeardown(this, pinner);
    this.mapper = new DmaMapper(this, pinner, teardown);
    this.unmapper = new DmaUnmapper(this, teardown);
    this.externalPinner = new ExternalPinner(this, pinner);
    this.attacher = new GroupAttacher(this, new DmaReplay(this, pinner, teardown), teardown);
    this.infoBuilder = new InfoBuilder(this);
  }

  // ---- entry points (vfio_iommu_driver_ops_type1) ----

  /**
   * {@code vfio_iommu_type1_check_extension}. {@code iommu} is null when the container has no
   * backend yet and polls the driver, as {@code vfio_container_ioctl_check_extension} does.
   */
  static int checkExtension(VfioIommu iommu, VfioExtension extension) {
    return switch (extension) {
      case TYPE1_IOMMU, TYPE1V2_IOMMU, TYPE1_NESTING_IOMMU, UNMAP_ALL -> 1;
      // Disabled while mdevs are present: they cannot pin or rw while vaddrs are updated.
      case UPDATE_VADDR -> iommu != null && iommu.emulatedGroups.isEmpty() ? 1 : 0;
      // Every model domain enforces cache coherency, so this holds for any backend.
      case DMA_CC_IOMMU -> iommu != null ? 1 : 0;
      case SPAPR_TCE_IOMMU, EEH, SPAPR_TCE_V2_IOMMU, NOIOMMU_IOMMU -> 0;
    };
  }

  IommuInfo getInfo(int argsz) {
    return infoBuilder.getInfo(argsz);
  }

  void mapDma(Task current, DmaMapRequest request) {
    mapper.map(current, request);
  }

  long unmapDma(DmaUnmapRequest request) {
    return unmapper.unmap(request);
  }

  void attachGroup(Task current, int groupId, GroupKind kind) {
    attacher.attach(current, groupId, kind);
  }

  void detachGroup(int groupId) {
    attacher.detach(groupId);
  }

  /** {@code vfio_iommu_type1_release}: drops every mapping, domain and group. Never fails. */
  void release() {
    emulatedGroups.clear();
    teardown.unmapUnpinAll();
    domains.clear();
    iovaList = IovaList.EMPTY;
  }

  PinnedPages pinPages(long iova, int npage, Prot prot) {
    return externalPinner.pinPages(iova, npage, prot);
  }

  void unpinPages(long iova, int npage) {
    externalPinner.unpinPages(iova, npage);
  }

  void dmaRw(long iova, long length, boolean write) {
    externalPinner.dmaRw(iova, length, write);
  }

  /** {@code vfio_iommu_type1_register_device}: the device's dma_unmap is called from now on. */
  void registerDevice(EmulatedDevice device) {
    devices.add(0, device);
  }

  void unregisterDevice(EmulatedDevice device) {
    devices.remove(device);
  }

  // ---- state shared by the collaborators ----

  Host host() {
    return host;
  }

  boolean v2() {
    return v2;
  }

  int dmaEntryLimit() {
    return dmaEntryLimit;
  }

  KernelLeaks leaks() {
    return leaks;
  }

  DmaTree dmas() {
    return dmas;
  }

  /** {@code domain_list}, most recently added first: index 0 is the domain PFNs are read from. */
  List<VfioDomain> domains() {
    return domains;
  }

  boolean hasDomains() {
    return !domains.isEmpty();
  }

  /** {@code emulated_iommu_groups}, most recently attached first. */
  List<Integer> emulatedGroups() {
    return emulatedGroups;
  }

  /** {@code device_list}: emulated devices whose dma_unmap is called, newest first. */
  List<EmulatedDevice> devices() {
    return devices;
  }

  IovaList iovaList() {
    return iovaList;
  }

  void setIovaList(IovaList list) {
    this.iovaList = requireNonNull(list, "list is null");
  }

  int dmaAvail() {
    return dmaAvail;
  }

  /** {@code dma_avail--} for a new dma. */
  void takeDmaEntry() {
    dmaAvail--;
  }

  /** {@code dma_avail++} for a freed dma. */
  void returnDmaEntry() {
    dmaAvail++;
  }

  int vaddrInvalidCount() {
    return vaddrInvalidCount;
  }

  void setVaddrInvalid(VfioDma dma, boolean invalid) {
    if (dma.vaddrInvalid() != invalid) {
      dma.setVaddrInvalid(invalid);
      vaddrInvalidCount += invalid ? 1 : -1;
    }
  }

  long pgsizeBitmap() {
    return pgsizeBitmap;
  }

  /** The smallest IOMMU page size, {@code 1 << __ffs(pgsize_bitmap)}: the map granule. */
  long pgsize() {
    return U64.lowestBit(pgsizeBitmap);
  }

  /**
   * The warning MAP_DMA and UNMAP_DMA give when the domains cannot map single pages ({@code
   * WARN_ON((pgsize - 1) & PAGE_MASK)}).
   */
  void warnIfGranuleAbovePageSize(String function) {
    if (((pgsize() - 1) & PAGE_MASK) != 0) {
      host.log().warn(function, "smallest IOMMU page size " + U64.hex(pgsize())
          + " exceeds PAGE_SIZE");
    }
  }

  /**
   * {@code vfio_update_pgsize_bitmap}: the AND of every domain's page sizes; sizes below
   * PAGE_SIZE are hidden and PAGE_SIZE advertised instead.
   */
  void updatePgsizeBitmap() {
    pgsizeBitmap = computePgsizeBitmap();
  }

  long computePgsizeBitmap() {
    long bitmap = U64.MAX;
    for (VfioDomain domain : domains) {
      bitmap &= domain.domain().pgsizeBitmap();
    }
    if ((bitmap & ~PAGE_MASK) != 0) {
      bitmap = (bitmap & PAGE_MASK) | PAGE_SIZE;
    }
    return bitmap;
  }

  /** {@code vfio_iommu_find_iommu_group}: true if the group is attached in any form. */
  boolean hasGroup(int groupId) {
    if (emulatedGroups.contains(groupId)) {
      return true;
    }
    for (VfioDomain domain : domains) {
      if (domain.hasGroup(groupId)) {
        return true;
      }
    }
    return false;
  }
}
