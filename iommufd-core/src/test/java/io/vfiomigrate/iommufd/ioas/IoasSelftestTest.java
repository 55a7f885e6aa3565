package io.vfiomigrate.iommufd.ioas;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_PAGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.iopt.IoptEnv;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.MockDomain;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code iommufd_ioas} fixture of {@code tools/testing/selftests/iommu/iommufd.c} (spec
 * D.2), on the mock domain (2 KiB pages, aperture 16 MiB to 2 GiB - 1), asserting the same
 * outcomes. Variant {@code TWO_MOCK_DOMAIN} uses a second, incompatible mock IOMMU so that
 * two domains really exist (the kernel's mock devices would share one automatic domain).
 * Every test ends with the selftest teardown: closing the fd leaves no pin.
 */
class IoasSelftestTest {
  enum Variant {
    NO_DOMAIN(0, 0),
    MOCK_DOMAIN(1, 0),
    TWO_MOCK_DOMAIN(2, 0),
    MOCK_DOMAIN_LIMIT(1, IoptEnv.MOCK_DOMAIN_LIMIT);

    final int mockDomains;
    final long memoryLimit;

    Variant(int mockDomains, long memoryLimit) {
      this.mockDomains = mockDomains;
      this.memoryLimit = memoryLimit;
    }
  }

  /**
   * FIXTURE(iommufd_ioas): an fd, an IOAS and the variant's mock domains; {@code stdev} is the
   * first one.
   */
  private static final class Setup implements AutoCloseable {
    final IommufdFixture f = new IommufdFixture();
    final Variant variant;
    final int ioasId;
    MockDomain stdev;
    long baseIova;

    Setup(Variant variant) {
      this.variant = variant;
      ioasId = f.ioasAlloc();
      if (variant.memoryLimit != 0) {
        f.ctx.testSetTempMemoryLimit(variant.memoryLimit);
      }
      if (variant.mockDomains > 0) {
        stdev = f.mockDomain(ioasId);
        baseIova = MOCK_APERTURE_START;
      }
      if (variant.mockDomains > 1) {
        f.mockDomainB(ioasId);
      }
    }

    boolean hasDomain() {
      return stdev != null;
    }

    @Override
    public void close() {
      f.teardown();
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ioasDestroy(Variant v) {
    try (Setup s = new Setup(v)) {
      if (s.hasDomain()) {
        s.f.fails(Errno.EBUSY, () -> s.f.ctx.destroy(s.ioasId));
      } else {
        s.f.run(() -> s.f.ctx.destroy(s.ioasId));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void hwptAttach(Variant v) {
    try (Setup s = new Setup(v)) {
      if (s.hasDomain()) {
        s.f.mockDomain(s.stdev.hwptId());
      } else {
        s.f.fails(Errno.ENOENT, () -> s.f.mockDomain(0));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ioasAreaDestroy(Variant v) {
    try (Setup s = new Setup(v)) {
      s.f.mapFixed(s.ioasId, BUFFER, P, s.baseIova);
      if (s.hasDomain()) {
        s.f.fails(Errno.EBUSY, () -> s.f.ctx.destroy(s.ioasId));
      } else {
        s.f.run(() -> s.f.ctx.destroy(s.ioasId));
      }
      for (int i = 0; s.hasDomain() && i < 10; i++) {
        s.f.mapFixed(s.ioasId, BUFFER, P, s.baseIova + (i + 1) * P);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void area(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long base = s.baseIova;
      for (int i = 0; i < 10; i++) {
        long iova = i * P;
        f.failsUnchanged(Errno.ENOENT, () -> f.ctx.ioasUnmap(s.ioasId, iova, P));
      }
      for (int i = 0; i < 10; i++) {
        f.mapFixed(s.ioasId, BUFFER, P, base + i * P);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(f.unmap(s.ioasId, base + i * P, P)).isEqualTo(P);
      }
      f.mapFixed(s.ioasId, BUFFER, 2 * P, base + 16 * P);
      f.failsUnchanged(Errno.ENOENT, () -> f.ctx.ioasUnmap(s.ioasId, base + 16 * P, P));
      f.failsUnchanged(Errno.ENOENT, () -> f.ctx.ioasUnmap(s.ioasId, base + 17 * P, P));
      long[][] overMaps = {{2, 16}, {1, 16}, {1, 17}, {2, 15}, {3, 15}};
      for (long[] m : overMaps) {
        f.failsUnchanged(Errno.EEXIST, () -> f.ctx.ioasMap(f.task,
            IoasMapRequest.fixed(s.ioasId, BUFFER, m[0] * P, base + m[1] * P)));
      }
      assertThat(f.unmap(s.ioasId, 0, U64.MAX)).isEqualTo(2 * P);
      assertThat(f.unmap(s.ioasId, 0, U64.MAX)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void unmapFullyContainedAreas(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long base = s.baseIova + 4 * P;
      for (int i = 0; i < 4; i++) {
        f.mapFixed(s.ioasId, BUFFER, 8 * P, base + i * 16 * P);
      }
      f.failsUnchanged(Errno.ENOENT, () -> f.ctx.ioasUnmap(s.ioasId, base - 4 * P, 8 * P));
      f.failsUnchanged(Errno.ENOENT,
          () -> f.ctx.ioasUnmap(s.ioasId, base + 3 * 16 * P + 8 * P - 4 * P, 8 * P));
      assertThat(f.unmap(s.ioasId, base - 4 * P, 3 * 16 * P + 8 * P + 4 * P))
          .isEqualTo(32 * P);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void areaAutoIova(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long[] iovas = new long[10];
      for (int i = 0; i < 10; i++) {
        iovas[i] = f.map(s.ioasId, BUFFER, P);
      }
      for (int i = 0; i < 10; i++) {
        f.unmap(s.ioasId, iovas[i], P);
      }
      for (int i = 0; i < 10; i++) {
        long length = P * (i + 1);
        iovas[i] = f.map(s.ioasId, s.hasDomain() ? BUFFER : 1L << 31, length);
        assertThat(iovas[i] % Long.lowestOneBit(length)).isZero();
      }
      for (int i = 0; i < 10; i++) {
        f.unmap(s.ioasId, iovas[i], P * (i + 1));
      }
      long reservedStart = 4 * P;
      long reservedLength = 100 * P;
      f.run(() -> f.ctx.testAddReserved(s.ioasId, reservedStart, reservedLength));
      for (int i = 0; i < 10; i++) {
        long length = P * (i + 1);
        iovas[i] = f.map(s.ioasId, BUFFER, length);
        assertThat(iovas[i] % Long.lowestOneBit(length)).isZero();
        assertThat(iovas[i] > reservedStart && iovas[i] < reservedStart + reservedLength)
            .isFalse();
      }
      for (int i = 0; i < 10; i++) {
        f.unmap(s.ioasId, iovas[i], P * (i + 1));
      }
      f.failsUnchanged(Errno.EADDRINUSE,
          () -> f.ctx.ioasAllowIovas(s.ioasId, List.of(new IovaRange(P, 600 * P))));
      IovaRange allowed = s.hasDomain()
          ? new IovaRange(MOCK_APERTURE_START + P, MOCK_APERTURE_START + 600 * P - 1)
          : new IovaRange(200 * P, 600 * P - 1);
      f.run(() -> f.ctx.ioasAllowIovas(s.ioasId, List.of(allowed)));
      for (int i = 0; i < 10; i++) {
        long length = P * (i + 1);
        iovas[i] = f.map(s.ioasId, BUFFER, length);
        assertThat(iovas[i] % Long.lowestOneBit(length)).isZero();
        assertThat(allowed.contains(new IovaRange(iovas[i], iovas[i] + length - 1))).isTrue();
      }
      for (int i = 0; i < 10; i++) {
        f.unmap(s.ioasId, iovas[i], P * (i + 1));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void areaAllowed(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      IovaRange allowed = new IovaRange(s.baseIova, s.baseIova + 600 * P);
      f.run(() -> f.ctx.ioasAllowIovas(s.ioasId, List.of(allowed)));
      f.failsUnchanged(Errno.EADDRINUSE,
          () -> f.ctx.testAddReserved(s.ioasId, allowed.first() + P, P));
      f.run(() -> f.ctx.ioasAllowIovas(s.ioasId, List.of()));
      f.run(() -> f.ctx.testAddReserved(s.ioasId, allowed.first() + P, P));
      f.failsUnchanged(Errno.EADDRINUSE,
          () -> f.ctx.ioasAllowIovas(s.ioasId, List.of(allowed)));
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void copyArea(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      int flags = IoasMapRequest.FIXED_IOVA | IoasMapRequest.WRITEABLE;
      f.mapFixed(s.ioasId, BUFFER, P, s.baseIova);
      f.copy(new IoasCopyRequest(s.ioasId, s.ioasId, flags, s.baseIova, s.baseIova + P, P));
      int dst = f.ioasAlloc();
      f.copy(new IoasCopyRequest(dst, s.ioasId, flags, s.baseIova, 0, P));
      assertThat(f.pins(BUFFER)).isEqualTo(s.hasDomain() ? 1 : 0);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void iovaRanges(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      IovaRanges ranges = f.ctx.ioasIovaRanges(s.ioasId, 512);
      if (!s.hasDomain()) {
        assertThat(ranges).isEqualTo(new IovaRanges(List.of(IovaRange.ALL), 1));
      } else {
        assertThat(ranges).isEqualTo(new IovaRanges(List.of(new IovaRange(MOCK_APERTURE_START,
            IommuSpec.MOCK_APERTURE_LAST)), MOCK_PAGE_SIZE));
      }
      KernelException tooSmall = expectEmsgsize(f, s.ioasId, 0);
      assertThat(tooSmall.partialResult()).hasValue(1);
      f.run(() -> f.ctx.testAddReserved(s.ioasId, P, P));
      ranges = f.ctx.ioasIovaRanges(s.ioasId, 512);
      if (!s.hasDomain()) {
        assertThat(ranges.ranges()).containsExactly(new IovaRange(0, P - 1),
            new IovaRange(2 * P, U64.MAX));
        assertThat(expectEmsgsize(f, s.ioasId, 1).partialResult()).hasValue(2);
      } else {
        assertThat(ranges.ranges()).containsExactly(
            new IovaRange(MOCK_APERTURE_START, IommuSpec.MOCK_APERTURE_LAST));
        assertThat(f.ctx.ioasIovaRanges(s.ioasId, 1).ranges()).hasSize(1);
      }
    }
  }

  private static KernelException expectEmsgsize(IommufdFixture f, int ioasId, int room) {
    try {
      f.ctx.ioasIovaRanges(ioasId, room);
    } catch (KernelException e) {
      assertThat(e.errno()).isEqualTo(Errno.EMSGSIZE);
      return e;
    }
    throw new AssertionError("IOVA_RANGES with room for " + room + " succeeded");
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void accessDomainDestroy(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      long bufSize = 2 * (2L << 20);
      f.mapFixed(s.ioasId, HUGE, bufSize, s.baseIova);
      SelftestAccess access = f.access(true);
      f.run(() -> access.access().attach(s.ioasId));
      int pin = access.pin(s.baseIova + P, P, false);
      if (s.hasDomain()) {
        f.destroyMockDomain(s.stdev);
        if (v.mockDomains == 1) {
          assertThat(f.host.memory().pinnedPages()).as("only the access's page").isEqualTo(1);
        }
      }
      assertThat(access.unpin(pin)).isTrue();
      f.run(() -> access.access().destroy());
      assertThat(f.pins(HUGE + P)).isEqualTo(s.variant == Variant.TWO_MOCK_DOMAIN ? 1 : 0);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void accessPin(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      SelftestAccess access = f.access(true);
      f.run(() -> access.access().attach(s.ioasId));
      for (int npages = 1; npages < BUFFER_SIZE / P; npages++) {
        long length = npages * P;
        f.mapFixed(s.ioasId, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
        access.unpin(access.pin(MOCK_APERTURE_START, length, false));

        int first = access.pin(MOCK_APERTURE_START, length, false);
        int second = access.pin(MOCK_APERTURE_START, length, false);
        f.assertRefs(BUFFER, length, 1);
        access.unpin(second);
        access.unpin(first);

        int pin = access.pin(MOCK_APERTURE_START, length, false);
        MockDomain mock = f.mockDomain(s.ioasId);
        f.assertMockIova(f.domain(mock.hwptId()), BUFFER, MOCK_APERTURE_START, BUFFER_SIZE);
        f.assertRefs(BUFFER, BUFFER_SIZE, 1);
        f.destroyMockDomain(mock);
        access.unpin(pin);
        f.unmap(s.ioasId, MOCK_APERTURE_START, BUFFER_SIZE);
        f.assertRefs(BUFFER, BUFFER_SIZE, 0);
      }
      f.run(() -> access.access().destroy());
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void accessPinUnmap(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      SelftestAccess access = f.access(true);
      f.run(() -> access.access().attach(s.ioasId));
      f.mapFixed(s.ioasId, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
      int pin = access.pin(MOCK_APERTURE_START, BUFFER_SIZE, false);
      assertThat(f.unmap(s.ioasId, MOCK_APERTURE_START, BUFFER_SIZE)).isEqualTo(BUFFER_SIZE);
      assertThat(access.callbacks()).isEqualTo(1);
      assertThat(access.unpin(pin)).as("the kernel removed the pin for us").isFalse();
      f.assertRefs(BUFFER, BUFFER_SIZE, 0);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void accessRw(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      SelftestAccess access = f.access(false);
      f.run(() -> access.access().attach(s.ioasId));
      long iova = f.map(s.ioasId, BUFFER, BUFFER_SIZE);
      checkAccessRw(f, access, iova, 0);
      checkAccessRw(f, access, iova, AccessPages.RW_SLOW_PATH);
      f.unmap(s.ioasId, iova, BUFFER_SIZE);
      f.run(() -> access.access().destroy());
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void accessRwUnaligned(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      SelftestAccess access = f.access(false);
      f.run(() -> access.access().attach(s.ioasId));
      long iova = s.baseIova + MOCK_PAGE_SIZE;
      f.mapFixed(s.ioasId, BUFFER, BUFFER_SIZE, iova);
      checkAccessRw(f, access, iova, 0);
      f.unmap(s.ioasId, iova, BUFFER_SIZE);
      f.run(() -> access.access().destroy());
    }
  }

  /** {@code check_access_rw}: byte-granular reads and writes around a page boundary. */
  private static void checkAccessRw(IommufdFixture f, SelftestAccess access, long iova,
      int defFlags) {
    String before = f.state();
    for (long at = iova + P - 50; at < iova + P + 50; at++) {
      for (long length = 1; length < 64; length++) {
        access.access().rw(at, length, defFlags, f.task);
        access.access().rw(at, length, defFlags | AccessPages.RW_WRITE, f.task);
      }
    }
    access.access().rw(iova, BUFFER_SIZE, defFlags, f.task);
    f.check();
    assertThat(f.state()).as("rw leaves no pin and no charge").isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ioasOptionHugePages(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      assertThat(option(f, IommuOption.get(IommuOption.HUGE_PAGES, s.ioasId))).isEqualTo(1);
      option(f, IommuOption.set(IommuOption.HUGE_PAGES, s.ioasId, 0));
      assertThat(option(f, IommuOption.get(IommuOption.HUGE_PAGES, s.ioasId))).isZero();
      f.failsUnchanged(Errno.EINVAL,
          () -> f.ctx.option(f.task, IommuOption.set(IommuOption.HUGE_PAGES, s.ioasId, 2)));
      option(f, IommuOption.set(IommuOption.HUGE_PAGES, s.ioasId, 1));
    }
  }

  private static long option(IommufdFixture f, IommuOption option) {
    return f.op(() -> f.ctx.option(f.task, option));
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ioasIovaAlloc(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      for (long length = 1; length != 2 * P; length++) {
        long len = length;
        if (v.mockDomains > 0 && length % MOCK_PAGE_SIZE != 0) {
          f.failsUnchanged(Errno.EINVAL,
              () -> f.ctx.ioasMap(f.task, IoasMapRequest.anywhere(s.ioasId, BUFFER, len)));
        } else {
          long iova = f.map(s.ioasId, BUFFER, length);
          f.unmap(s.ioasId, iova, length);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ioasAlignChange(Variant v) {
    if (v.mockDomains > 0) {
      return;
    }
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      IommuOption disable = IommuOption.set(IommuOption.HUGE_PAGES, s.ioasId, 0);
      f.mapFixed(s.ioasId, BUFFER, P, MOCK_APERTURE_START);
      option(f, disable);
      f.failsUnchanged(Errno.EINVAL, () -> f.ctx.ioasMap(f.task, IoasMapRequest.fixed(
          s.ioasId, BUFFER + MOCK_PAGE_SIZE, P, MOCK_APERTURE_START + P)));
      option(f, disable);
      option(f, IommuOption.set(IommuOption.HUGE_PAGES, s.ioasId, 1));
      f.mapFixed(s.ioasId, BUFFER + MOCK_PAGE_SIZE, P, MOCK_APERTURE_START + P);
      f.failsUnchanged(Errno.EADDRINUSE, () -> f.ctx.option(f.task, disable));
      f.unmap(s.ioasId, MOCK_APERTURE_START + P, P);
      f.unmap(s.ioasId, MOCK_APERTURE_START, P);
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void copySweep(Variant v) {
    try (Setup s = new Setup(v)) {
      IommufdFixture f = s.f;
      int dst = f.ioasAlloc();
      long lastIova = MOCK_APERTURE_START + BUFFER_SIZE - (v.mockDomains > 0 ? 1 : 2);
      f.mapFixed(s.ioasId, BUFFER, lastIova - MOCK_APERTURE_START + 1, MOCK_APERTURE_START);
      int flags = IoasMapRequest.FIXED_IOVA | IoasMapRequest.WRITEABLE;
      for (long iova = MOCK_APERTURE_START - P; iova <= lastIova; iova += 511) {
        IoasCopyRequest copy = new IoasCopyRequest(dst, s.ioasId, flags, iova,
            MOCK_APERTURE_START, MOCK_PAGE_SIZE);
        if (iova < MOCK_APERTURE_START || iova + MOCK_PAGE_SIZE - 1 > lastIova) {
          f.failsUnchanged(Errno.ENOENT, () -> f.ctx.ioasCopy(copy));
        } else {
          f.copy(copy);
          f.unmap(dst, MOCK_APERTURE_START, MOCK_PAGE_SIZE);
        }
      }
      f.run(() -> f.ctx.destroy(dst));
    }
  }
}
