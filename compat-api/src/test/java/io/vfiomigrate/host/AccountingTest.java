package io.vfiomigrate.host;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountingTest {
  private static final long P = 4096;

  private static Host host() {
    return new Host(HostConfig.builder()
        .task(TaskSpec.of(100, 1000, 10 * P))
        .task(TaskSpec.of(101, 1000, 10 * P).withCapIpcLock(true))
        .task(TaskSpec.of(102, 1000, 10 * P + 4095))
        .task(TaskSpec.of(103, 2000, 0).withUnlimitedMemlock())
        .build());
  }

  @Test
  void lockedVmChargesUpToTheExactLimit() {
    Host host = host();
    Task t = host.task(100);
    t.mm().accountLockedVm(10, true, t, false);
    assertThat(t.mm().lockedVm()).isEqualTo(10);
    assertErrno(Errno.ENOMEM, () -> t.mm().accountLockedVm(1, true, t, false));
    assertThat(t.mm().lockedVm()).isEqualTo(10);
    t.mm().accountLockedVm(4, false, t, false);
    assertThat(t.mm().lockedVm()).isEqualTo(6);
  }

  @Test
  void limitIsRoundedDownToPages() {
    Host host = host();
    Task t = host.task(102);
    assertThat(t.memlockLimitPages()).isEqualTo(10);
    assertErrno(Errno.ENOMEM, () -> t.mm().accountLockedVm(11, true, t, false));
  }

  @Test
  void capIpcLockSkipsTheCheckButStillCounts() {
    Host host = host();
    Task t = host.task(101);
    t.mm().accountLockedVm(256, true, t, t.capIpcLock());
    assertThat(t.mm().lockedVm()).isEqualTo(256);
    assertThat(host.snapshot().task(101).lockedVmPages()).isEqualTo(256);
  }

  @Test
  void theLimitOfTheNamedTaskIsChecked() {
    Host host = host();
    Task owner = host.task(100);
    Task unlimited = host.task(103);
    owner.mm().accountLockedVm(50, true, unlimited, false);
    assertThat(owner.mm().lockedVm()).isEqualTo(50);
  }

  @Test
  void decreasingBelowZeroWarns() {
    Host host = host();
    Task t = host.task(100);
    t.mm().accountLockedVm(1, false, t, false);
    assertThat(t.mm().lockedVm()).isEqualTo(-1);
    assertThat(host.log().warnings()).extracting(KernelWarning::function)
        .containsExactly("__account_locked_vm");
  }

  @Test
  void userLockedVmIsSharedAndCheckedAgainstTheGivenLimit() {
    Host host = host();
    UserStruct user = host.task(100).user();
    assertThat(host.task(101).user()).isSameAs(user);
    user.incrLockedVm(6, 10);
    user.incrLockedVm(4, 10);
    assertErrno(Errno.ENOMEM, () -> user.incrLockedVm(1, 10));
    assertThat(user.lockedVm()).isEqualTo(10);
    user.decrLockedVm(10);
    assertThat(user.lockedVm()).isZero();
    assertThat(host.log().count()).isZero();
    user.decrLockedVm(1);
    assertThat(host.log().warnings()).extracting(KernelWarning::function)
        .containsExactly("decr_user_locked_vm");
  }

  @Test
  void pinnedVmMovesFreely() {
    Host host = host();
    Mm mm = host.task(100).mm();
    mm.addPinnedVm(1_000_000);
    mm.addPinnedVm(-999_999);
    assertThat(mm.pinnedVm()).isEqualTo(1);
  }

  @Test
  void snapshotListsEveryTaskAndUserWithZeros() {
    Host host = host();
    host.task(103).user().incrLockedVm(7, Long.MAX_VALUE);
    host.task(101).mm().addPinnedVm(3);
    AccountingSnapshot s = host.snapshot();
    assertThat(s).isEqualTo(new AccountingSnapshot(
        List.of(
            new TaskAccounting(100, 0, 0),
            new TaskAccounting(101, 0, 3),
            new TaskAccounting(102, 0, 0),
            new TaskAccounting(103, 0, 0)),
        List.of(new UserAccounting(1000, 0), new UserAccounting(2000, 7)),
        0,
        0));
  }

  @Test
  void chargesAreFaultPoints() {
    Host host = host();
    Task t = host.task(100);
    host.faults().arm(FaultPoint.CHARGE, 2);
    t.mm().accountLockedVm(1, true, t, false);
    assertErrno(Errno.ENOMEM, () -> t.user().incrLockedVm(1, 10));
    assertThat(host.faults().firedSite()).contains("incr_user_locked_vm");
    t.user().incrLockedVm(1, 10);
    assertThat(t.user().lockedVm()).isEqualTo(1);
    t.mm().accountLockedVm(1, false, t, false);
  }
}
