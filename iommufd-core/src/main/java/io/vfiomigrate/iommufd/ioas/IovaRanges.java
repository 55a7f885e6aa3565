package io.vfiomigrate.iommufd.ioas;

import io.vfiomigrate.api.IovaRange;
import java.util.List;

/**
 * The answer of {@code IOMMU_IOAS_IOVA_RANGES}: the usable IOVA (the holes of the reserved
 * ranges) and {@code out_iova_alignment}.
 */
public record IovaRanges(List<IovaRange> ranges, long iovaAlignment) {
  public IovaRanges {
    ranges = List.copyOf(ranges);
  }
}
