/**
 * {@code vfio-migrate synth}: deterministic synthetic traces, streamed, one {@link
 * io.vfiomigrate.cli.synth.Scenario} per workload (VM boot, KVMGT, vfio-ccw, vfio-ap, hot-plug,
 * several VMs of one uid, vIOMMU guest).
 */
package io.vfiomigrate.cli.synth;
