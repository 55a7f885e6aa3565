package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.CliModule;
import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.replay.ProgramReplayer;
import io.vfiomigrate.cli.testing.FakeBackends;
import io.vfiomigrate.cli.testing.FakeProgramReplayer;
import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.type1.Type1Module;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The iommufd models' plumbing, before the iommufd-core integration is bound, with the hand-made
 * {@link FakeProgramReplayer} (it charges every map to the caller's uid, never to an mm): which
 * accounting each model converts with, and that iommufd-user reads the uid's counter summed over
 * its processes. The real figures are {@link PlanIommufdTest}'s.
 */
final class PlanIommufdFakesTest {
  private static final String TWO_VMS = Traces.EXAMPLES.resolve("two-vms-one-uid.json").toString();

  @Test
  void iommufdUserSumsTheUidsProcessesAndChecksTheTaskThatReachedThePeak() {
    PlanJsonResult plan =
        PlanJsonResult.run(FakeBackends.app(), "--models", "iommufd-user", TWO_VMS);

    assertThat(plan.model("iommufd-user"))
        .isEqualTo(
            new PlanJsonResult.Model(
                "iommufd-user",
                8L << 30,
                false,
                "iommufd-user needs 8 GiB for uid 107 (pids 5000, 5001) at step 9; libvirt sets 5"
                    + " GiB: 3 GiB short",
                OptionalLong.of(9)));
  }

  @Test
  void iommufdUserConvertsWithUserAccountingAndIommufdMmSelectsRlimitMode() {
    FakeProgramReplayer user = new FakeProgramReplayer();
    CliRun.of(appWith(user), "plan", "--models", "iommufd-user", TWO_VMS);
    FakeProgramReplayer mm = new FakeProgramReplayer();
    CliRun.of(appWith(mm), "plan", "--models", "iommufd-mm", TWO_VMS);

    assertThat(user.log).contains("IOASMAP").doesNotContain("OPTION");
    assertThat(mm.log).contains("IOASMAP").containsSubsequence("OPEN", "OPTION", "IOASALLOC");
  }

  @Test
  void byDefaultATraceIsPlannedOnTheModelsInTheBuildAndTheOthersAreNamedOnStderr() {
    CliRun run = CliRun.of(type1Only(), "plan", TWO_VMS, "--json");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: plan: compat, iommufd-user, iommufd-mm left out: their backend is not"
                + " available in this build\n");
    assertThat(PlanJsonResult.parse(run.out()).models())
        .extracting(PlanJsonResult.Model::model)
        .containsExactly("type1");
  }

  private static CliApp appWith(FakeProgramReplayer replayer) {
    return Guice.createInjector(
            Stage.PRODUCTION,
            new CliModule(),
            new AbstractModule() {
              @Override
              protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), ProgramReplayer.class)
                    .setBinding()
                    .toInstance(replayer);
              }
            })
        .getInstance(CliApp.class);
  }

  private static CliApp type1Only() {
    return Guice.createInjector(
            Stage.PRODUCTION,
            new CliModule(),
            new AbstractModule() {
              @Override
              protected void configure() {
                install(new Type1Module());
                MapBinder.newMapBinder(binder(), String.class, VfioBackendFactory.class)
                    .addBinding("type1")
                    .to(Key.get(VfioBackendFactory.class, Names.named("type1")));
              }
            })
        .getInstance(CliApp.class);
  }
}
