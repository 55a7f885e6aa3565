/**
 * {@code vfio-migrate diff}: the step-by-step comparison of type1 with compat or iommufd and the
 * catalogue of rules that explain each divergence ({@link io.vfiomigrate.cli.diff.Rule}). {@code
 * docs/diff-rules.md} describes the engine and every rule; the oracle acceptance test holds the
 * catalogue to what Linux 6.12 reported.
 */
package io.vfiomigrate.cli.diff;
