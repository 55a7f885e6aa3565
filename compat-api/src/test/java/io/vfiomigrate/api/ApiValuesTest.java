package io.vfiomigrate.api;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiValuesTest {
  @Test
  void errnoNamesAndNumbers() {
    assertThat(Errno.EINVAL.number()).isEqualTo(22);
    assertThat(Errno.fromName("EDEADLK")).contains(Errno.EDEADLOCK);
    assertThat(Errno.fromName("ENOTSUP")).contains(Errno.EOPNOTSUPP);
    assertThat(Errno.fromName("enomem")).contains(Errno.ENOMEM);
    assertThat(Errno.fromName("EWHAT")).isEmpty();
    assertThat(Errno.fromNumber(-35)).contains(Errno.EDEADLOCK);
  }

  @Test
  void iovaRangesAreInclusiveAndUnsigned() {
    IovaRange top = IovaRange.ofLength(-4096L, 4096);
    assertThat(top.last()).isEqualTo(U64.MAX);
    assertThat(top.contains(-1L)).isTrue();
    assertThat(top.intersects(new IovaRange(0, 10))).isFalse();
    assertErrno(Errno.EOVERFLOW, () -> IovaRange.ofLength(-4096L, 4097));
    assertErrno(Errno.EINVAL, () -> IovaRange.ofLength(0, 0));
    assertThat(IovaRange.ALL.length()).isZero();
  }

  @Test
  void u64Helpers() {
    assertThat(U64.lessThan(1, -1L)).isTrue();
    assertThat(U64.addOverflows(-1L, 1)).isTrue();
    assertThat(U64.lastOverflows(-4096L, 4096)).isFalse();
    assertThat(U64.lastOverflows(-4096L, 4097)).isTrue();
    assertThat(U64.lastOverflows(5, 0)).isTrue();
    assertThat(U64.alignUp(4097, 4096)).isEqualTo(8192);
    assertThat(U64.hex(-1L)).isEqualTo("0xffffffffffffffff");
  }

  @Test
  void kernelExceptionCarriesAPartialResult() {
    KernelException e = KernelException.of(Errno.ENOENT, "area %d", 3).withPartialResult(8192);
    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
    assertThat(e.getMessage()).isEqualTo("ENOENT: area 3");
    assertThat(e.detail()).isEqualTo("area 3");
    assertThat(e.partialResult()).hasValue(8192);
  }

  @Test
  void protAllows() {
    assertThat(Prot.READ_WRITE.allows(Prot.WRITE)).isTrue();
    assertThat(Prot.READ.allows(Prot.WRITE)).isFalse();
    assertThat(Prot.READ.allows(Prot.NONE)).isTrue();
  }

  @Test
  void pinnedPagesIndexesAcrossRuns() {
    PinnedPages pages = new PinnedPages(java.util.List.of(
        new PinnedPages.PfnRange(100, 2), new PinnedPages.PfnRange(500, 3)));
    assertThat(pages.npages()).isEqualTo(5);
    assertThat(pages.pfn(1)).isEqualTo(101);
    assertThat(pages.pfn(2)).isEqualTo(500);
  }
}
