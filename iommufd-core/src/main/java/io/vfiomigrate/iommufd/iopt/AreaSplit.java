package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;

/**
 * {@code iopt_area_split}: part of the type1 v1 emulation. Splitting an area gives two areas
 * over the same {@link IoptPages} (one more reference, no pin, no charge). It is refused where
 * the split could not be undone exactly: an area with accesses (their intervals cannot be
 * split), or one a domain may hold with large pages (its map calls could not be unmapped
 * apart); v1 compat disables large pages before mapping so that every map call is a page.
 */
final class AreaSplit {
  private AreaSplit() {}

  /**
   * {@code iopt_area_split}: splits {@code area} after {@code iova} into two areas sharing its
   * pages. A cut at the area's first or last byte does nothing.
   *
   * @throws KernelException EBUSY for an area being torn down or unmapped; EINVAL for a cut not
   *     aligned to {@code iovaAlignment} (in IOVA or in the pages), an area with accesses, or
   *     an area mapped into domains while large pages were enabled; ENOMEM (injected)
   */
  static void split(IoptEnv env, IoptArea area, long iova) {
    if (iova == area.iova || iova == area.lastIova) {
      return;
    }
    IoptPages pages = area.pages;
    if (pages == null || area.preventAccess) {
      throw KernelException.of(Errno.EBUSY, "iopt_area_split: %s is being unmapped", area);
    }
    IoPagetable iopt = area.iopt;
    long alignment = iopt.iovaAlignment();
    long newStart = iova + 1;
    if (!U64.isAligned(newStart, alignment)
        || !U64.isAligned(area.startByte(newStart), alignment)) {
      throw KernelException.of(Errno.EINVAL, "iopt_area_split: %s not aligned to %d",
          U64.hex(newStart), alignment);
    }
    env.kzalloc("iopt_area_split lhs");
    env.kzalloc("iopt_area_split rhs");
    if (area.numAccesses != 0) {
      throw KernelException.of(Errno.EINVAL, "iopt_area_split: %s has accesses", area);
    }
    if (area.storageDomain != null && !iopt.largePagesDisabled()) {
      throw KernelException.of(Errno.EINVAL,
          "iopt_area_split: %s may be mapped with large pages", area);
    }
    IoptArea lhs = new IoptArea(iopt, area.iova, area.startByte(area.iova),
        newStart - area.iova, area.prot);
    IoptArea rhs = new IoptArea(iopt, newStart, area.startByte(newStart),
        area.lastIova - newStart + 1, area.prot);
    area.unlinkIova(iopt.areaItree);
    lhs.linkIova(iopt.areaItree);
    rhs.linkIova(iopt.areaItree);
    if (area.storageDomain != null) {
      area.unlinkDomains(pages);
      lhs.linkDomains(pages);
      rhs.linkDomains(pages);
    }
    lhs.storageDomain = area.storageDomain;
    rhs.storageDomain = area.storageDomain;
    lhs.pages = pages;
    rhs.pages = pages;
    pages.get();
  }
}
