package io.vfiomigrate.contract;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.CliModule;
import io.vfiomigrate.cli.ModelsModule;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.replay.EventReplay;
import io.vfiomigrate.cli.replay.HostConfigs;
import io.vfiomigrate.cli.replay.ProgramReplayer;
import io.vfiomigrate.cli.replay.Snapshots;
import io.vfiomigrate.cli.replay.iommufd.NativeIommufdReplayer;
import io.vfiomigrate.cli.replay.iommufd.NativeSession;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays an oracle trace on one backend exactly as {@code replay --backend NAME} does (the CLI's
 * {@link Backends}, {@link HostConfigs} and replay engine, the type1 trace converted on the fly for
 * native iommufd in USER accounting), with the oracle harness's route around it ({@link
 * HarnessRoute}). What the CLI does not do and this does: the model's invariants are checked after
 * every event (type1's and vfio_compat's {@code checkInvariants}, {@link
 * NativeSession#checkInvariants}: spec F, balanced against the whole host).
 */
final class OracleRun {
  /** The backend factories as {@code Main} wires them. */
  private static final Map<String, VfioBackendFactory> FACTORIES =
      Guice.createInjector(Stage.PRODUCTION, new CliModule(), new ModelsModule())
          .getInstance(Key.get(new TypeLiteral<Map<String, VfioBackendFactory>>() {}));

  private final List<Runnable> invariants = new ArrayList<>();
  private final Backends backends;

  private OracleRun() {
    Map<String, VfioBackendFactory> factories = new HashMap<>();
    FACTORIES.forEach((name, factory) -> factories.put(name, new Checked(factory)));
    ProgramReplayer iommufd =
        host -> {
          NativeSession session = new NativeIommufdReplayer().start(host);
          invariants.add(session::checkInvariants);
          return session;
        };
    backends = new Backends(factories, Optional.of(iommufd));
  }

  /** A factory whose backends' invariants are checked after every event. */
  private final class Checked implements VfioBackendFactory {
    private final VfioBackendFactory factory;

    Checked(VfioBackendFactory factory) {
      this.factory = factory;
    }

    @Override
    public String name() {
      return factory.name();
    }

    @Override
    public VfioBackend create(Host host) {
      VfioBackend backend = factory.create(host);
      invariants.add(backend::checkInvariants);
      return backend;
    }
  }

  /** What the harness would have printed for each event of {@code trace} on {@code backend}. */
  static List<OracleStep> run(Path trace, String backend) {
    return new OracleRun().replay(trace, backend);
  }

  private List<OracleStep> replay(Path trace, String backend) {
    String file = trace.toString();
    try (TraceReader reader = TraceReader.open(trace)) {
      TraceHeader header = reader.header();
      EventReplay replay =
          backends.replay(
              backend, header, HostConfigs.fromHeader(header, file), file, Accounting.USER);
      HarnessRoute route = new HarnessRoute(backend);
      List<TaskAccounting> tasks = Snapshots.zero(header).getTasksList();
      List<OracleStep> steps = new ArrayList<>();
      while (reader.hasNext()) {
        IndexedEvent event = reader.next();
        Optional<String> answer = route.harnessAnswer(event.event());
        if (answer.isPresent()) {
          steps.add(route.answered(answer.get(), tasks));
        } else {
          StepResult step =
              replay.apply(new IndexedEvent(event.index(), route.toKernel(event.event())));
          steps.add(route.printed(event.event(), step));
          tasks = step.getAccounting().getTasksList();
        }
        invariants.forEach(Runnable::run);
      }
      return steps;
    }
  }
}
