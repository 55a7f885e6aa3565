package io.vfiomigrate.iommufd.device;

import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.iommufd.context.IommufdObject;
import io.vfiomigrate.iommufd.context.ObjectKind;
import io.vfiomigrate.iommufd.ioas.Ioas;

/**
 * {@code struct iommufd_hwpt_paging}: an IOMMU paging domain filled from an IOAS. Users: the
 * table and each attached device. An automatic one (made by attaching a device to an IOAS) is
 * destroyed when its last device detaches. Holds a user of its IOAS.
 */
public final class HwptPaging extends IommufdObject {
  private final Ioas ioas;
  private IommuDomain domain;
  private boolean autoDomain;
  private boolean linked;

  HwptPaging(Ioas ioas) {
    super(ObjectKind.HWPT_PAGING);
    this.ioas = ioas;
  }

  public Ioas ioas() {
    return ioas;
  }

  public IommuDomain domain() {
    return domain;
  }

  void setDomain(IommuDomain value) {
    domain = value;
  }

  /** Whether the kernel allocated it for an attach and will free it with its last device. */
  public boolean autoDomain() {
    return autoDomain;
  }

  void markAuto() {
    autoDomain = true;
  }

  /**
   * {@code enforce_cache_coherency}: the simulated IOMMUs all block no-snoop DMA, so every
   * domain enforces coherency (VFIO_DMA_CC_IOMMU reports 1).
   */
  public boolean enforceCacheCoherency() {
    return true;
  }

  /** Joins the IOAS once its domain is filled ({@code iopt_table_add_domain} succeeded). */
  void link() {
    ioas.linkHwpt(this);
    linked = true;
  }

  /** {@code iommufd_hwpt_paging_destroy}: empties the domain and releases the IOAS. */
  @Override
  protected void destroyObject() {
    if (linked) {
      ioas.unlinkHwpt(this);
      ioas.iopt().tableRemoveDomain(domain);
      linked = false;
    }
    ioas.dropUser();
  }
}
