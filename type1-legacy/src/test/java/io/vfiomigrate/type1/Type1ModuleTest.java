package io.vfiomigrate.type1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import org.junit.jupiter.api.Test;

class Type1ModuleTest {
  @Test
  void bindsTheNamedFactoryWithExplicitBindingsOnly() {
    Injector injector = Guice.createInjector(binder -> binder.requireExplicitBindings(),
        new Type1Module());
    VfioBackendFactory factory = injector.getInstance(
        Key.get(VfioBackendFactory.class, Names.named("type1")));
    assertThat(factory.name()).isEqualTo("type1");
    VfioBackend backend = factory.create(new Host(HostConfig.builder().build()));
    assertThat(backend).isInstanceOf(Type1Backend.class);
    assertThat(backend.name()).isEqualTo("type1");
    backend.checkInvariants();
    assertThat(backend.dumpState()).isEqualTo("leaked pins=0 locked_vm={}\n");
  }
}
