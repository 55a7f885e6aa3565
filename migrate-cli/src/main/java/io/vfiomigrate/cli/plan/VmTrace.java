package io.vfiomigrate.cli.plan;

import io.vfiomigrate.cli.synth.Events;
import io.vfiomigrate.cli.synth.Guest;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The type1 trace a {@link VmDescription} stands for, as QEMU would issue it (synth's building
 * blocks), written by {@code plan --trace-out} and what {@link VmNeeds} computes the figures of.
 *
 * <ul>
 *   <li>VM {@code v} is pid {@code 5000 + v}, uid 107 (libvirt's qemu user) for all with {@code
 *       --same-uid}, else {@code 107 + v}; each task's RLIMIT_MEMLOCK is libvirt's limit.
 *   <li>Without a vIOMMU a VM has one container: its passthrough devices' IOMMU groups and its
 *       mdevs' emulated groups are attached, RAM is mapped (low and high memory); with a vIOMMU
 *       each device has its own container and RAM is mapped into every one, the worst case libvirt
 *       plans for (the guest maps all its memory, e.g. with iommu=pt).
 *   <li>Then each mdev pins its own {@link VmDescription#pagesPerMdev()} guest pages, one page per
 *       call, as a KVMGT vGPU pins what its GTT reaches.
 *   <li>All VMs boot before any shuts down (unmap all, close), so a uid's VMs peak together.
 * </ul>
 */
final class VmTrace {
  static final long PAGE = 4096;
  static final int FIRST_PID = 5000;
  static final int UID = 107;
  static final long MDEV_WORKING_SET = 8192;
  private static final int FIRST_GROUP = 10;

  /** RLIMIT_MEMLOCK of a process libvirt leaves alone: the kernel's default since Linux 5.16. */
  static final long INHERITED_MEMLOCK = 8L << 20;

  private final VmDescription vm;

  VmTrace(VmDescription vm) {
    this.vm = vm;
  }

  static int pid(int v) {
    return FIRST_PID + v;
  }

  static int uid(VmDescription vm, int v) {
    return vm.sameUid() ? UID : UID + v;
  }

  TraceHeader header(MemlockLimit limit) {
    List<Task> tasks = new ArrayList<>();
    List<MemoryRegion> memory = new ArrayList<>();
    for (int v = 0; v < vm.vms(); v++) {
      Guest guest = new Guest(pid(v), vm.ramBytes());
      Task.Builder task = Guest.task(pid(v), uid(vm, v), INHERITED_MEMLOCK).toBuilder();
      if (limit instanceof MemlockLimit.Bytes bytes) {
        task.setMemlockLimit(bytes.bytes());
      } else if (limit instanceof MemlockLimit.Unlimited) {
        task.setMemlockLimit(0).setMemlockUnlimited(true);
      }
      tasks.add(task.build());
      memory.add(guest.region(vm.backing()));
    }
    return TraceHeader.newBuilder()
        .setFormatVersion(1)
        .setPageSize(PAGE)
        .setDescription(description())
        .setSource("synthetic")
        .setKernel("6.12")
        .addAllTasks(tasks)
        .addAllMemory(memory)
        .build();
  }

  void events(Consumer<Type1Event> sink) {
    List<List<Integer>> containers = new ArrayList<>();
    int container = 1;
    int group = FIRST_GROUP;
    for (int v = 0; v < vm.vms(); v++) {
      Guest guest = new Guest(pid(v), vm.ramBytes());
      List<Integer> opened = new ArrayList<>();
      List<Integer> hostdevs = new ArrayList<>();
      List<Integer> mdevs = new ArrayList<>();
      for (int d = 0; d < vm.hostdevs(); d++) {
        hostdevs.add(group++);
      }
      for (int d = 0; d < vm.mdevs(); d++) {
        mdevs.add(group++);
      }
      if (vm.viommu()) {
        for (int g : hostdevs) {
          opened.add(container);
          boot(v, guest, container++, List.of(g), List.of(), sink);
        }
        for (int g : mdevs) {
          opened.add(container);
          boot(v, guest, container++, List.of(), List.of(g), sink);
        }
      } else if (!hostdevs.isEmpty() || !mdevs.isEmpty()) {
        opened.add(container);
        boot(v, guest, container++, hostdevs, mdevs, sink);
      }
      pin(v, guest, mdevs, sink);
      containers.add(opened);
    }
    for (int v = 0; v < vm.vms(); v++) {
      for (int c : containers.get(v)) {
        sink.accept(Events.unmapAll(pid(v), c));
        sink.accept(Events.close(pid(v), c));
      }
    }
  }

  /** VM {@code v} opens a container, attaches the groups, selects TYPE1V2 and maps its RAM. */
  private static void boot(
      int v,
      Guest guest,
      int container,
      List<Integer> hostdevs,
      List<Integer> mdevs,
      Consumer<Type1Event> sink) {
    int pid = pid(v);
    sink.accept(Events.open(pid, container));
    hostdevs.forEach(g -> sink.accept(Events.attach(pid, container, g, GroupKind.IOMMU)));
    mdevs.forEach(g -> sink.accept(Events.attach(pid, container, g, GroupKind.EMULATED)));
    sink.accept(Events.setIommu(pid, container));
    guest.mapRam(container, sink);
  }

  /** Mdev {@code m} pins guest pages {@code [m * n, (m + 1) * n)}, one call per page. */
  private void pin(int v, Guest guest, List<Integer> mdevs, Consumer<Type1Event> sink) {
    long pages = vm.pagesPerMdev();
    for (int m = 0; m < mdevs.size(); m++) {
      for (long page = m * pages; page < (m + 1) * pages; page++) {
        sink.accept(Events.pin(pid(v), mdevs.get(m), guest.iova(page), 1));
      }
    }
  }

  private String description() {
    return "plan: "
        + vm.vms()
        + (vm.vms() == 1 ? " VM" : " VMs")
        + (vm.sameUid() ? " of one uid" : "")
        + ", "
        + ExactSize.of(vm.ramBytes())
        + " "
        + vm.backing()
        + " RAM, "
        + vm.hostdevs()
        + " passthrough device(s), "
        + vm.mdevs()
        + " mdev(s)"
        + (vm.viommu() ? ", vIOMMU" : "");
  }
}
