package io.vfiomigrate.cli.replay;

import io.vfiomigrate.host.Host;

/**
 * The native iommufd backend of {@code replay --backend iommufd} and {@code diff --against
 * iommufd}: runs the ops of an iommufd program on the iommufd-core model. migrate-cli groups the
 * ops by source event, takes the host's snapshot after each group and builds the steps; an
 * implementation only performs ops. Bound with Guice's {@code OptionalBinder}; until a module binds
 * one, both commands fail with "backend iommufd is not available" (exit 70).
 */
public interface ProgramReplayer {
  /** A fresh replay on {@code host}: no iommufd context is open yet. */
  ProgramSession start(Host host);
}
