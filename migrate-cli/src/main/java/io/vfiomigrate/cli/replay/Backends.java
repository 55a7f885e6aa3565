package io.vfiomigrate.cli.replay;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.proto.TraceHeader;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;

/**
 * The backends a replay can run on, by the names of the command line: {@code type1} and {@code
 * compat} are {@link VfioBackendFactory}s bound by name in a Guice {@code MapBinder} (the model
 * modules contribute them), {@code iommufd} is the {@link ProgramReplayer} of an {@code
 * OptionalBinder}. A name with nothing bound is reported as unavailable (exit 70).
 */
public final class Backends {
  public static final String TYPE1 = "type1";
  public static final String COMPAT = "compat";
  public static final String IOMMUFD = ProgramReplay.BACKEND;

  /** Every backend name the command line accepts. */
  public static final ImmutableList<String> NAMES = ImmutableList.of(TYPE1, COMPAT, IOMMUFD);

  private static final ImmutableMap<String, String> MISSING =
      ImmutableMap.of(
          TYPE1, "the type1-legacy model is not bound",
          COMPAT, "iommufd-core's vfio_compat adapter is not bound",
          IOMMUFD, "no ProgramReplayer is bound: the iommufd-core integration is missing");

  private final Map<String, VfioBackendFactory> factories;
  private final Optional<ProgramReplayer> programReplayer;

  @Inject
  public Backends(
      Map<String, VfioBackendFactory> factories, Optional<ProgramReplayer> programReplayer) {
    this.factories = ImmutableMap.copyOf(factories);
    this.programReplayer = requireNonNull(programReplayer, "programReplayer is null");
  }

  /**
   * Checks that {@code name} is a backend name and that it is bound.
   *
   * @throws UsageException for a name that is none of type1, compat, iommufd
   * @throws BackendUnavailableException if nothing is bound under it
   */
  public void require(String name, String option) {
    if (!NAMES.contains(name)) {
      throw new UsageException(
          option
              + ": unknown backend \""
              + name
              + "\" (expected "
              + String.join(", ", NAMES)
              + ")");
    }
    if (!available(name)) {
      throw new BackendUnavailableException(name, MISSING.get(name));
    }
  }

  /** Whether a model is bound under the backend name {@code name}. */
  public boolean available(String name) {
    return name.equals(IOMMUFD) ? programReplayer.isPresent() : factories.containsKey(name);
  }

  /** A replay of a type1 trace on {@code name}, which {@link #require} accepted. */
  public EventReplay replay(
      String name, TraceHeader header, HostConfig config, String file, Accounting accounting) {
    require(name, "--backend");
    if (name.equals(IOMMUFD)) {
      return new ProgramReplay(programReplayer.orElseThrow(), header, config, file, accounting);
    }
    return new ContainerReplay(factories.get(name), config, file);
  }

  /** The native iommufd backend, for program files. */
  public ProgramReplayer programReplayer() {
    require(IOMMUFD, "--backend");
    return programReplayer.orElseThrow();
  }
}
