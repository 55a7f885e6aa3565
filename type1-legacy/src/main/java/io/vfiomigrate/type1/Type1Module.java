package io.vfiomigrate.type1;

import com.google.inject.AbstractModule;
import com.google.inject.name.Names;
import io.vfiomigrate.api.VfioBackendFactory;

/**
 * Binds the type1 backend: {@code @Named("type1") VfioBackendFactory}. Works with {@code
 * requireExplicitBindings()}.
 */
public final class Type1Module extends AbstractModule {
  @Override
  protected void configure() {
    bind(VfioBackendFactory.class)
        .annotatedWith(Names.named(Type1Backend.NAME))
        .to(Type1BackendFactory.class);
  }
}
