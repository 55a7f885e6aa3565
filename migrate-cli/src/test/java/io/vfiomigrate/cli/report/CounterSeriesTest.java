package io.vfiomigrate.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.UserAccounting;
import org.junit.jupiter.api.Test;

final class CounterSeriesTest {
  @Test
  void aLongRunKeepsAFixedNumberOfBucketsAndItsPeaks() {
    CounterSeries series = new CounterSeries();
    for (long step = 0; step < 1_000_000; step++) {
      long locked = step == 777_777 ? 999_999 : step % 1000;
      series.add(snapshot(locked, 0, 0), snapshot(0, locked, locked));
    }

    assertThat(series.steps()).isEqualTo(1_000_000);
    assertThat(series.width()).isEqualTo(1024);
    assertThat(series.buckets()).isEqualTo(977);
    assertThat(series.peak()).isEqualTo(999_999);
    assertThat(series.max(777_777 / 1024, 0)).isEqualTo(999_999);
    assertThat(series.max(777_777 / 1024, 4)).isEqualTo(999_999);
    assertThat(series.max(777_777 / 1024, 5)).isEqualTo(999_999);
    assertThat(series.max(0, 1)).isZero();
  }

  @Test
  void theSvgPlotsSixSeriesWithoutExternalReferences() {
    CounterSeries series = new CounterSeries();
    series.add(snapshot(1, 0, 0), snapshot(0, 1, 1));
    series.add(snapshot(3, 0, 0), snapshot(0, 3, 3));

    String svg = SvgPlot.render(series, "type1", "iommufd", 4096);

    assertThat(svg.split("<polyline", -1)).hasSize(7);
    assertThat(svg)
        .as("the first step label starts at the axis, clear of the y labels left of it")
        .contains("<text x=\"90.0\" y=\"296.0\" text-anchor=\"start\" stroke=\"none\" fill=\"#333\">step 0</text>")
        .contains("<text x=\"940.0\" y=\"296.0\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">step 1</text>");
    assertThat(svg)
        .contains("points=\"90.0,193.3 940.0,20.0\"")
        .contains("type1 locked_vm (VmLck)")
        .contains("12 KiB");
    assertThat(svg.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http", "href");
  }

  private static AccountingSnapshot snapshot(long locked, long pinned, long user) {
    return AccountingSnapshot.newBuilder()
        .addTasks(
            TaskAccounting.newBuilder().setPid(1).setLockedVmPages(locked).setPinnedVmPages(pinned))
        .addUsers(UserAccounting.newBuilder().setUid(1).setLockedVmPages(user))
        .build();
  }
}
