package io.vfiomigrate.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.trace.TraceFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

final class HostConfigsTest {
  @Test
  void theHeaderBecomesTheHostTheOracleRan() {
    HostConfig config =
        HostConfigs.fromHeader(
            Traces.header(
                """
                {"formatVersion": 1,
                 "tasks": [{"pid": 100, "uid": 1000, "memlockLimit": "4096", "capIpcLock": true},
                           {"pid": 200, "uid": 1000, "memlockUnlimited": true}],
                 "memory": [{"pid": 100, "vaddr": "1073741824", "size": "1073741824", "backing": "HUGETLB_1G"},
                            {"pid": 200, "vaddr": "4096", "size": "4096"}],
                 "iommu": {"apertureLast": "549755813887", "dmaEntryLimit": 3}}
                """),
            "t.json");

    assertThat(config.tasks())
        .containsExactly(
            new TaskSpec(100, 1000, 4096, false, true, true),
            new TaskSpec(200, 1000, 0, true, false, true));
    assertThat(config.regions())
        .containsExactly(
            RegionSpec.of(100, 1L << 30, 1L << 30, Backing.HUGETLB_1G),
            RegionSpec.of(200, 4096, 4096, Backing.ANON));
    assertThat(config.iommu())
        .isEqualTo(
            new IommuSpec(
                "iommu",
                IommuSpec.DEFAULT_PGSIZE_BITMAP,
                0,
                (1L << 39) - 1,
                List.of(new IovaRange(0xfee00000L, 0xfeefffffL)),
                true));
    assertThat(config.dmaEntryLimit()).isEqualTo(3);
  }

  @Test
  void aHeaderNoHostCanHaveIsMalformedAtItsField() {
    assertThatThrownBy(
            () ->
                HostConfigs.fromHeader(
                    Traces.header(
                        """
                        {"formatVersion": 1, "tasks": [{"pid": 1}],
                         "memory": [{"pid": 1, "vaddr": "4096", "size": "1073741824", "backing": "HUGETLB_1G"}]}
                        """),
                    "t.json"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessage(
            "t.json: header: field memory[0].vaddr: 0x1000 is not aligned to 1073741824 for"
                + " HUGETLB_1G");
  }
}
