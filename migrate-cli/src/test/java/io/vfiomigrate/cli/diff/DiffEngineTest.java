package io.vfiomigrate.cli.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.proto.UserAccounting;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules the oracle cannot exercise (per-user counters, pin references, drivers that ignore the
 * unmap callback), on the figures the spec's worked examples give for type1 and for iommufd in USER
 * accounting. One task, pid 100 of uid 1000.
 */
final class DiffEngineTest {
  private static final String OPEN = "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}";
  private static final String PASSTHROUGH =
      "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 12, \"kind\": \"IOMMU\"}}";
  private static final String V2 =
      "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1V2\"}}";
  private static final String MAP_1024 =
      "{\"pid\": 100, \"mapDma\": {\"container\": 1, \"vaddr\": \"139637976727552\", \"iova\":"
          + " \"1048576\", \"size\": \"4194304\", \"read\": true, \"write\": true}}";
  private static final String UNMAP_ALL =
      "{\"pid\": 100, \"unmapDma\": {\"container\": 1, \"all\": true}}";

  /** C4: mdev pins while an IOMMU domain exists. type1 pins those pages a second time. */
  @Test
  void type1PinsDomainPagesAgainForAnMdev() {
    List<String> divergences =
        diff(
            new String[] {
              OPEN,
              PASSTHROUGH,
              "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\":"
                  + " \"EMULATED\"}}",
              V2,
              MAP_1024,
              "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1048576\", \"npage\": 4,"
                  + " \"read\": true, \"write\": true}}",
              UNMAP_ALL
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {1024, 0, 0, 1024, 1024},
              {1024, 0, 0, 1024, 1028},
              {0, 0, 0, 0, 0}
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 1024, 1024, 1024, 1024},
              {0, 1024, 1024, 1024, 1024},
              {0, 0, 0, 0, 0}
            },
            4194304);

    assertThat(divergences)
        .containsExactly(
            "4 tasks[pid=100].lockedVmPages 1024 0 per-user-accounting",
            "4 tasks[pid=100].pinnedVmPages 0 1024 pinned-vm-iommufd-only",
            "4 users[uid=1000].lockedVmPages 0 1024 per-user-accounting",
            "5 pinRefs 1028 1024 double-pin-refs");
  }

  /** A driver that keeps its pins: type1 crashes (BUG), iommufd gives up (EDEADLOCK). */
  @Test
  void aDriverIgnoringTheUnmapCallback() {
    List<String> divergences =
        diff(
            new String[] {
              OPEN,
              "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\":"
                  + " \"EMULATED\", \"onUnmap\": \"IGNORE\"}}",
              V2,
              MAP_1024,
              "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1048576\", \"npage\": 1,"
                  + " \"read\": true}}",
              UNMAP_ALL
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {1, 0, 0, 1, 1},
              {1, 0, 0, 1, 1}
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 1, 1, 1, 1},
              {0, 1, 1, 1, 1}
            },
            -1);

    assertThat(divergences).contains("5 errno BUG EDEADLOCK unmap-ignored-by-driver");
  }

  /**
   * type1 releases the backend with the last group; iommufd keeps the IOAS, whose area a new domain
   * pins again: the charge that appears at the re-attach follows from the detach.
   */
  @Test
  void aStateDifferenceWithoutADivergentResultIsNamedLater() {
    List<Divergence> divergences =
        engineDiff(
            new String[] {
              OPEN,
              PASSTHROUGH,
              V2,
              MAP_1024,
              "{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 12}}",
              PASSTHROUGH
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {1024, 0, 0, 1024, 1024},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0}
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 1024, 1024, 1024, 1024},
              {0, 0, 0, 0, 0},
              {0, 1024, 1024, 1024, 1024}
            },
            -1);

    assertThat(divergences)
        .filteredOn(d -> d.getStep() == 5 && d.getField().equals("tasks[pid=100].pinnedVmPages"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getRule()).isEqualTo("follows-step");
              assertThat(d.getExplanation())
                  .isEqualTo(
                      "the pages charged to pid 100 differ by +1024 pages, changed at this step on"
                          + " a state that differs since step 4 (last-detach-releases)");
            });
  }

  /** Counters of a shape no accounting mode produces are unexplained, whatever came before. */
  @Test
  void countersOutOfShapeAreUnexplained() {
    List<String> divergences =
        diff(
            new String[] {OPEN, PASSTHROUGH, V2, MAP_1024},
            new long[][] {
              {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {1024, 0, 0, 1024, 1024}
            },
            new long[][] {
              {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {1024, 1024, 1000, 1024, 1024}
            },
            -1);

    assertThat(divergences)
        .containsExactly(
            "3 tasks[pid=100].pinnedVmPages 0 1024 pinned-vm-iommufd-only",
            "3 users[uid=1000].lockedVmPages 0 1000 UNEXPLAINED");
  }

  @Test
  void aDivergenceIsReportedAgainOnlyWhenItsValuesChange() {
    List<String> divergences =
        diff(
            new String[] {
              OPEN,
              PASSTHROUGH,
              V2,
              MAP_1024,
              "{\"pid\": 100, \"dmaRw\": {\"group\": 40, \"iova\": \"0\", \"length\": \"8\"}}",
              UNMAP_ALL
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {1024, 0, 0, 1024, 1024},
              {1024, 0, 0, 1024, 1024},
              {0, 0, 0, 0, 0}
            },
            new long[][] {
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 0, 0, 0, 0},
              {0, 1024, 1024, 1024, 1024},
              {0, 1024, 1024, 1024, 1024},
              {0, 0, 0, 0, 0}
            },
            4194304);

    assertThat(divergences).extracting(line -> line.substring(0, 2)).containsOnly("3 ");
  }

  private static List<String> diff(String[] events, long[][] left, long[][] right, long unmapAll) {
    List<String> lines = new ArrayList<>();
    for (Divergence d : engineDiff(events, left, right, unmapAll)) {
      lines.add(
          d.getStep()
              + " "
              + d.getField()
              + " "
              + d.getLeft()
              + " "
              + d.getRight()
              + " "
              + (d.getRule().isEmpty() ? "UNEXPLAINED" : d.getRule()));
    }
    return lines;
  }

  /**
   * Steps from rows {VmLck, VmPin, user locked_vm, pinnedPages, pinRefs}; OK everywhere except the
   * last step, whose errno is BUG / EDEADLOCK when {@code unmapAll} is -1 and the last event
   * unmaps; an unmap ALL reports {@code unmapAll} bytes on both sides otherwise.
   */
  private static List<Divergence> engineDiff(
      String[] events, long[][] left, long[][] right, long unmapAll) {
    Type1Trace trace = Traces.trace(events);
    List<Divergence> divergences = new ArrayList<>();
    DiffEngine engine =
        new DiffEngine(
            trace.getHeader(),
            Comparison.againstIommufd(Accounting.USER),
            DiffEngine.Fields.ALL,
            (f, e) -> divergences.add(f.divergence()));
    for (int i = 0; i < events.length; i++) {
      boolean unmap = trace.getEvents(i).hasUnmapDma();
      boolean crash = unmap && unmapAll == -1;
      engine.accept(
          new IndexedEvent(i, trace.getEvents(i)),
          step(i, crash ? "BUG" : "OK", unmap && !crash ? unmapAll : 0, left[i]),
          step(i, crash ? "EDEADLOCK" : "OK", unmap && !crash ? unmapAll : 0, right[i]));
    }
    return divergences;
  }

  private static StepResult step(int index, String errno, long unmapped, long[] row) {
    return StepResult.newBuilder()
        .setIndex(index)
        .setErrno(errno)
        .setUnmapped(unmapped)
        .setAccounting(
            AccountingSnapshot.newBuilder()
                .addTasks(
                    TaskAccounting.newBuilder()
                        .setPid(100)
                        .setLockedVmPages(row[0])
                        .setPinnedVmPages(row[1]))
                .addUsers(UserAccounting.newBuilder().setUid(1000).setLockedVmPages(row[2]))
                .setPinnedPages(row[3])
                .setPinRefs(row[4]))
        .build();
  }
}
