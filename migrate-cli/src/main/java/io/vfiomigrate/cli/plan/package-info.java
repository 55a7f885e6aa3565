/**
 * Inputs of the {@code plan} command that do not need the replay engine: libvirt's memlock rule
 * ({@link io.vfiomigrate.cli.plan.LibvirtMemlockRule}) and the byte sizes users type ({@link
 * io.vfiomigrate.cli.plan.ByteSize}).
 */
package io.vfiomigrate.cli.plan;
