package io.vfiomigrate.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.cli.testing.FakeBackendFactory;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.proto.UserAccounting;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceFormatException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay engine's plumbing, on a fake backend whose figures mean nothing (see the fake). */
final class ContainerReplayTest {
  private static final String OPEN = "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}";
  private static final String MDEV_UNPIN =
      "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\": \"EMULATED\"}}";
  private static final String MDEV_IGNORE =
      "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\": \"EMULATED\","
          + " \"onUnmap\": \"IGNORE\"}}";
  private static final String PIN =
      "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"4096\", \"npage\": 2, \"read\":"
          + " true}}";

  private final FakeBackendFactory fake = new FakeBackendFactory("fake", false, 3 * 4096, true);

  @Test
  void eachStepCarriesErrnoUnmappedAndEveryCounter() {
    List<StepResult> steps =
        replay(
            OPEN,
            Traces.map(0, 8192),
            Traces.map(4096, 4096),
            Traces.map(65536, 3 * 4096),
            Traces.unmap(0, 8192));

    assertThat(steps)
        .extracting(StepResult::getErrno)
        .containsExactly("OK", "OK", "EEXIST", "ENOMEM", "OK");
    assertThat(steps)
        .extracting(StepResult::getOp)
        .containsExactly("containerOpen", "mapDma", "mapDma", "mapDma", "unmapDma");
    assertThat(steps.get(4).getUnmapped()).isEqualTo(8192);
    assertThat(steps.get(1).getAccounting())
        .isEqualTo(
            AccountingSnapshot.newBuilder()
                .addTasks(TaskAccounting.newBuilder().setPid(100).setLockedVmPages(2))
                .addUsers(UserAccounting.newBuilder().setUid(1000))
                .build());
    assertThat(steps.get(4).getAccounting().getTasks(0).getLockedVmPages()).isZero();
  }

  @Test
  void aFailedUnmapReportsWhatTheKernelWritesBack() {
    List<StepResult> steps =
        replay(OPEN, Traces.map(0, 4096), Traces.map(8192, 8192), Traces.unmap(0, 12288));

    assertThat(steps.get(3).getErrno()).isEqualTo("EINVAL");
    assertThat(steps.get(3).getUnmapped()).isEqualTo(4096);
  }

  @Test
  void unpinningDriversLetGoOnTheUnmapCallback() {
    List<StepResult> steps =
        replay(OPEN, MDEV_UNPIN, Traces.map(0, 65536), PIN, Traces.unmap(0, 65536));

    assertThat(steps.get(4).getErrno()).isEqualTo("OK");
    assertThat(fake.log).containsSubsequence("pin 4096 2", "unpin 4096 2", "unmap 65536");
  }

  @Test
  void aKernelBugEndsTheReplayWithABugStep() {
    Type1Trace trace =
        Traces.trace(
            OPEN,
            MDEV_IGNORE,
            Traces.map(0, 65536),
            PIN,
            Traces.unmap(0, 65536),
            Traces.map(0, 4096));
    ContainerReplay replay =
        new ContainerReplay(fake, HostConfigs.fromHeader(trace.getHeader(), "t.json"), "t.json");
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      steps.add(replay.apply(new IndexedEvent(i, trace.getEvents(i))));
    }

    assertThat(steps.get(4).getErrno()).isEqualTo("BUG");
    assertThat(replay.bug())
        .hasValueSatisfying(bug -> assertThat(bug.site()).isEqualTo("fake_do_unmap"));
    assertThatThrownBy(() -> replay.apply(new IndexedEvent(5, trace.getEvents(5))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theMdevDriverReleasesItsPinsBeforeItsGroupLeaves() {
    replay(
        OPEN,
        MDEV_IGNORE,
        Traces.map(0, 65536),
        PIN,
        "{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 40}}",
        "{\"pid\": 100, \"containerClose\": {\"container\": 1}}");

    assertThat(fake.log).containsSubsequence("pin 4096 2", "unpin 4096 2", "detach 40", "close");
  }

  @Test
  void devicesThatAreNotOpenRefusePinsAndIgnoreUnpins() {
    List<StepResult> steps =
        replay(
            OPEN,
            PIN,
            "{\"pid\": 100, \"unpinPages\": {\"group\": 40, \"iova\": \"4096\", \"npage\": 2}}",
            "{\"pid\": 100, \"dmaRw\": {\"group\": 40, \"iova\": \"4096\", \"length\": \"8\"}}");

    assertThat(steps)
        .extracting(StepResult::getErrno)
        .containsExactly("OK", "EINVAL", "OK", "EINVAL");
  }

  @Test
  void aPidOrContainerTheTraceDoesNotHaveIsMalformed() {
    assertThatThrownBy(() -> replay("{\"pid\": 7, \"containerOpen\": {\"container\": 1}}"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessage("t.json: event 0: field pid: unknown pid 7 (not in header tasks)");
    assertThatThrownBy(
            () ->
                replay(OPEN, "{\"pid\": 100, \"mapDma\": {\"container\": 2, \"size\": \"4096\"}}"))
        .hasMessage("t.json: event 1: field mapDma.container: container 2 is not open");
    assertThatThrownBy(() -> replay(OPEN, OPEN))
        .hasMessage("t.json: event 1: field containerOpen.container: container 1 is already open");
  }

  private List<StepResult> replay(String... events) {
    Type1Trace trace = Traces.trace(events);
    ContainerReplay replay =
        new ContainerReplay(fake, HostConfigs.fromHeader(trace.getHeader(), "t.json"), "t.json");
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      steps.add(replay.apply(new IndexedEvent(i, trace.getEvents(i))));
    }
    return steps;
  }
}
