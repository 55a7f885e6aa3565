/**
 * {@code vfio-migrate replay}: steps of a trace on one backend. Type1 traces replay through the
 * compat-api container contract of a {@code VfioBackendFactory} ({@link
 * io.vfiomigrate.cli.replay.ContainerReplay}) or, converted on the fly, on native iommufd through a
 * {@link io.vfiomigrate.cli.replay.ProgramReplayer} ({@link
 * io.vfiomigrate.cli.replay.ProgramReplay}); both behind {@link
 * io.vfiomigrate.cli.replay.EventReplay}, so that {@code diff} drives two in lockstep. {@link
 * io.vfiomigrate.cli.replay.Backends} finds them by name in what Guice bound.
 */
package io.vfiomigrate.cli.replay;
