package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.IommuDomain;

/**
 * {@code struct iopt_area}: a range of IOVA {@code [iova, lastIova]} backed by the page
 * indexes {@code [index, lastIndex]} of one {@link IoptPages}, starting {@code pageOffset}
 * bytes into the first page.
 *
 * <p>Invariants: while {@code pages} is null the area only reserves its IOVA (being set up or
 * torn down) and no domain holds it. {@code storageDomain} is non-null exactly when the
 * io_pagetable has domains and the area is filled; it is then one of those domains and the
 * area's page range is linked in {@code pages.domainsItree}. {@code numAccesses} counts the
 * {@link PagesAccess} users this area added. {@code iopt} and {@code prot} never change.
 */
final class IoptArea {
  final IoPagetable iopt;
  final long iova;
  final long lastIova;
  final long index;
  final long lastIndex;
  final int pageOffset;
  final Prot prot;
  private IntervalTree.Node<IoptArea> node;
  private IntervalTree.Node<IoptArea> pagesNode;
  IoptPages pages;
  IommuDomain storageDomain;
  boolean preventAccess;
  int numAccesses;

  /**
   * {@code iopt_insert_area} minus the tree insertion: the slice {@code [startByte,
   * startByte + length)} of {@code pages} at {@code iova}.
   */
  IoptArea(IoPagetable iopt, long iova, long startByte, long length, Prot prot) {
    this.iopt = iopt;
    this.iova = iova;
    this.lastIova = iova + length - 1;
    this.index = startByte / IoptEnv.PAGE_SIZE;
    this.lastIndex = (startByte + length - 1) / IoptEnv.PAGE_SIZE;
    this.pageOffset = (int) (startByte % IoptEnv.PAGE_SIZE);
    this.prot = prot;
  }

  long length() {
    return lastIova - iova + 1;
  }

  /** {@code iopt_area_start_byte}: the byte of the pages that {@code at} maps. */
  long startByte(long at) {
    if (U64.lessThan(at, iova) || U64.greaterThan(at, lastIova)) {
      throw new IllegalStateException("iova " + U64.hex(at) + " outside area " + this);
    }
    return (at - iova) + pageOffset + index * IoptEnv.PAGE_SIZE;
  }

  /** {@code iopt_area_iova_to_index}. */
  long iovaToIndex(long at) {
    return startByte(at) / IoptEnv.PAGE_SIZE;
  }

  /** {@code iopt_area_index_to_iova}: the first IOVA of page {@code pageIndex}. */
  long indexToIova(long pageIndex) {
    checkIndex(pageIndex);
    long n = pageIndex - index;
    return n == 0 ? iova : iova - pageOffset + n * IoptEnv.PAGE_SIZE;
  }

  /** {@code iopt_area_index_to_iova_last}: the last IOVA of page {@code pageIndex}. */
  long indexToIovaLast(long pageIndex) {
    checkIndex(pageIndex);
    if (pageIndex == lastIndex) {
      return lastIova;
    }
    return iova - pageOffset + (pageIndex - index + 1) * IoptEnv.PAGE_SIZE - 1;
  }

  private void checkIndex(long pageIndex) {
    if (pageIndex < index || pageIndex > lastIndex) {
      throw new IllegalStateException("index " + pageIndex + " outside area " + this);
    }
  }

  void linkIova(IntervalTree<IoptArea> areaItree) {
    node = areaItree.insert(iova, lastIova, this);
  }

  void unlinkIova(IntervalTree<IoptArea> areaItree) {
    if (node != null && node.linked()) {
      areaItree.remove(node);
    }
  }

  IntervalTree.Node<IoptArea> iovaNode() {
    return node;
  }

  /** Links the page range in {@code pages.domainsItree}: some domain now stores its PFNs. */
  void linkDomains(IoptPages owner) {
    pagesNode = owner.domainsItree.insert(index, lastIndex, this);
  }

  void unlinkDomains(IoptPages owner) {
    owner.domainsItree.remove(pagesNode);
    pagesNode = null;
  }

  boolean domainsLinked() {
    return pagesNode != null;
  }

  @Override
  public String toString() {
    return new IovaRange(iova, lastIova) + " index [" + index + ", "
        + lastIndex + "] +" + pageOffset;
  }
}
