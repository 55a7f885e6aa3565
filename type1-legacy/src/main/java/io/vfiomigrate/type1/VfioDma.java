package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Mm;
import io.vfiomigrate.host.Task;

/**
 * {@code struct vfio_dma}: one successful VFIO_IOMMU_MAP_DMA, {@code [iova, iova + size)} of
 * the address space of {@link #task()} from {@link #vaddr()}.
 *
 * <p>Invariants between operations (checked by {@link Type1Invariants}):
 * <ul>
 *   <li>{@code size} is a positive multiple of the page size;
 *   <li>with an IOMMU-capable domain in the container the dma is {@code iommu_mapped}: its
 *       {@link #runs()} cover it, every page of a non-reserved run holds one pin for the
 *       domains, and {@link #lockedVm()} equals the non-reserved pages;
 *   <li>without one, nothing is mapped or pinned for the domains and {@link #lockedVm()}
 *       equals the number of {@code vfio_pfn} entries (each non-reserved and charged once);
 *   <li>every {@code vfio_pfn} holds exactly one more pin on its page, whatever its count.
 * </ul>
 *
 * <p>{@code dma->mm} is {@code task.mm()}: the model's tasks never exit, so the {@code
 * mmget_not_zero} checks of the kernel always succeed.
 */
final class VfioDma {
  /** PAGE_SHIFT: sizes and offsets are u64, so pages are counted with unsigned shifts. */
  static final int PAGE_SHIFT = 12;

  private final long iova;
  private final Prot prot;
  private final VfioPfnTree pfns = new VfioPfnTree();
  private final MappedRuns runs = new MappedRuns();
  private long vaddr;
  private long size;
  private boolean iommuMapped;
  private boolean lockCap;
  private boolean vaddrInvalid;
  private Task task;
  private long lockedVm;

  VfioDma(long iova, long vaddr, Prot prot, Task task) {
    this.iova = iova;
    this.vaddr = vaddr;
    this.prot = requireNonNull(prot, "prot is null");
    this.task = requireNonNull(task, "task is null");
    this.lockCap = task.capIpcLock();
  }

  long iova() {
    return iova;
  }

  /** Inclusive last IOVA; only meaningful once {@code size} is positive. */
  long last() {
    return iova + size - 1;
  }

  long vaddr() {
    return vaddr;
  }

  long size() {
    return size;
  }

  long npages() {
    return size >>> PAGE_SHIFT;
  }

  Prot prot() {
    return prot;
  }

  boolean iommuMapped() {
    return iommuMapped;
  }

  boolean lockCap() {
    return lockCap;
  }

  boolean vaddrInvalid() {
    return vaddrInvalid;
  }

  Task task() {
    return task;
  }

  Mm mm() {
    return task.mm();
  }

  long lockedVm() {
    return lockedVm;
  }

  VfioPfnTree pfns() {
    return pfns;
  }

  MappedRuns runs() {
    return runs;
  }

  /** Page index within the dma of {@code address}, which must lie inside it. */
  long pageIndex(long address) {
    return (address - iova) >>> PAGE_SHIFT;
  }

  /** The user address behind page {@code index}. */
  long vaddrOf(long index) {
    return vaddr + (index << PAGE_SHIFT);
  }

  void setSize(long size) {
    this.size = size;
  }

  void setIommuMapped(boolean mapped) {
    this.iommuMapped = mapped;
  }

  void setVaddrInvalid(boolean invalid) {
    this.vaddrInvalid = invalid;
  }

  /** The re-validation half of VFIO_DMA_MAP_FLAG_VADDR. */
  void setVaddr(long vaddr) {
    this.vaddr = vaddr;
  }

  /** {@code vfio_change_dma_owner} after the charge moved: the dma now belongs to {@code owner}. */
  void changeOwner(Task owner) {
    this.task = owner;
    this.lockCap = owner.capIpcLock();
  }

  /**
   * {@code vfio_lock_acct}: charges (positive) or uncharges (negative) {@code npage} pages to
   * the owner's {@code locked_vm}, against the owner's RLIMIT_MEMLOCK unless the owner had
   * CAP_IPC_LOCK at map time, and keeps {@code dma->locked_vm} in step. An uncharge never
   * fails.
   *
   * @throws io.vfiomigrate.api.KernelException ENOMEM over the limit, nothing charged
   */
  void lockAcct(long npage) {
    if (npage == 0) {
      return;
    }
    task.mm().accountLockedVm(Math.abs(npage), npage > 0, task, lockCap);
    lockedVm += npage;
  }

  @Override
  public String toString() {
    return "vfio_dma [" + U64.hex(iova) + ", +" + U64.hex(size) + ")";
  }
}
