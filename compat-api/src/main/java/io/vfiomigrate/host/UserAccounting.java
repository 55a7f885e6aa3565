package io.vfiomigrate.host;

/** A user's {@code user_struct->locked_vm} in pages. */
public record UserAccounting(int uid, long lockedVmPages) {}
