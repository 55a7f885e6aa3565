package io.vfiomigrate.cli.shadow;

import io.vfiomigrate.api.IovaRange;

/** One DMA mapping as a shadow tracks it: {@code [iova, iova + size)} of {@code vaddr} of pid. */
public record Mapping(long iova, long size, int pid, long vaddr, boolean read, boolean write) {
  public Mapping {
    if (size == 0) {
      throw new IllegalArgumentException("empty mapping at " + Long.toHexString(iova));
    }
  }

  /** The inclusive last IOVA. */
  public long last() {
    return iova + size - 1;
  }

  public IovaRange range() {
    return new IovaRange(iova, last());
  }

  /** The part {@code [first, last]} of this mapping, with the matching user address. */
  Mapping slice(long first, long last) {
    return new Mapping(first, last - first + 1, pid, vaddr + (first - iova), read, write);
  }

  /** The same IOVA range and permissions: what two sides must agree on. */
  public boolean sameShape(Mapping other) {
    return iova == other.iova && size == other.size && read == other.read && write == other.write;
  }
}
