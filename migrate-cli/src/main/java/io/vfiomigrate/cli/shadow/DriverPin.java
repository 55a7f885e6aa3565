package io.vfiomigrate.cli.shadow;

/**
 * One successful pinPages of an emulated group's driver, as the driver remembers it to release it
 * later with exactly the same {@code (iova, npage)}.
 */
public record DriverPin(long iova, int npage) {
  /** The inclusive last byte of the pinned pages. */
  public long last(long pageSize) {
    return iova + Integer.toUnsignedLong(npage) * pageSize - 1;
  }

  /** Written out: the record's generated one is a hot spot of KVMGT-style pin churn. */
  @Override
  public int hashCode() {
    return 31 * Long.hashCode(iova) + npage;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DriverPin pin && pin.iova == iova && pin.npage == npage;
  }

  boolean intersects(long first, long last, long pageSize) {
    return Long.compareUnsigned(iova, last) <= 0
        && Long.compareUnsigned(first, last(pageSize)) <= 0;
  }
}
