package io.vfiomigrate.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.replay.ProgramReplayer;
import io.vfiomigrate.cli.replay.iommufd.NativeIommufdReplayer;
import io.vfiomigrate.iommufd.compat.IommufdCompatModule;
import io.vfiomigrate.type1.Type1Module;

/**
 * Plugs the models into the command line: installs each backend module and publishes its named
 * {@link VfioBackendFactory} under the backend name the commands accept, and binds the native
 * iommufd {@link ProgramReplayer} over iommufd-core.
 */
public final class ModelsModule extends AbstractModule {
  @Override
  protected void configure() {
    install(new Type1Module());
    install(new IommufdCompatModule());
    MapBinder<String, VfioBackendFactory> factories =
        MapBinder.newMapBinder(binder(), String.class, VfioBackendFactory.class);
    for (String name : new String[] {Backends.TYPE1, Backends.COMPAT}) {
      factories.addBinding(name).to(Key.get(VfioBackendFactory.class, Names.named(name)));
    }
    bind(NativeIommufdReplayer.class);
    OptionalBinder.newOptionalBinder(binder(), ProgramReplayer.class)
        .setBinding()
        .to(NativeIommufdReplayer.class);
  }
}
