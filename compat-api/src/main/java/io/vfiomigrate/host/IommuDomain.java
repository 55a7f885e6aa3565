package io.vfiomigrate.host;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * An IOMMU paging domain: an IOVA to physical-address page table. One entry is kept per
 * {@code iommu_map} call, like the START/LAST markers of the iommufd selftest mock, so the
 * domain can insist, as the mock does, that every unmap covers whole earlier maps. A run
 * mapped with {@link #mapPageByPage} stands for one map call per granule and may be unmapped
 * at any granule boundary (iommufd's {@code batch_iommu_map_small}).
 *
 * <p>Invariants: entries never overlap; each entry's IOVA, length and physical address are
 * multiples of the smallest page size.
 */
public final class IommuDomain {
  /** One map call, or a run of granule-sized map calls. */
  private record Mapping(long iova, long last, long paddr, Prot prot, long granule) {
    long length() {
      return last - iova + 1;
    }
  }

  private final int id;
  private final IommuSpec spec;
  private final FaultInjector faults;
  private final TreeMap<Long, Mapping> mappings = new TreeMap<>(Long::compareUnsigned);
  private long mappedBytes;

  IommuDomain(int id, IommuSpec spec, FaultInjector faults) {
    this.id = id;
    this.spec = spec;
    this.faults = faults;
  }

  public int id() {
    return id;
  }

  public IommuSpec spec() {
    return spec;
  }

  public long pgsizeBitmap() {
    return spec.pgsizeBitmap();
  }

  public IovaRange aperture() {
    return spec.aperture();
  }

  /**
   * {@code iommu_map}: maps {@code [iova, iova + length)} to physical bytes from {@code paddr}.
   *
   * @throws KernelException EINVAL if iova, paddr or length is not a multiple of the smallest
   *     page size, the range wraps, or the driver refuses maps without permissions and
   *     {@code prot} grants none; ENOMEM (injected) for a page-table allocation failure
   * @throws IllegalStateException if part of the range is already mapped (a caller bug the
   *     kernel warns about)
   */
  public void map(long iova, long paddr, long length, Prot prot) {
    insert(iova, paddr, length, prot, 0);
  }

  /** {@code length / granule} separate {@code iommu_map} calls of {@code granule} bytes each. */
  public void mapPageByPage(long iova, long paddr, long length, Prot prot, long granule) {
    if (granule <= 0 || !U64.isAligned(length, granule) || !U64.isAligned(iova, granule)) {
      throw new IllegalArgumentException("granule " + granule + " does not divide the map");
    }
    insert(iova, paddr, length, prot, granule);
  }

  /**
   * {@code iommu_unmap}: removes every mapping inside {@code [iova, iova + length)} and
   * returns the bytes they covered. Never fails.
   *
   * @throws IllegalStateException if the range cuts through an earlier map call (the selftest
   *     mock's WARN: unmaps must be supersets of maps)
   */
  public long unmap(long iova, long length) {
    if (length == 0) {
      return 0;
    }
    long last = iova + length - 1;
    Mapping head = containing(iova);
    if (head != null && head.iova() != iova) {
      requireSplittable(head, iova);
    }
    Mapping tail = containing(last);
    if (tail != null && tail.last() != last) {
      requireSplittable(tail, last + 1);
    }
    if (head != null && head.iova() != iova) {
      splitAt(head, iova);
    }
    tail = containing(last);
    if (tail != null && tail.last() != last) {
      splitAt(tail, last + 1);
    }
    long removed = 0;
    List<Long> keys = new ArrayList<>(mappings.subMap(iova, true, last, true).keySet());
    for (Long key : keys) {
      removed += mappings.remove(key).length();
    }
    mappedBytes -= removed;
    return removed;
  }

  /** {@code iommu_iova_to_phys}: the physical byte address behind {@code iova}, if mapped. */
  public OptionalLong iovaToPhys(long iova) {
    Mapping m = containing(iova);
    return m == null ? OptionalLong.empty() : OptionalLong.of(m.paddr() + (iova - m.iova()));
  }

  /**
   * The bytes from {@code iova} to the end of the map call that maps it, all physically
   * contiguous from {@link #iovaToPhys}{@code (iova)}: what a page-table walk learns from the
   * size of the leaf entry. Lets a reader of the domain take whole runs instead of probing
   * every page. 0 if {@code iova} is not mapped.
   */
  public long mappedBytesFrom(long iova) {
    Mapping m = containing(iova);
    return m == null ? 0 : m.last() - iova + 1;
  }

  /** The permissions {@code iova} is mapped with, or null. */
  public Prot protAt(long iova) {
    Mapping m = containing(iova);
    return m == null ? null : m.prot();
  }

  /** Total bytes mapped. */
  public long mappedBytes() {
    return mappedBytes;
  }

  /** Entries stored: the size of this model's page table. */
  public int entryCount() {
    return mappings.size();
  }

  /** Every entry as {@code [iova,last]->paddr prot}: equal strings mean equal page tables. */
  public String dump() {
    StringBuilder out = new StringBuilder("domain ").append(id).append(' ').append(spec.name());
    for (Mapping m : mappings.values()) {
      out.append("\n  ").append(new IovaRange(m.iova(), m.last())).append("->")
          .append(U64.hex(m.paddr())).append(' ').append(m.prot());
      if (m.granule() != 0) {
        out.append(" /").append(m.granule());
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "domain " + id + " (" + spec.name() + ")";
  }

  private void insert(long iova, long paddr, long length, Prot prot, long granule) {
    long min = spec.minPageSize();
    if (length == 0 || !U64.isAligned(iova | paddr | length, min)) {
      throw KernelException.of(Errno.EINVAL,
          "iommu_map: iova %s paddr %s length %s not aligned to %d", U64.hex(iova),
          U64.hex(paddr), U64.hex(length), min);
    }
    if (U64.lastOverflows(iova, length)) {
      throw KernelException.of(Errno.EINVAL, "iommu_map: %s + %s wraps", U64.hex(iova),
          U64.hex(length));
    }
    if (spec.rejectsNoAccessMaps() && !prot.read() && !prot.write()) {
      throw KernelException.of(Errno.EINVAL, "iommu_map: %s of %s without read or write",
          spec.name(), U64.hex(iova));
    }
    long last = iova + length - 1;
    Map.Entry<Long, Mapping> before = mappings.floorEntry(last);
    if (before != null && U64.lessOrEqual(iova, before.getValue().last())) {
      throw new IllegalStateException(this + ": iommu_map of " + new IovaRange(iova, last)
          + " over the mapped " + new IovaRange(before.getValue().iova(), before.getValue().last()));
    }
    faults.check(FaultPoint.IOMMU_MAP, "iommu_map");
    mappings.put(iova, new Mapping(iova, last, paddr, prot, granule));
    mappedBytes += length;
  }

  private Mapping containing(long iova) {
    Map.Entry<Long, Mapping> e = mappings.floorEntry(iova);
    return e != null && U64.lessOrEqual(iova, e.getValue().last()) ? e.getValue() : null;
  }

  private void requireSplittable(Mapping m, long at) {
    if (m.granule() == 0 || !U64.isAligned(at - m.iova(), m.granule())) {
      throw new IllegalStateException(this + ": unmap boundary " + U64.hex(at)
          + " cuts the map of " + new IovaRange(m.iova(), m.last()));
    }
  }

  private void splitAt(Mapping m, long at) {
    long leftLength = at - m.iova();
    mappings.put(m.iova(), new Mapping(m.iova(), at - 1, m.paddr(), m.prot(), m.granule()));
    mappings.put(at, new Mapping(at, m.last(), m.paddr() + leftLength, m.prot(), m.granule()));
  }
}
