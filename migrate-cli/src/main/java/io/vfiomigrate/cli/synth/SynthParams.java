package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.Backing;

/**
 * The knobs of every scenario; each scenario reads the ones it lists in {@link Scenario#options()}.
 * {@code memlock} is RLIMIT_MEMLOCK of every task in bytes.
 */
record SynthParams(
    long seed,
    int devices,
    long ram,
    Backing backing,
    long events,
    int vms,
    int cycles,
    long memlock) {}
