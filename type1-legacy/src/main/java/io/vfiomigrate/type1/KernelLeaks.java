package io.vfiomigrate.type1;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the kernel leaks when {@code vfio_remove_dma} frees a dma whose {@code pfn_list} is not
 * empty (it warns and frees the dma without the {@code vfio_pfn} entries): the page pins those
 * entries held, and whatever the dma still had charged to its owner's {@code locked_vm}. This
 * only happens when a driver never releases its pins (it ignored dma_unmap, or its group was
 * detached while it held pins) and the container is then torn down.
 *
 * <p>The ledger lets the invariants still balance pins and charges across the whole host.
 */
final class KernelLeaks {
  private final Map<Integer, Long> lockedVmByPid = new TreeMap<>();
  private long pins;

  /** Records the leftovers of {@code dma}, which is being freed. */
  void record(VfioDma dma) {
    pins += dma.pfns().size();
    if (dma.lockedVm() != 0) {
      lockedVmByPid.merge(dma.task().pid(), dma.lockedVm(), Long::sum);
    }
  }

  /** Page pins that no vfio_pfn holds any more. */
  long pins() {
    return pins;
  }

  /** Pages of {@code pid}'s locked_vm that no dma accounts for any more. */
  long lockedVm(int pid) {
    return lockedVmByPid.getOrDefault(pid, 0L);
  }

  @Override
  public String toString() {
    return "leaked pins=" + pins + " locked_vm=" + lockedVmByPid;
  }
}
