package io.vfiomigrate.cli.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The needs of a {@link VmDescription}, computed from its trace ({@link VmTrace}) in closed form
 * instead of replayed: a replay costs time per physically contiguous run, minutes for a large ANON
 * guest, and the figures do not depend on the backing, since every model charges 4 KiB pages.
 * {@code VmNeedsReplayTest} replays the traces and checks that the figures agree.
 *
 * <p>Per VM, what every model charges is the same: guest RAM once per container with an IOMMU
 * domain (the maps pin it all), plus the pages mdevs pin in containers without a domain (with one,
 * an mdev's pins are pages the domain already pinned and charged: type1's do_accounting is false,
 * iommufd copies the PFNs from the domain, C4). The models differ in where it is counted: the
 * process's {@code mm->locked_vm} (type1, compat, iommufd-mm), or the uid's {@code
 * user_struct->locked_vm}, which sums the VMs of one uid (iommufd-user, C7).
 */
final class VmNeeds {
  private VmNeeds() {}

  static ModelNeeds of(VmDescription vm, PlanModel model) {
    long perVm = Math.multiplyExact(chargedPages(vm), VmTrace.PAGE);
    List<Need> needs = new ArrayList<>();
    if (perVm > 0) {
      if (model.counter() == PlanModel.CheckedCounter.TASK) {
        for (int v = 0; v < vm.vms(); v++) {
          needs.add(Need.task(VmTrace.pid(v), perVm, OptionalLong.empty()));
        }
      } else if (vm.sameUid()) {
        List<Integer> pids = new ArrayList<>();
        for (int v = 0; v < vm.vms(); v++) {
          pids.add(VmTrace.pid(v));
        }
        // The last VM's maps bring the uid's total to its peak: its limit is the one checked.
        needs.add(
            Need.user(
                VmTrace.uid(vm, 0),
                pids,
                VmTrace.pid(vm.vms() - 1),
                Math.multiplyExact(perVm, vm.vms()),
                OptionalLong.empty()));
      } else {
        for (int v = 0; v < vm.vms(); v++) {
          int pid = VmTrace.pid(v);
          needs.add(Need.user(VmTrace.uid(vm, v), List.of(pid), pid, perVm, OptionalLong.empty()));
        }
      }
    }
    return new ModelNeeds(model, needs, Optional.empty());
  }

  /** The pages one VM has charged once it has booted and its mdevs have pinned. */
  private static long chargedPages(VmDescription vm) {
    long mdevPins = vm.mdevs() * vm.pagesPerMdev();
    if (vm.viommu()) {
      return Math.addExact(Math.multiplyExact(vm.hostdevs(), vm.ramPages()), mdevPins);
    }
    return vm.hostdevs() > 0 ? vm.ramPages() : mdevPins;
  }
}
