package io.vfiomigrate.iommufd.compat;

import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.host.Host;
import jakarta.inject.Inject;

/** Creates {@link CompatBackend}s: type1 over iommufd, named {@value CompatBackend#NAME}. */
public final class CompatBackendFactory implements VfioBackendFactory {
  @Inject
  public CompatBackendFactory() {}

  @Override
  public String name() {
    return CompatBackend.NAME;
  }

  @Override
  public VfioBackend create(Host host) {
    return new CompatBackend(host);
  }
}
