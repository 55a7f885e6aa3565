package io.vfiomigrate.type1;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.AccountingSnapshot;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.testing.HostDump;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A host, a type1 backend and one container, with the operations tests need. Every operation
 * runs the backend's invariants afterwards, whether it succeeded or failed.
 *
 * <p>Task {@link #PID} (and {@link #PID2}, same user) have this layout:
 * <pre>
 *   ANON       0x10000000  4096 pages of scattered 4 KiB pages
 *   READ_ONLY  0x20000000    16 pages, read-only
 *   THP        0x40000000  4096 pages in 2 MiB physically contiguous chunks
 *   RAM_16     0xbfff0000    16 anonymous pages, right below
 *   BAR        0xc0000000   256 pages of MMIO (VM_PFNMAP)
 *   HUGE_1G   0x100000000  2 GiB of 1 GiB pages
 * </pre>
 * Groups 1 and 2 sit behind the default IOMMU (compatible: one domain), group 3 behind another
 * IOMMU of the same kind (a second domain), group 4 behind the selftest mock (aperture 16 MiB
 * to 2 GiB), group 5 behind an IOMMU with only 2 MiB and 1 GiB pages, group 6 behind one with an
 * extra reserved region {@link #EXTRA_RESERVED}. Groups 10 and up are emulated.
 */
final class Type1Fixture {
  static final long P = 4096;
  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;
  static final int PID = 100;
  static final int PID2 = 200;
  static final int UID = 1000;
  static final long ANON = 0x10000000L;
  static final long READ_ONLY = 0x20000000L;
  static final long THP = 0x40000000L;
  static final long RAM_16 = 0xbfff0000L;
  static final long BAR = 0xc0000000L;
  static final long HUGE_1G = 0x100000000L;
  static final IovaRange EXTRA_RESERVED = new IovaRange(0x1000000L, 0x1ffffffL);
  static final IommuSpec SECOND_IOMMU = IommuSpec.defaults().named("iommu-b");
  static final IommuSpec HUGE_ONLY_IOMMU = new IommuSpec("iommu-huge",
      IommuSpec.DEFAULT_PGSIZE_BITMAP & ~P, 0, U64.MAX, List.of(IommuSpec.X86_MSI_WINDOW));
  static final IommuSpec RESERVING_IOMMU = new IommuSpec("iommu-resv",
      IommuSpec.DEFAULT_PGSIZE_BITMAP, 0, U64.MAX,
      List.of(IommuSpec.X86_MSI_WINDOW, EXTRA_RESERVED));

  final Host host;
  final Type1Backend backend;
  final Task task;
  final Task task2;
  final Type1Container container;
  /** Every emulated device attached through {@link #attachMdev}, oldest first. */
  private final List<Mdev> mdevs = new ArrayList<>();

  /** An emulated device in the container and the driver that pins through it. */
  record Mdev(Type1Fixture f, TrackingMdevDriver driver, VfioDevice device) {
    PinnedPages pin(long iova, int npage) {
      return pin(iova, npage, Prot.READ_WRITE);
    }

    PinnedPages pin(long iova, int npage, Prot prot) {
      return f.checked(() -> driver.pin(device, iova, npage, prot));
    }

    void unpin(long iova, int npage) {
      f.checked(() -> driver.unpin(device, iova, npage));
    }

    /** What the driver's close_device does: releases every pin it holds. */
    void releaseAll() {
      for (TrackingMdevDriver.Pin pin : driver.pins()) {
        unpin(pin.iova(), pin.npage());
      }
    }
  }

  Type1Fixture(HostConfig config) {
    this.host = new Host(config);
    this.backend = new Type1Backend(host);
    this.task = host.task(PID);
    this.task2 = host.task(PID2);
    this.container = backend.openContainer(task);
  }

  /** Both tasks with RLIMIT_MEMLOCK of {@code limitPages}. */
  static Type1Fixture withLimit(long limitPages) {
    return new Type1Fixture(config(TaskSpec.of(PID, UID, limitPages * P),
        TaskSpec.of(PID2, UID, limitPages * P)).build());
  }

  /** Both tasks with an unlimited RLIMIT_MEMLOCK. */
  static Type1Fixture unlimited() {
    return withLimit(1L << 40);
  }

  static HostConfig.Builder config(TaskSpec first, TaskSpec second) {
    HostConfig.Builder builder = HostConfig.builder().task(first).task(second);
    for (int pid : new int[] {first.pid(), second.pid()}) {
      builder.region(RegionSpec.of(pid, ANON, 4096 * P, Backing.ANON))
          .region(new RegionSpec(pid, READ_ONLY, 16 * P, Backing.ANON, true))
          .region(RegionSpec.of(pid, THP, 4096 * P, Backing.THP))
          .region(RegionSpec.of(pid, RAM_16, 16 * P, Backing.ANON))
          .region(RegionSpec.of(pid, BAR, 256 * P, Backing.MMIO))
          .region(RegionSpec.of(pid, HUGE_1G, 2 * GIB, Backing.HUGETLB_1G));
    }
    return builder.groupIommu(3, SECOND_IOMMU)
        .groupIommu(4, IommuSpec.mock())
        .groupIommu(5, HUGE_ONLY_IOMMU)
        .groupIommu(6, RESERVING_IOMMU);
  }

  // ---- container operations, each followed by the invariants ----

  <T> T checked(Supplier<T> operation) {
    try {
      return operation.get();
    } finally {
      backend.checkInvariants();
    }
  }

  void checked(Runnable operation) {
    checked(() -> {
      operation.run();
      return null;
    });
  }

  void setIommu(IommuType type) {
    checked(() -> container.setIommu(task, type));
  }

  void attachIommu(int group) {
    attachIommu(task, group);
  }

  void attachIommu(Task current, int group) {
    checked(() -> container.attachIommuGroup(current, group));
  }

  VfioDevice attachEmulated(int group, MdevDriver driver) {
    return checked(() -> container.attachEmulatedGroup(task, group, driver));
  }

  void detach(int group) {
    checked(() -> container.detachGroup(task, group));
  }

  /** A v2 container with IOMMU group 1: one domain. */
  Type1Fixture passthrough() {
    attachIommu(1);
    setIommu(IommuType.TYPE1V2);
    return this;
  }

  void map(long iova, long vaddr, long pages) {
    map(task, DmaMapRequest.of(vaddr, iova, pages * P, true, true));
  }

  void map(Task current, DmaMapRequest request) {
    checked(() -> container.mapDma(current, request));
  }

  long unmap(long iova, long pages) {
    return unmap(DmaUnmapRequest.range(iova, pages * P));
  }

  long unmap(DmaUnmapRequest request) {
    return checked(() -> container.unmapDma(task, request));
  }

  long unmapAll() {
    return unmap(DmaUnmapRequest.unmapAll());
  }

  IommuInfo info(int argsz) {
    return checked(() -> container.getInfo(task, argsz));
  }

  /** Attaches emulated group {@code group} with a driver that unpins when told to. */
  Mdev attachMdev(int group) {
    TrackingMdevDriver driver = driver();
    Mdev mdev = new Mdev(this, driver, attachEmulated(group, driver));
    mdevs.add(mdev);
    return mdev;
  }

  /** The emulated device attached first. */
  Mdev mdev() {
    return mdevs.get(0);
  }

  /** A v2 container whose only group is emulated group 10: no IOMMU-capable domain. */
  Mdev mdevOnly() {
    Mdev mdev = attachMdev(10);
    setIommu(IommuType.TYPE1V2);
    return mdev;
  }

  static TrackingMdevDriver driver() {
    return new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
  }

  // ---- observations ----

  AccountingSnapshot snapshot() {
    return host.snapshot();
  }

  long lockedVm() {
    return task.mm().lockedVm();
  }

  long pinnedPages() {
    return host.memory().pinnedPages();
  }

  long pinRefs() {
    return host.memory().pinRefs();
  }

  /** FOLL_PIN count of the page at {@code vaddr} of the main task. */
  long pinCount(long vaddr) {
    return host.memory().pinCount(task.mm(), vaddr);
  }

  long warnings() {
    return host.log().count();
  }

  /** The backend and the host, as text: equal strings mean nothing changed. */
  String state() {
    return backend.dumpState() + HostDump.of(host);
  }

  /** The container's backend state; the container must have one. */
  VfioIommu iommu() {
    return ((VfioContainer) container).iommu().orElseThrow();
  }

  /** The container's one IOMMU domain. */
  IommuDomain onlyDomain() {
    assertThat(iommu().domains()).hasSize(1);
    return iommu().domains().get(0).domain();
  }

  /**
   * Lets every driver attached with {@link #attachMdev} release its pins (as closing its device
   * would), closes the container and checks that no pin and no charge is left anywhere.
   */
  void closeAndAssertClean() {
    for (Mdev mdev : mdevs) {
      mdev.releaseAll();
    }
    checked(container::close);
    assertThat(pinRefs()).as("pin references after close").isZero();
    assertThat(pinnedPages()).as("pinned pages after close").isZero();
    assertThat(task.mm().lockedVm()).as("locked_vm of %d after close", PID).isZero();
    assertThat(task2.mm().lockedVm()).as("locked_vm of %d after close", PID2).isZero();
    assertThat(task.mm().pinnedVm()).isZero();
    assertThat(task.user().lockedVm()).isZero();
  }
}
