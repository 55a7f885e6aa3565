package io.vfiomigrate.iommufd.iopt;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The io_pagetable and pages layers directly, without objects. */
class IoPagetableTest {
  private static final long P = 4096;
  private static final long BUF = 0x40000000L;

  private final Host host = new Host(HostConfig.builder()
      .task(TaskSpec.of(100, 1000, 1L << 30))
      .region(RegionSpec.of(100, BUF, 64 * P, Backing.ANON))
      .region(RegionSpec.of(100, 0x80000000L, 8L << 20, Backing.HUGETLB_2M))
      .build());
  private final IoptEnv env = new IoptEnv(host);
  private final Task task = host.task(100);
  private final IoPagetable iopt = new IoPagetable(env);

  private void check() {
    iopt.checkInvariants();
    Set<IoptPages> pages = Collections.newSetFromMap(new IdentityHashMap<>());
    iopt.collectPages(pages);
    pages.forEach(IoptPages::checkInvariants);
  }

  @Test
  void mapWithoutDomainIsLazyAndDomainAddPinsAndCharges() {
    long iova = iopt.mapUserPages(task, AccountMode.USER, 0x100000, BUF, 16 * P,
        Prot.READ_WRITE, false);
    assertThat(iova).isEqualTo(0x100000);
    assertThat(host.memory().pinnedPages()).isZero();
    check();
    IommuDomain domain = host.allocDomain(IommuSpec.defaults());
    iopt.tableAddDomain(domain);
    check();
    assertThat(host.memory().pinnedPages()).isEqualTo(16);
    assertThat(task.user().lockedVm()).isEqualTo(16);
    assertThat(task.mm().pinnedVm()).isEqualTo(16);
    assertThat(domain.mappedBytes()).isEqualTo(16 * P);
    assertThat(domain.iovaToPhys(0x100000 + 5 * P))
        .hasValue(host.memory().pfnAt(task.mm(), BUF + 5 * P) * P);
    assertThat(iopt.unmapIova(0x100000, 16 * P)).isEqualTo(16 * P);
    check();
    assertThat(host.memory().pinnedPages()).isZero();
    assertThat(task.user().lockedVm()).isZero();
    assertThat(task.mm().pinnedVm()).isZero();
    iopt.tableRemoveDomain(domain);
    check();
  }

  @Test
  void accessPinSharesPagesWithDomainsAndUnfillKeepsThem() {
    long iova = iopt.mapUserPages(task, AccountMode.USER, 0x100000, BUF, 16 * P,
        Prot.READ_WRITE, false);
    iopt.addAccess(access(P));
    PinnedPages pinned = AccessPages.pinPages(env, iopt, iova + 2 * P, 4 * P, true);
    check();
    assertThat(pinned.npages()).isEqualTo(4);
    assertThat(host.memory().pinnedPages()).isEqualTo(4);
    IommuDomain domain = host.allocDomain(IommuSpec.defaults());
    iopt.tableAddDomain(domain);
    check();
    assertThat(host.memory().pinnedPages()).isEqualTo(16);
    assertThat(host.memory().pinRefs()).isEqualTo(16);
    assertThat(task.user().lockedVm()).isEqualTo(16);
    iopt.tableRemoveDomain(domain);
    check();
    assertThat(host.memory().pinnedPages()).isEqualTo(4);
    assertThat(task.user().lockedVm()).isEqualTo(4);
    assertThat(AccessPages.unpinPages(env, iopt, iova + 2 * P, 4 * P)).isTrue();
    check();
    assertThat(host.memory().pinnedPages()).isZero();
    assertThat(task.user().lockedVm()).isZero();
  }

  @Test
  void shrunkBatchesExerciseTheCarry() {
    env.setTempMemoryLimit(IoptEnv.MOCK_DOMAIN_LIMIT);
    IommuDomain domain = host.allocDomain(IommuSpec.mock());
    iopt.tableAddDomain(domain);
    long base = IommuSpec.MOCK_APERTURE_START;
    long iova = iopt.mapUserPages(task, AccountMode.USER, base, 0x80000000L, 4L << 20,
        Prot.READ_WRITE, false);
    iopt.addAccess(access(P));
    AccessPages.pinPages(env, iopt, iova + (2L << 20) - P, 2 * P, false);
    check();
    assertThat(host.memory().pinnedPages()).isEqualTo(1024);
    iopt.tableRemoveDomain(domain);
    check();
    assertThat(host.memory().pinnedPages()).isEqualTo(2);
    assertThat(task.user().lockedVm()).isEqualTo(2);
    AccessPages.unpinPages(env, iopt, iova + (2L << 20) - P, 2 * P);
    check();
    assertThat(host.memory().pinnedPages()).isZero();
  }

  @Test
  void chargeOverTheLimitUndoesEverything() {
    Host small = new Host(HostConfig.builder().task(TaskSpec.of(1, 1, 8 * P))
        .region(RegionSpec.of(1, BUF, 64 * P, Backing.ANON)).build());
    IoptEnv smallEnv = new IoptEnv(small);
    IoPagetable table = new IoPagetable(smallEnv);
    IommuDomain domain = small.allocDomain(IommuSpec.defaults());
    table.tableAddDomain(domain);
    assertErrno(Errno.ENOMEM, () -> table.mapUserPages(small.task(1), AccountMode.USER, 0, BUF,
        16 * P, Prot.READ, false));
    assertThat(small.memory().pinnedPages()).isZero();
    assertThat(domain.mappedBytes()).isZero();
    assertThat(table.isEmpty()).isTrue();
    table.checkInvariants();
  }

  @Test
  void unmapReportsBytesUnmappedBeforeAFailure() {
    iopt.mapUserPages(task, AccountMode.USER, 0x100000, BUF, 4 * P, Prot.READ, false);
    iopt.mapUserPages(task, AccountMode.USER, 0x200000, BUF, 4 * P, Prot.READ, false);
    assertErrno(Errno.ENOENT, () -> iopt.unmapIova(0x100000, 0x100000 + 2 * P));
    try {
      iopt.unmapIova(0x200000, 2 * P);
    } catch (KernelException e) {
      assertThat(e.partialResult()).hasValue(0);
    }
    assertThat(iopt.areaCount()).isEqualTo(1);
  }

  private static IoasAccess access(long alignment) {
    return new IoasAccess() {
      @Override
      public long iovaAlignment() {
        return alignment;
      }

      @Override
      public void notifyUnmap(long iova, long length) {}
    };
  }
}
