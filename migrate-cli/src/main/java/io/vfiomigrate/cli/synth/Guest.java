package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.Type1Event;
import java.util.function.Consumer;

/**
 * One VM's guest RAM as QEMU lays it out on x86: the first 3 GiB at guest physical address 0, the
 * rest above 4 GiB (the PCI hole between), all backed by one host mapping of the VMM. Guest
 * physical addresses are the IOVAs of the container without a vIOMMU.
 */
public final class Guest {
  static final long VADDR = 0x7f0000000000L;
  static final long PAGE = 4096;
  static final long GIB = 1L << 30;
  private static final long LOW_LIMIT = 3 * GIB;
  private static final long HIGH_BASE = 4 * GIB;

  final int pid;
  final long ram;
  final long low;

  public Guest(int pid, long ram) {
    this.pid = pid;
    this.ram = ram;
    this.low = Math.min(ram, LOW_LIMIT);
  }

  public static Task task(int pid, int uid, long memlock) {
    return Task.newBuilder().setPid(pid).setUid(uid).setMemlockLimit(memlock).build();
  }

  public MemoryRegion region(Backing backing) {
    return MemoryRegion.newBuilder()
        .setPid(pid)
        .setVaddr(VADDR)
        .setSize(ram)
        .setBacking(backing)
        .build();
  }

  /** QEMU's maps of guest RAM into a container: low memory, then high memory if any. */
  public void mapRam(int container, Consumer<Type1Event> sink) {
    sink.accept(Events.map(pid, container, VADDR, 0, low));
    if (ram > low) {
      sink.accept(Events.map(pid, container, VADDR + low, HIGH_BASE, ram - low));
    }
  }

  public long pages() {
    return ram / PAGE;
  }

  /** The IOVA (guest physical address) of guest page {@code page}. */
  public long iova(long page) {
    long offset = page * PAGE;
    return offset < low ? offset : HIGH_BASE + (offset - low);
  }

  /** The host address of guest page {@code page}. */
  long vaddr(long page) {
    return VADDR + page * PAGE;
  }
}
