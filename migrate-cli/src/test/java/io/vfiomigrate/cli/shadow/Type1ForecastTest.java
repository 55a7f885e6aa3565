package io.vfiomigrate.cli.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.diff.OracleResults;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

final class Type1ForecastTest {
  /**
   * Every failure the forecast predicts from the trace alone (expect removed) is the failure the
   * real type1 of Linux 6.12.117 reported, with the container state tracked from the real results.
   */
  @Test
  void predictedFailuresAreTheKernelsFailures() throws IOException {
    OracleResults oracle = OracleResults.load();
    int predicted = 0;
    for (String name : oracle.traces()) {
      Type1Trace trace = OracleResults.trace(name);
      List<StepResult> type1 = oracle.steps(name, "type1");
      ContainerShadows state = new ContainerShadows(Semantics.TYPE1, 4096);
      for (int i = 0; i < trace.getEventsCount(); i++) {
        Type1Event event = trace.getEvents(i).toBuilder().clearExpect().build();
        Type1Forecast.Forecast forecast = Type1Forecast.of(state, event);
        if (!forecast.ok()) {
          predicted++;
          assertThat(type1.get(i).getErrno())
              .as("%s event %d (%s)", name, i, forecast.reason())
              .isEqualTo(forecast.errno());
        }
        state.apply(i, event, type1.get(i).getErrno(), type1.get(i).getUnmapped());
      }
    }
    assertThat(predicted).isEqualTo(158);
  }

  @Test
  void aRecordedOutcomeWins() {
    ContainerShadows state = new ContainerShadows(Semantics.TYPE1, 4096);
    Type1Event map =
        Type1Event.newBuilder()
            .setMapDma(io.vfiomigrate.proto.MapDma.newBuilder().setContainer(1).setSize(4096))
            .setExpect(io.vfiomigrate.proto.Expect.newBuilder().setErrno("ENOMEM"))
            .build();

    assertThat(Type1Forecast.of(state, map))
        .isEqualTo(
            new Type1Forecast.Forecast("ENOMEM", Type1Forecast.Reason.RECORDED, "expect.errno"));
  }
}
