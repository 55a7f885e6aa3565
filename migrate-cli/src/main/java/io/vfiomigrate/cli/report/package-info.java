/**
 * Outputs for programs and people: the streamed {@code --json} reports (byte for byte protobuf's
 * JSON of the whole message), the replay and diff tables, and the self-contained HTML report with
 * its SVG plot.
 */
package io.vfiomigrate.cli.report;
