package io.vfiomigrate.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostConfigTest {
  private static final long P = 4096;

  @Test
  void namesTheOffendingField() {
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .task(TaskSpec.of(1, 0, 0)).build())
        .hasMessage("tasks[1].pid: duplicate pid 1");
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .region(RegionSpec.of(2, 0, P, Backing.ANON)).build())
        .hasMessage("memory[0].pid: no task 2");
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .region(RegionSpec.of(1, 0x1000, 2 << 20, Backing.HUGETLB_2M)).build())
        .hasMessage("memory[0].vaddr: 0x1000 is not aligned to 2097152 for HUGETLB_2M");
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .region(RegionSpec.of(1, 0, 0, Backing.ANON)).build())
        .hasMessage("memory[0].size: 0 is not a non-zero multiple of 4096 for ANON");
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .region(RegionSpec.of(1, -P, 2 * P, Backing.ANON)).build())
        .hasMessage("memory[0].size: vaddr + size wraps past 2^64");
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .region(RegionSpec.of(1, 0, 4 * P, Backing.ANON))
        .region(RegionSpec.of(1, 3 * P, 4 * P, Backing.THP)).build())
        .hasMessage("memory[1].vaddr: overlaps the region at 0x0 of pid 1");
    assertThatThrownBy(() -> HostConfig.builder().task(TaskSpec.of(1, 0, 0))
        .region(RegionSpec.of(1, 0, 1L << 51, Backing.ANON)).build())
        .hasMessage("memory[0].size: the host's memory exceeds 2^50 bytes");
  }

  @Test
  void groupsSitBehindTheDefaultIommuUnlessPlacedElsewhere() {
    IommuSpec other = IommuSpec.defaults().named("second");
    HostConfig config = HostConfig.builder().groupIommu(7, other).build();
    assertThat(config.iommuForGroup(7)).isEqualTo(other);
    assertThat(config.iommuForGroup(8)).isEqualTo(IommuSpec.defaults());
    assertThat(config.dmaEntryLimit()).isEqualTo(65535);
  }
}
