/**
 * The native iommufd backend of {@code replay --backend iommufd} and {@code diff --against
 * iommufd}: {@link io.vfiomigrate.cli.replay.iommufd.NativeIommufdReplayer} runs {@code IommufdOp}s
 * on iommufd-core's native API. It lives in migrate-cli because iommufd-core does not depend on the
 * proto module: {@link io.vfiomigrate.cli.replay.iommufd.NativeSession} dispatches the ops, {@link
 * io.vfiomigrate.cli.replay.iommufd.ProgramContext} maps one context's program ids to the model's,
 * and {@link io.vfiomigrate.cli.replay.iommufd.ProgramAccess} is an access with the tracking mdev
 * driver behind it.
 */
package io.vfiomigrate.cli.replay.iommufd;
