package io.vfiomigrate.iommufd.compat;

import static io.vfiomigrate.iommufd.compat.CompatFixture.P;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.InfoCap;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code vfio_compat_mock_domain} fixture of the kernel selftest (spec D.2), variants
 * Ver1v0 ({@link IommuType#TYPE1}) and Ver1v2 ({@link IommuType#TYPE1V2}): an IOAS with a mock
 * domain made the compat IOAS with IOMMU_VFIO_IOAS SET, then VFIO_SET_IOMMU.
 */
class VfioCompatMockDomainSelftestTest {
  private static final long START = IommuSpec.MOCK_APERTURE_START;
  /** HUGEPAGE_SIZE of the selftest: the hugetlb buffer is two of them. */
  private static final long HUGEPAGE_SIZE = 2L << 20;

  private final CompatFixture f = new CompatFixture();
  private final IommufdContext ictx = f.container.ictx();
  private int ioasId;

  private void setUp(IommuType version) {
    ioasId = ictx.ioasAlloc();
    ictx.deviceAttach(ictx.deviceBind(1), ioasId);
    ictx.vfioIoasSet(ioasId);
    f.run(() -> f.container.setIommu(f.task, version));
  }

  @ParameterizedTest
  @EnumSource(IommuType.class)
  void simpleClose(IommuType version) {
    setUp(version);
    f.teardown();
  }

  @ParameterizedTest
  @EnumSource(IommuType.class)
  void optionHugePages(IommuType version) {
    setUp(version);
    long hugePages = ictx.option(f.task, IommuOption.get(IommuOption.HUGE_PAGES, ioasId));
    assertThat(hugePages).isEqualTo(version == IommuType.TYPE1 ? 0 : 1);
    f.teardown();
  }

  /**
   * The selftest asks with every {@code argsz} up to the chain size (its check of the chain
   * never runs: {@code cap_offset} is only set at the full size, which its loop stops short
   * of). Here every {@code argsz} from 0 to past the full size: below 16 EINVAL; otherwise the
   * caps returned lie inside the buffer, and at the full size the chain is valid.
   */
  @ParameterizedTest
  @EnumSource(IommuType.class)
  void getInfo(IommuType version) {
    setUp(version);
    IommuInfo preCap = f.op(() -> f.container.getInfo(f.task, 20));
    assertThat(preCap.iovaPgsizes()).as("mock 2 KiB folded into PAGE_SIZE").isEqualTo(P);
    assertThat(preCap.flags()).isEqualTo(IommuInfo.FLAG_PGSIZES | IommuInfo.FLAG_CAPS);
    IommuInfo sized = f.op(() -> f.container.getInfo(f.task, IommuInfo.STRUCT_SIZE));
    assertThat(sized.capOffset()).isZero();
    int full = sized.argsz();
    assertThat(full).isEqualTo(IommuInfo.STRUCT_SIZE + 16 + InfoCap.IovaRanges.size(1));
    for (int argsz = 0; argsz <= full + 8; argsz++) {
      int size = argsz;
      if (argsz < IommuInfo.MIN_ARGSZ) {
        f.failsUnchanged(Errno.EINVAL, () -> f.container.getInfo(f.task, size));
        continue;
      }
      IommuInfo info = f.op(() -> f.container.getInfo(f.task, size));
      assertThat(info.flags()).isEqualTo(IommuInfo.FLAG_PGSIZES | IommuInfo.FLAG_CAPS);
      assertThat(info.argsz()).as("the chain's size, whatever the buffer").isEqualTo(full);
      for (InfoCap cap : info.caps()) {
        assertThat(cap.offset() + capSize(cap)).as("cap at %d with argsz %d", cap.offset(), size)
            .isLessThanOrEqualTo(size);
        assertThat(cap.next()).as("next of the cap at %d", cap.offset())
            .isIn(0, cap.offset() + (int) U64.alignUp(capSize(cap), 8));
      }
      assertThat(info.capOffset()).isEqualTo(size >= full ? IommuInfo.STRUCT_SIZE : 0);
      if (info.capOffset() != 0) {
        checkCapChain(info);
      }
    }
    f.teardown();
  }

  /** {@code check_vfio_info_cap_chain}, with the DMA_AVAIL slot padded to 8 bytes. */
  private static void checkCapChain(IommuInfo info) {
    assertThat(info.caps()).hasSize(2);
    InfoCap.DmaAvail avail = (InfoCap.DmaAvail) info.caps().get(0);
    assertThat(avail.offset()).isEqualTo(info.capOffset());
    assertThat(avail.avail()).isEqualTo(0xFFFF_FFFFL);
    assertThat(avail.next() - avail.offset()).isEqualTo(U64.alignUp(InfoCap.DmaAvail.SIZE, 8));
    InfoCap.IovaRanges ranges = (InfoCap.IovaRanges) info.caps().get(1);
    assertThat(ranges.offset()).isEqualTo(avail.next());
    assertThat(ranges.next()).isZero();
    assertThat(ranges.ranges()).containsExactly(
        new IovaRange(START, IommuSpec.MOCK_APERTURE_LAST));
    assertThat(info.argsz()).isEqualTo(ranges.offset() + InfoCap.IovaRanges.size(1));
  }

  private static int capSize(InfoCap cap) {
    if (cap instanceof InfoCap.IovaRanges ranges) {
      return InfoCap.IovaRanges.size(ranges.ranges().size());
    }
    return InfoCap.DmaAvail.SIZE;
  }

  @ParameterizedTest
  @EnumSource(IommuType.class)
  void map(IommuType version) {
    setUp(version);
    DmaMapRequest map = DmaMapRequest.of(BUFFER, START, BUFFER_SIZE, true, true);
    DmaUnmapRequest unmap = DmaUnmapRequest.range(START, BUFFER_SIZE);
    f.run(() -> f.container.mapDma(f.task, map));
    assertThat(f.op(() -> f.container.unmapDma(f.task, unmap))).isEqualTo(BUFFER_SIZE);
    assertThat(f.op(() -> f.container.unmapDma(f.task, unmap))).as("unmap of empty").isZero();

    f.run(() -> f.container.mapDma(f.task, map));
    f.fails(Errno.EINVAL, OptionalLong.empty(), () -> f.container.unmapDma(f.task,
        new DmaUnmapRequest(DmaUnmapRequest.STRUCT_SIZE, DmaUnmapRequest.FLAG_ALL, START,
            BUFFER_SIZE)));
    assertThat(f.op(() -> f.container.unmapDma(f.task, DmaUnmapRequest.unmapAll())))
        .isEqualTo(BUFFER_SIZE);

    List<Long> pages = new ArrayList<>();
    for (int i = 0; i < BUFFER_SIZE / P; i++) {
      long iova = START + i * P;
      pages.add(iova);
      f.run(() -> f.container.mapDma(f.task, DmaMapRequest.of(BUFFER + (iova - START), iova, P,
          true, true)));
    }
    Collections.shuffle(pages, new Random(version.value()));
    for (long iova : pages) {
      assertThat(f.op(() -> f.container.unmapDma(f.task, DmaUnmapRequest.range(iova, P))))
          .isEqualTo(P);
    }
    f.teardown();
  }

  /** Type1 mode can cut up larger mappings, type1v2 always fails (ENOENT, nothing unmapped). */
  @ParameterizedTest
  @EnumSource(IommuType.class)
  void hugeMap(IommuType version) {
    setUp(version);
    long bufSize = 2 * HUGEPAGE_SIZE;
    assertThat(bufSize).isEqualTo(HUGE_SIZE);
    f.run(() -> f.container.mapDma(f.task, DmaMapRequest.of(HUGE, START, bufSize, true, true)));
    long size = bufSize / 16;
    List<Long> iovas = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      iovas.add(START + i * size);
    }
    Collections.shuffle(iovas, new Random(version.value()));
    for (long iova : iovas) {
      DmaUnmapRequest unmap = DmaUnmapRequest.range(iova, size);
      if (version == IommuType.TYPE1) {
        assertThat(f.op(() -> f.container.unmapDma(f.task, unmap))).isEqualTo(size);
      } else {
        f.fails(Errno.ENOENT, OptionalLong.of(0), () -> f.container.unmapDma(f.task, unmap));
      }
    }
    assertThat(ictx.ioas(ioasId).iopt().areaCount()).isEqualTo(version == IommuType.TYPE1
        ? 0 : 1);
    f.teardown();
  }
}
