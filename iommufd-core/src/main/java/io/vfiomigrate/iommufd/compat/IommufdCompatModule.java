package io.vfiomigrate.iommufd.compat;

import com.google.inject.AbstractModule;
import com.google.inject.name.Names;
import io.vfiomigrate.api.VfioBackendFactory;

/**
 * Binds the compat backend: {@code @Named("compat") VfioBackendFactory}. Works with {@code
 * requireExplicitBindings()}.
 */
public final class IommufdCompatModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(VfioBackendFactory.class)
        .annotatedWith(Names.named(CompatBackend.NAME))
        .to(CompatBackendFactory.class);
  }
}
