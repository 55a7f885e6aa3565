/**
 * {@code vfio-migrate convert}: type1 traces to iommufd programs, one event at a time ({@link
 * io.vfiomigrate.cli.convert.TraceConverter}), with named warnings for what native iommufd cannot
 * express as recorded ({@link io.vfiomigrate.cli.convert.WarningCode}). The mapping is in {@code
 * docs/cli.md}.
 */
package io.vfiomigrate.cli.convert;
