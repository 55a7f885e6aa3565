package io.vfiomigrate.contract;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.iommufd.compat.IommufdCompatModule;
import io.vfiomigrate.type1.Type1Module;

/**
 * The two implementations of the type1 container contract: the type1-legacy model and the
 * vfio_compat adapter over iommufd-core. Each is made through its Guice module, as the CLI
 * composes them. Where the kernels differ, tests state both results with {@link #pick}.
 */
enum ContractBackend {
  TYPE1("type1"),
  COMPAT("compat");

  private final String bindingName;

  ContractBackend(String bindingName) {
    this.bindingName = bindingName;
  }

  /** The backend on {@code host}, from the factory its module binds under its name. */
  VfioBackend create(Host host) {
    VfioBackendFactory factory = Guice.createInjector(
            binder -> binder.requireExplicitBindings(), new Type1Module(),
            new IommufdCompatModule())
        .getInstance(Key.get(VfioBackendFactory.class, Names.named(bindingName)));
    return factory.create(host);
  }

  /** This backend's expected value: {@code type1}'s or {@code compat}'s. */
  <T> T pick(T type1, T compat) {
    return this == TYPE1 ? type1 : compat;
  }
}
