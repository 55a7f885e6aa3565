package io.vfiomigrate.cli.replay.iommufd;

import io.vfiomigrate.cli.replay.ProgramReplayer;
import io.vfiomigrate.host.Host;
import jakarta.inject.Inject;

/**
 * The native iommufd backend: programs replay on iommufd-core's {@code IommufdContext}, one per
 * opened iommufd file, in a {@link NativeSession}. Stateless; bound in {@code ModelsModule}.
 */
public final class NativeIommufdReplayer implements ProgramReplayer {
  @Inject
  public NativeIommufdReplayer() {}

  @Override
  public NativeSession start(Host host) {
    return new NativeSession(host);
  }
}
