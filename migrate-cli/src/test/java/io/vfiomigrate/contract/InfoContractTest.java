package io.vfiomigrate.contract;

import static io.vfiomigrate.api.Errno.EINVAL;
import static io.vfiomigrate.api.Errno.ENODEV;
import static io.vfiomigrate.contract.ContractHost.GROUP;
import static io.vfiomigrate.contract.ContractHost.MB;
import static io.vfiomigrate.contract.ContractHost.MDEV;
import static io.vfiomigrate.contract.ContractHost.PID;
import static io.vfiomigrate.contract.ContractHost.RAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** VFIO_IOMMU_GET_INFO and VFIO_CHECK_EXTENSION (spec A.9 against B.7). */
class InfoContractTest {
  /**
   * Both report the domain's page sizes and the aperture minus the MSI window; DMA_AVAIL is
   * type1's remaining dma_entry_limit but U32_MAX in compat ("iommufd's limit is based on the
   * cgroup's memory limit"); only type1 has the MIGRATION cap. Before SET_IOMMU type1 answers
   * EINVAL, compat already answers.
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void getInfo(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    k.failsUnchanged(k.expect(EINVAL, ENODEV), () -> c.getInfo(task, 256));
    k.step(() -> c.attachIommuGroup(task, GROUP));
    k.outcome(k.expect(EINVAL, null), () -> c.getInfo(task, 256));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    k.step(() -> c.mapDma(task, DmaMapRequest.of(RAM, MB, MB, true, true)));
    k.failsUnchanged(EINVAL, () -> c.getInfo(task, IommuInfo.MIN_ARGSZ - 1));
    IommuInfo info = k.step(() -> c.getInfo(task, 256));
    assertThat(info.flags()).isEqualTo(IommuInfo.FLAG_PGSIZES | IommuInfo.FLAG_CAPS);
    assertThat(info.iovaPgsizes()).isEqualTo(IommuSpec.DEFAULT_PGSIZE_BITMAP);
    assertThat(info.iovaRanges()).containsExactly(new IovaRange(0, 0xfedfffffL),
        new IovaRange(0xfef00000L, (1L << 39) - 1));
    assertThat(info.dmaAvail()).isEqualTo(k.expect(
        (long) HostConfig.DEFAULT_DMA_ENTRY_LIMIT - 1, 0xFFFF_FFFFL));
    assertThat(info.caps()).hasSize(k.expect(3, 2));
    IommuInfo sized = k.step(() -> c.getInfo(task, IommuInfo.STRUCT_SIZE));
    assertThat(sized.capOffset()).isZero();
    assertThat(sized.argsz()).isEqualTo(k.expect(24 + 32 + 16 + 48, 24 + 16 + 48));
    k.closeAll();
  }

  /**
   * Spec A.9 against B.7: both support TYPE1, TYPE1v2 and UNMAP_ALL and report coherent DMA;
   * only type1 offers the obsolete TYPE1_NESTING and, without mdevs, UPDATE_VADDR ("hard to see
   * how this could be implemented safely" in compat). DMA_CC_IOMMU needs the backend in type1
   * (0 before SET_IOMMU) and the compat IOAS in compat (ENODEV before a group).
   */
  @ParameterizedTest
  @EnumSource(ContractBackend.class)
  void checkExtension(ContractBackend backend) {
    BackendUnderTest k = new BackendUnderTest(backend);
    Task task = k.host.task(PID);
    Type1Container c = k.open(PID);
    assertThat(c.checkExtension(VfioExtension.TYPE1V2_IOMMU)).isEqualTo(1);
    if (backend == ContractBackend.TYPE1) {
      assertThat(c.checkExtension(VfioExtension.DMA_CC_IOMMU)).isZero();
    } else {
      k.failsUnchanged(ENODEV, () -> c.checkExtension(VfioExtension.DMA_CC_IOMMU));
    }
    k.step(() -> c.attachIommuGroup(task, GROUP));
    k.step(() -> c.setIommu(task, IommuType.TYPE1V2));
    for (VfioExtension e : new VfioExtension[] {VfioExtension.TYPE1_IOMMU,
        VfioExtension.TYPE1V2_IOMMU, VfioExtension.UNMAP_ALL, VfioExtension.DMA_CC_IOMMU}) {
      assertThat(c.checkExtension(e)).as("%s", e).isEqualTo(1);
    }
    assertThat(c.checkExtension(VfioExtension.TYPE1_NESTING_IOMMU)).isEqualTo(k.expect(1, 0));
    assertThat(c.checkExtension(VfioExtension.UPDATE_VADDR)).isEqualTo(k.expect(1, 0));
    k.step(() -> c.attachEmulatedGroup(task, MDEV, (device, iova, length) -> { }));
    assertThat(c.checkExtension(VfioExtension.UPDATE_VADDR)).isZero();
    for (VfioExtension e : new VfioExtension[] {VfioExtension.SPAPR_TCE_IOMMU,
        VfioExtension.EEH, VfioExtension.SPAPR_TCE_V2_IOMMU, VfioExtension.NOIOMMU_IOMMU}) {
      assertThat(c.checkExtension(e)).as("%s", e).isZero();
    }
    k.closeAll();
  }
}
