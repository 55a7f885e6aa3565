package io.vfiomigrate.type1;

import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.host.Host;
import jakarta.inject.Inject;

/** Creates {@link Type1Backend}s: the type1 model, named {@value Type1Backend#NAME}. */
public final class Type1BackendFactory implements VfioBackendFactory {
  @Inject
  public Type1BackendFactory() {}

  @Override
  public String name() {
    return Type1Backend.NAME;
  }

  @Override
  public VfioBackend create(Host host) {
    return new Type1Backend(host);
  }
}
