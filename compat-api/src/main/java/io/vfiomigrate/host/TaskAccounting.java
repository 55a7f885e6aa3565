package io.vfiomigrate.host;

/** A task's counters in pages: {@code mm->locked_vm} (VmLck) and {@code mm->pinned_vm} (VmPin). */
public record TaskAccounting(int pid, long lockedVmPages, long pinnedVmPages) {}
