/**
 * {@code vfio-migrate import qemu-log}: QEMU logs to type1 traces (user documentation in {@code
 * docs/import.md}).
 *
 * <p>A line passes through one small stage per concern, each unit-tested on its own: {@link
 * io.vfiomigrate.cli.importer.BoundedLineReader} (lines, capped), {@link
 * io.vfiomigrate.cli.importer.LogPrefixes} (what loggers added), {@link
 * io.vfiomigrate.cli.importer.LogLineParser} with one format table per event family ({@code
 * ListenerFormats}, {@code DeviceFormats}, {@code IommufdFormats}, {@code MessageFormats}), {@link
 * io.vfiomigrate.cli.importer.LineJoiner} (lines a mail client wrapped), {@link
 * io.vfiomigrate.cli.importer.TaskIds} (whose line), and {@link
 * io.vfiomigrate.cli.importer.TraceAssembler}, which hands the events to the legacy or iommufd
 * backend of their process, builds type1 events through {@code TraceEmitter}, holds them in {@code
 * RecentRequests} until later error lines can no longer set their outcome, and infers the header's
 * memory ({@code MemoryInference}). {@link io.vfiomigrate.cli.importer.QemuLogImporter} runs the
 * stages; {@link io.vfiomigrate.cli.importer.ImportCommand} is the command.
 */
package io.vfiomigrate.cli.importer;
