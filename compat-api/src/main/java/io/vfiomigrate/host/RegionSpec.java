package io.vfiomigrate.host;

import static java.util.Objects.requireNonNull;

/** A mapping in a task's address space: {@code [vaddr, vaddr + size)} backed by {@code backing}. */
public record RegionSpec(int pid, long vaddr, long size, Backing backing, boolean readOnly) {
  public RegionSpec {
    requireNonNull(backing, "backing is null");
  }

  public static RegionSpec of(int pid, long vaddr, long size, Backing backing) {
    return new RegionSpec(pid, vaddr, size, backing, false);
  }
}
