/**
 * {@code vfio-migrate plan}: the smallest RLIMIT_MEMLOCK each accounting model needs, for a trace
 * (replayed on every model with unlimited limits, {@link io.vfiomigrate.cli.plan.TraceReplays}) or
 * a VM description (computed, {@link io.vfiomigrate.cli.plan.VmNeeds}, from the trace {@link
 * io.vfiomigrate.cli.plan.VmTrace} writes), against the limit libvirt sets ({@link
 * io.vfiomigrate.cli.plan.LibvirtMemlockRule}). See {@code docs/plan.md}.
 */
package io.vfiomigrate.cli.plan;
