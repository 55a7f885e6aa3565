package io.vfiomigrate.contract;

import static io.vfiomigrate.api.Errno.EEXIST;
import static io.vfiomigrate.api.Errno.EFAULT;
import static io.vfiomigrate.api.Errno.EINVAL;
import static io.vfiomigrate.api.Errno.ENODEV;
import static io.vfiomigrate.api.Errno.ENOMEM;
import static io.vfiomigrate.api.Errno.ENOSPC;
import static io.vfiomigrate.api.Errno.EOVERFLOW;
import static io.vfiomigrate.contract.ContractHost.BAR;
import static io.vfiomigrate.contract.ContractHost.GROUP;
import static io.vfiomigrate.contract.ContractHost.GROUP2;
import static io.vfiomigrate.contract.ContractHost.MB;
import static io.vfiomigrate.contract.ContractHost.MDEV;
import static io.vfiomigrate.contract.ContractHost.P;
import static io.vfiomigrate.contract.ContractHost.PID;
import static io.vfiomigrate.contract.ContractHost.PID_A;
import static io.vfiomigrate.contract.ContractHost.PID_B;
import static io.vfiomigrate.contract.ContractHost.PID_IPC_LOCK;
import static io.vfiomigrate.contract.ContractHost.PID_L1000;
import static io.vfiomigrate.contract.ContractHost.RAM;
import static io.vfiomigrate.contract.ContractHost.RAM_THEN_BAR;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.contract.BackendUnderTest.Vm;
import io.vfiomigrate.host.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** VFIO_IOMMU_MAP_DMA on both backends: what they share and every row where they differ. */
class MapContractTest {
  private static DmaMapRequest rw(long vaddr, long iova, long size) {
    return DmaMapRequest.of(vaddr, iova, size, true, true);
  }

  /** A container of {@code pid} with {@link ContractHost#GROUP} and SET_IOMMU v2 done. */
  private static Type1Container passthrough(BackendUnderTest k, int pid) {
    Type1Container c = k.open(pid);
    Task task = k.host.task(pid);
    k.step(() -> c.attachIommuGroup(task, GROUP));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    return c;
  }

  /** Spec C1 (oracle c1-same-memory-mapped-twice): both charge a second map of the same memory. */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void sameMemoryMappedTwiceIsChargedTwice(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = passthrough(k, PID);
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    k.step(() -> c.mapDma(task, rw(RAM, 2 * MB, MB)));
    assertThat(k.vm(PID)).isEqualTo(k.charged(512));
    assertThat(k.step(() -> c.unmapDma(task, DmaUnmapRequest.range(MB, MB)))).isEqualTo(MB);
    assertThat(k.vm(PID)).isEqualTo(k.charged(256));
    k.closeAll();
  }

  /** Spec C8 (oracle c8-rlimit-exceeded-mid-map): ENOMEM without residue in both. */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void rlimitExceededMidMapLeavesNoResidue(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID_L1000);
    Type1Container c = passthrough(k, PID_L1000);
    k.step(() -> c.mapDma(task, rw(RAM, 0, 900 * P)));
    k.failsUnchanged(ENOMEM, () -> c.mapDma(task, rw(RAM + 900 * P, 900 * P, 200 * P)));
    assertThat(k.vm(PID_L1000)).isEqualTo(k.charged(900));
    k.step(() -> c.mapDma(task, rw(RAM + 900 * P, 900 * P, 100 * P)));
    assertThat(k.vm(PID_L1000)).isEqualTo(k.charged(1000));
    k.closeAll();
  }

  /**
   * Spec B.7 "Compat MAP works before VFIO_SET_IOMMU", oracle map-before-set-iommu: type1's
   * container.c refuses every backend ioctl until SET_IOMMU (EINVAL); compat needs only the
   * compat IOAS, and its device was attached with the group, so the map pins at once.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void mapBeforeSetIommu(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    k.step(() -> c.attachIommuGroup(task, GROUP));
    k.outcome(k.expect(EINVAL, null), () -> c.mapDma(task, rw(RAM, MB, MB)));
    assertThat(k.vm(PID)).isEqualTo(k.expect(new Vm(0, 0), new Vm(256, 256)));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.outcome(k.expect(null, EEXIST), () -> c.mapDma(task, rw(RAM, MB, MB)));
    assertThat(k.vm(PID)).isEqualTo(k.charged(256));
    k.closeAll();
  }

  /**
   * Oracle map-before-group-attach: without a group type1 has no backend (EINVAL), compat no
   * compat IOAS (ENODEV, spec B.7 get_compat_ioas).
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void mapWithoutAnyGroup(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    k.failsUnchanged(k.expect(EINVAL, ENODEV), () -> c.mapDma(task, rw(RAM, MB, MB)));
    k.closeAll();
  }

  /**
   * Spec B.7 "Compat MAP accepts prot with neither READ nor WRITE", oracle
   * map-no-read-no-write: type1 refuses it (A.3 step 2); compat passes prot 0 on, which the
   * VT-d driver refuses in a domain (EINVAL) and an emulated-only IOAS maps lazily.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void mapWithoutReadOrWrite(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    DmaMapRequest none = DmaMapRequest.of(RAM, MB, MB, false, false);
    Type1Container withDomain = passthrough(k, PID);
    k.failsUnchanged(EINVAL, () -> withDomain.mapDma(task, none));
    Type1Container emulated = k.open(PID);
    k.step(() -> emulated.attachEmulatedGroup(task, MDEV, (device, iova, length) -> { }));
    k.step(() -> emulated.setIommu(task, IommuType.TYPE1V2));
    k.outcome(k.expect(EINVAL, null), () -> emulated.mapDma(task, none));
    assertThat(k.vm(PID)).isEqualTo(new Vm(0, 0));
    k.closeAll();
  }

  /**
   * Spec C6, oracle c6-mmio-bar-alone and c6-mmio-ram-plus-bar-one-range: type1 maps reserved
   * PFNs without pinning or charging them; iommufd's pin_user_pages refuses a VM_PFNMAP (EFAULT),
   * also when RAM comes first, leaving nothing.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void mmioMaps(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = passthrough(k, PID);
    k.outcome(k.expect(null, EFAULT), () -> c.mapDma(task, rw(BAR, MB, MB)));
    assertThat(k.vm(PID)).isEqualTo(new Vm(0, 0));
    k.outcome(k.expect(null, EFAULT), () -> c.mapDma(task, rw(RAM_THEN_BAR, 4 * MB, 32 * P)));
    assertThat(k.vm(PID)).isEqualTo(k.expect(new Vm(16, 0), new Vm(0, 0)));
    assertThat(k.step(() -> c.unmapDma(task, DmaUnmapRequest.unmapAll())))
        .isEqualTo(k.expect(MB + 32 * P, 0L));
    k.closeAll();
  }

  /**
   * Spec C9, oracle c9-cap-ipc-lock: type1 skips the limit but still counts VmLck; iommufd
   * samples CAP_IPC_LOCK into account mode NONE: only VmPin moves.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void capIpcLock(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID_IPC_LOCK);
    Type1Container c = passthrough(k, PID_IPC_LOCK);
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    assertThat(k.vm(PID_IPC_LOCK)).isEqualTo(k.expect(new Vm(256, 0), new Vm(0, 256)));
    k.closeAll();
  }

  /**
   * Spec C7 (oracle c7-two-processes-one-user, scaled): per-process limits in both, since the
   * compat container accounts in MM mode; two processes of one user each map 800 of their 1024
   * pages (native iommufd's per-user USER mode would refuse the second). One process over its
   * own limit through two containers fails in both.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void limitsArePerProcess(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task a = k.host.task(PID_A);
    Task b = k.host.task(PID_B);
    Type1Container ca = passthrough(k, PID_A);
    Type1Container cb = k.open(PID_B);
    k.step(() -> cb.attachIommuGroup(b, GROUP2));
    k.step(() -> cb.setIommu(b, IommuType.TYPE1V2));
    k.step(() -> ca.mapDma(a, rw(RAM, 0, 800 * P)));
    k.step(() -> cb.mapDma(b, rw(RAM, 0, 800 * P)));
    assertThat(k.vm(PID_A)).isEqualTo(k.charged(800));
    assertThat(k.vm(PID_B)).isEqualTo(k.charged(800));
    assertThat(k.host.task(PID_A).user().lockedVm()).as("no per-user counter").isZero();
    Type1Container second = k.open(PID_A);
    k.step(() -> second.attachEmulatedGroup(a, MDEV, (device, iova, length) -> { }));
    k.step(() -> second.attachIommuGroup(a, ContractHost.GROUP2 + 1));
    k.step(() -> second.setIommu(a, IommuType.TYPE1V2));
    k.failsUnchanged(ENOMEM, () -> second.mapDma(a, rw(RAM, 0, 300 * P)));
    k.closeAll();
  }

  /**
   * Spec C12, oracle dma-entry-limit: type1 caps each container at dma_entry_limit vfio_dmas
   * (ENOSPC); iommufd has no count limit.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void dmaEntryLimit(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend, ContractHost.config(3));
    Task task = k.host.task(PID);
    Type1Container c = passthrough(k, PID);
    for (int i = 0; i < 3; i++) {
      long iova = i * MB;
      k.step(() -> c.mapDma(task, rw(RAM + iova, iova, P)));
    }
    k.outcome(k.expect(ENOSPC, null), () -> c.mapDma(task, rw(RAM + 3 * MB, 3 * MB, P)));
    k.closeAll();
  }

  /**
   * Oracle map-wrap-iova and map-wrap-vaddr: type1 checks wraps itself (EINVAL); iommufd's
   * iopt_alloc_pages and iopt_check_iova report EOVERFLOW, and refuse a length above
   * SIZE_MAX - PAGE_SIZE with EINVAL like type1.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void wrappingMaps(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = passthrough(k, PID);
    k.failsUnchanged(k.expect(EINVAL, EOVERFLOW), () -> c.mapDma(task, rw(RAM, -P, 2 * P)));
    k.failsUnchanged(EINVAL, () -> c.mapDma(task, rw(RAM, MB, -P)));
    k.failsUnchanged(k.expect(EINVAL, EOVERFLOW), () -> c.mapDma(task, rw(-P, MB, 2 * P)));
    k.failsUnchanged(EINVAL, () -> c.mapDma(task, rw(RAM, MB + 0x800, P)));
    k.failsUnchanged(EINVAL, () -> c.mapDma(task, rw(RAM, MB, 0)));
    k.failsUnchanged(EINVAL, () -> c.mapDma(task, rw(RAM, U64.MAX - 0xfff, P)));
    k.failsUnchanged(EINVAL, () -> c.mapDma(task, rw(RAM, 0xfee00000L, P)));
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    k.failsUnchanged(EEXIST, () -> c.mapDma(task, rw(RAM, MB + MB / 2, MB)));
    k.closeAll();
  }

  /**
   * Spec B.7 "flags other than READ/WRITE → EINVAL (so VFIO_DMA_MAP_FLAG_VADDR is rejected)"
   * against A.3 step 5 and A.6: type1 takes VADDR to re-validate an invalidated mapping; the
   * whole live-update round trip works in type1 and is refused at both ends by compat.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void vaddrUpdateIsType1Only(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = passthrough(k, PID);
    k.step(() -> c.mapDma(task, rw(RAM, MB, MB)));
    DmaUnmapRequest invalidate = new DmaUnmapRequest(DmaUnmapRequest.STRUCT_SIZE,
        DmaUnmapRequest.FLAG_VADDR, MB, MB);
    DmaMapRequest revalidate = new DmaMapRequest(DmaMapRequest.STRUCT_SIZE,
        DmaMapRequest.FLAG_VADDR, RAM + MB, MB, MB);
    if (backend == ContractBackend.TYPE1) {
      assertThat(k.step(() -> c.unmapDma(task, invalidate))).isEqualTo(MB);
      k.step(() -> c.mapDma(task, revalidate));
    } else {
      k.failsUnchanged(EINVAL, () -> c.unmapDma(task, invalidate));
      k.failsUnchanged(EINVAL, () -> c.mapDma(task, revalidate));
    }
    assertThat(k.vm(PID)).isEqualTo(k.charged(256));
    k.closeAll();
  }
}
