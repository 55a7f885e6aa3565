package io.vfiomigrate.api;

import io.vfiomigrate.host.Host;

/** Creates a backend on a host. Each backend module binds one implementation. */
public interface VfioBackendFactory {
  /** The backend's stable name, as in {@code replay --backend NAME}. */
  String name();

  VfioBackend create(Host host);
}
