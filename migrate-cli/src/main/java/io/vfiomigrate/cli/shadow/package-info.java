/**
 * What the command line can know about a replay's containers from the trace alone: each side's
 * IOMMU type, groups, mappings and driver pins, advanced with that side's outcomes under its own
 * rules ({@link io.vfiomigrate.cli.shadow.Semantics}), and type1's structural outcome of an event
 * before it happens ({@link io.vfiomigrate.cli.shadow.Type1Forecast}). No accounting: that is the
 * models' job. Used by the diff's rules, the converter's v1 translation and the lint.
 */
package io.vfiomigrate.cli.shadow;
