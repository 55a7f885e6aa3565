package io.vfiomigrate.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.convert.TraceConverter;
import io.vfiomigrate.cli.testing.FakeProgramReplayer;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.MessageFiles;
import io.vfiomigrate.trace.ProgramReader;
import io.vfiomigrate.trace.ProgramWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plumbing of iommufd replays, on a fake session whose figures mean nothing (see the fake). */
final class ProgramReplayTest {
  private static final String[] EVENTS = {
    "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
    "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\": \"EMULATED\"}}",
    "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1V2\"}}",
    "{\"pid\": 100, \"mapDma\": {\"container\": 1, \"vaddr\": \"139637976727552\", \"iova\": \"0\","
        + " \"size\": \"65536\", \"read\": true, \"write\": true}}",
    "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"0\", \"npage\": 3, \"read\": true}}",
    "{\"pid\": 100, \"unmapDma\": {\"container\": 1, \"iova\": \"0\", \"size\": \"65536\"}}",
    "{\"pid\": 100, \"containerClose\": {\"container\": 1}}",
  };

  @TempDir Path directory;

  @Test
  void oneStepPerEventAfterAllOfItsOps() {
    Type1Trace trace = Traces.trace(EVENTS);
    FakeProgramReplayer fake = new FakeProgramReplayer();
    ProgramReplay replay =
        new ProgramReplay(
            fake,
            trace.getHeader(),
            HostConfigs.fromHeader(trace.getHeader(), "t.json"),
            "t.json",
            Accounting.USER);
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < EVENTS.length; i++) {
      steps.add(replay.apply(new IndexedEvent(i, trace.getEvents(i))));
    }

    assertThat(steps).extracting(StepResult::getIndex).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(steps)
        .extracting(StepResult::getOp)
        .containsExactly(
            "containerOpen",
            "groupAttach",
            "setIommu",
            "mapDma",
            "pinPages",
            "unmapDma",
            "containerClose");
    assertThat(steps)
        .extracting(StepResult::getErrno)
        .containsExactly("OK", "OK", "OK", "OK", "ENOMEM", "OK", "OK");
    assertThat(steps.get(3).getAccounting().getTasks(0).getPinnedVmPages()).isEqualTo(16);
    assertThat(steps.get(5).getUnmapped()).isEqualTo(65536);
    assertThat(fake.log)
        .containsExactly(
            "OPEN",
            "IOASALLOC",
            "ACCESSCREATE",
            "ACCESSATTACH",
            "IOASMAP",
            "ACCESSPIN",
            "IOASUNMAP",
            "ACCESSDESTROY",
            "CLOSE");
  }

  @Test
  void anEventStopsAtItsFirstFailingOp() {
    Type1Trace trace =
        Traces.trace(
            "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
            "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\":"
                + " \"EMULATED\"}}",
            "{\"pid\": 100, \"dmaRw\": {\"group\": 40, \"iova\": \"0\", \"length\": \"13\"}}",
            "{\"pid\": 100, \"containerClose\": {\"container\": 1}}");
    ProgramReplay replay =
        new ProgramReplay(
            new FakeProgramReplayer(),
            trace.getHeader(),
            HostConfigs.fromHeader(trace.getHeader(), "t.json"),
            "t.json",
            Accounting.USER);

    for (int i = 0; i < 2; i++) {
      replay.apply(new IndexedEvent(i, trace.getEvents(i)));
    }
    StepResult bug = replay.apply(new IndexedEvent(2, trace.getEvents(2)));

    assertThat(bug.getErrno()).isEqualTo("BUG");
    assertThat(replay.bug()).isPresent();
  }

  @Test
  void aProgramFileStepsBySourceEvent() throws Exception {
    Type1Trace trace = Traces.trace(EVENTS);
    Path program = directory.resolve("p.json");
    TraceConverter converter = new TraceConverter(trace.getHeader(), Accounting.USER);
    try (ProgramWriter writer = ProgramWriter.create(program, List.of())) {
      writer.writeHeader(trace.getHeader());
      for (int i = 0; i < EVENTS.length; i++) {
        converter.convert(new IndexedEvent(i, trace.getEvents(i))).ops().forEach(writer::write);
      }
      writer.commit();
    }
    List<StepResult> steps = new ArrayList<>();

    try (ProgramReader reader = ProgramReader.open(program)) {
      assertThat(
              ProgramFileReplay.run(
                  reader,
                  new FakeProgramReplayer(),
                  HostConfigs.fromHeader(trace.getHeader(), "p"),
                  "p",
                  steps::add))
          .isEmpty();
    }

    assertThat(steps)
        .extracting(s -> s.getIndex() + " " + s.getOp() + " " + s.getErrno())
        .containsExactly(
            "0 open+ioasAlloc OK",
            "1 accessCreate+accessAttach OK",
            "3 ioasMap OK",
            "4 accessPin ENOMEM",
            "5 ioasUnmap OK",
            "6 accessDestroy+close OK");
    assertThat(
            MessageFiles.read(program, io.vfiomigrate.proto.IommufdProgram.getDefaultInstance())
                .getOpsCount())
        .isEqualTo(9);
  }
}
