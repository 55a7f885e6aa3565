package io.vfiomigrate.cli.shadow;

/**
 * One successful pinPages of an emulated group's driver, as the driver remembers it to release it
 * later with exactly the same {@code (iova, npage)}.
 */
public record DriverPin(long iova, int npage) {}
