package io.vfiomigrate.iommufd.device;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_PAGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.MockDomain;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code iommufd_mock_domain} fixture of the kernel selftest (spec D.2): basic,
 * all_aligns, all_aligns_copy, user_copy. The second domain of the {@code TWO_*} variants
 * and the domain added in all_aligns_copy sit behind a second, incompatible mock IOMMU so
 * that they really are separate domains filled from the first.
 */
class MockDomainSelftestTest {
  enum Variant {
    ONE_DOMAIN(1, false),
    TWO_DOMAINS(2, false),
    ONE_DOMAIN_HUGEPAGE(1, true),
    TWO_DOMAINS_HUGEPAGE(2, true);

    final int mockDomains;
    final boolean hugepages;

    Variant(int mockDomains, boolean hugepages) {
      this.mockDomains = mockDomains;
      this.hugepages = hugepages;
    }
  }

  private static final class Setup implements AutoCloseable {
    final IommufdFixture f = new IommufdFixture();
    final int ioasId = f.ioasAlloc();
    final List<Integer> hwptIds = new ArrayList<>();
    final long buf;
    final long bufSize;

    Setup(Variant v) {
      hwptIds.add(f.mockDomain(ioasId).hwptId());
      if (v.mockDomains == 2) {
        hwptIds.add(f.mockDomainB(ioasId).hwptId());
      }
      buf = v.hugepages ? HUGE : BIG;
      bufSize = v.hugepages ? 2 * (2L << 20) : 8 * P;
    }

    /** {@code check_mock_iova} in every domain of the fixture. */
    void checkMockIova(long uptr, long iova, long length) {
      for (int hwptId : hwptIds) {
        f.assertMockIova(f.domain(hwptId), uptr, iova, length);
      }
    }

    @Override
    public void close() {
      f.teardown();
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void basic(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long iova = f.map(s.ioasId, BUFFER, P);
      s.checkMockIova(BUFFER, iova, P);
      // The selftest munmaps the second half, then the first half, of a fresh buffer.
      long regionEnd = v.hugepages ? HUGE + HUGE_SIZE : BIG + BIG_SIZE;
      long halfMapped = regionEnd - s.bufSize / 2;
      f.failsUnchanged(Errno.EFAULT, () -> f.ctx.ioasMap(f.task,
          IoasMapRequest.anywhere(s.ioasId, halfMapped, s.bufSize)));
      long unmapped = regionEnd;
      f.failsUnchanged(Errno.EFAULT, () -> f.ctx.ioasMap(f.task,
          IoasMapRequest.anywhere(s.ioasId, unmapped, s.bufSize)));
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void allAligns(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long testStep = v.hugepages ? s.bufSize / 16 : MOCK_PAGE_SIZE;
      f.assertRefs(s.buf, s.bufSize, 0);
      for (long start = 0; start < s.bufSize; start += testStep) {
        long end = v.hugepages ? s.bufSize : start + MOCK_PAGE_SIZE;
        for (; end < s.bufSize; end += MOCK_PAGE_SIZE) {
          long length = end - start;
          long iova = f.map(s.ioasId, s.buf + start, length);
          s.checkMockIova(s.buf + start, iova, length);
          f.assertRefs(s.buf + start / P * P, end / P * P - start / P * P, 1);
          f.unmap(s.ioasId, iova, length);
        }
      }
      f.assertRefs(s.buf, s.bufSize, 0);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void allAlignsCopy(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long testStep = v.hugepages ? s.bufSize / 16 : MOCK_PAGE_SIZE;
      for (long start = 0; start < s.bufSize; start += testStep) {
        long end = v.hugepages ? s.bufSize : start + MOCK_PAGE_SIZE;
        for (; end < s.bufSize; end += MOCK_PAGE_SIZE) {
          long length = end - start;
          long iova = f.map(s.ioasId, s.buf + start, length);
          MockDomain added = f.mockDomainB(s.ioasId);
          IommuDomain domain = f.domain(added.hwptId());
          s.checkMockIova(s.buf + start, iova, length);
          f.assertMockIova(domain, s.buf + start, iova, length);
          f.assertRefs(s.buf + start / P * P, end / P * P - start / P * P, 1);
          f.destroyMockDomain(added);
          f.unmap(s.ioasId, iova, length);
        }
      }
      f.assertRefs(s.buf, s.bufSize, 0);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void userCopy(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      int ioasId = f.ioasAlloc();
      long srcIova = f.map(ioasId, BUFFER, BUFFER_SIZE);
      SelftestAccess access = f.access(true);
      f.run(() -> access.access().attach(ioasId));
      int pin = access.pin(srcIova, BUFFER_SIZE, false);
      int flags = IoasMapRequest.FIXED_IOVA | IoasMapRequest.WRITEABLE;
      f.copy(new IoasCopyRequest(s.ioasId, ioasId, flags, srcIova, MOCK_APERTURE_START,
          BUFFER_SIZE));
      s.checkMockIova(BUFFER, MOCK_APERTURE_START, BUFFER_SIZE);
      f.assertRefs(BUFFER, BUFFER_SIZE, 1);

      int newIoasId = f.ioasAlloc();
      long newSrcIova = f.map(newIoasId, BUFFER, BUFFER_SIZE);
      f.run(() -> access.access().replace(newIoasId));
      assertThat(access.held()).as("replace unpinned the old IOAS").isZero();
      assertThat(access.unpin(pin)).isFalse();
      f.unmap(s.ioasId, MOCK_APERTURE_START, BUFFER_SIZE);
      f.run(() -> f.ctx.destroy(ioasId));

      int pin2 = access.pin(newSrcIova, BUFFER_SIZE, false);
      f.copy(new IoasCopyRequest(s.ioasId, newIoasId, flags, newSrcIova, MOCK_APERTURE_START,
          BUFFER_SIZE));
      s.checkMockIova(BUFFER, MOCK_APERTURE_START, BUFFER_SIZE);
      f.assertRefs(BUFFER, BUFFER_SIZE, 1);
      access.unpin(pin2);
      f.run(() -> access.access().destroy());
      f.run(() -> f.ctx.destroy(newIoasId));
    }
  }
}
