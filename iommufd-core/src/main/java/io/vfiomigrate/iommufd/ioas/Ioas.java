package io.vfiomigrate.iommufd.ioas;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.iommufd.context.IommufdObject;
import io.vfiomigrate.iommufd.context.ObjectKind;
import io.vfiomigrate.iommufd.device.HwptPaging;
import io.vfiomigrate.iommufd.iopt.IoPagetable;
import io.vfiomigrate.iommufd.iopt.IoptEnv;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct iommufd_ioas}: an IO address space, its {@link IoPagetable} and the list of
 * HWPTs (domains) built on it. Users: the table, each HWPT on it, each access attached to it;
 * IOMMU_DESTROY fails with EBUSY while any of those exist. Destroying it unmaps everything.
 */
public final class Ioas extends IommufdObject {
  private final IoPagetable iopt;
  private final List<HwptPaging> hwptList = new ArrayList<>();

  public Ioas(IoptEnv env) {
    super(ObjectKind.IOAS);
    this.iopt = new IoPagetable(env);
  }

  public IoPagetable iopt() {
    return iopt;
  }

  /** The HWPTs on this IOAS, oldest first ({@code hwpt_list}). */
  public List<HwptPaging> hwpts() {
    return List.copyOf(hwptList);
  }

  public void linkHwpt(HwptPaging hwpt) {
    hwptList.add(hwpt);
  }

  public void unlinkHwpt(HwptPaging hwpt) {
    hwptList.remove(hwpt);
  }

  /** {@code iommufd_ioas_destroy}: unmap all, then drop the table. Never fails. */
  @Override
  protected void destroyObject() {
    try {
      iopt.unmapAll();
    } catch (KernelException e) {
      if (e.errno() != Errno.ENOENT) {
        iopt.env().log().warn("iommufd_ioas_destroy", e.getMessage());
      }
    }
    iopt.destroyTable();
  }
}
