package io.vfiomigrate.cli.replay.iommufd;

import static io.vfiomigrate.cli.replay.iommufd.Ops.accessAttach;
import static io.vfiomigrate.cli.replay.iommufd.Ops.accessCreate;
import static io.vfiomigrate.cli.replay.iommufd.Ops.accessDestroy;
import static io.vfiomigrate.cli.replay.iommufd.Ops.accessDetach;
import static io.vfiomigrate.cli.replay.iommufd.Ops.alloc;
import static io.vfiomigrate.cli.replay.iommufd.Ops.as;
import static io.vfiomigrate.cli.replay.iommufd.Ops.attach;
import static io.vfiomigrate.cli.replay.iommufd.Ops.bind;
import static io.vfiomigrate.cli.replay.iommufd.Ops.close;
import static io.vfiomigrate.cli.replay.iommufd.Ops.copy;
import static io.vfiomigrate.cli.replay.iommufd.Ops.destroy;
import static io.vfiomigrate.cli.replay.iommufd.Ops.detach;
import static io.vfiomigrate.cli.replay.iommufd.Ops.event;
import static io.vfiomigrate.cli.replay.iommufd.Ops.map;
import static io.vfiomigrate.cli.replay.iommufd.Ops.onContext;
import static io.vfiomigrate.cli.replay.iommufd.Ops.open;
import static io.vfiomigrate.cli.replay.iommufd.Ops.option;
import static io.vfiomigrate.cli.replay.iommufd.Ops.pin;
import static io.vfiomigrate.cli.replay.iommufd.Ops.rw;
import static io.vfiomigrate.cli.replay.iommufd.Ops.unbind;
import static io.vfiomigrate.cli.replay.iommufd.Ops.unmap;
import static io.vfiomigrate.cli.replay.iommufd.Ops.unmapAll;
import static io.vfiomigrate.cli.replay.iommufd.Ops.unpin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.cli.replay.MalformedOpException;
import io.vfiomigrate.host.AccountingSnapshot;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.proto.AccountMode;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.OptionId;
import io.vfiomigrate.proto.OptionOp;
import io.vfiomigrate.proto.UnmapPolicy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every op of the native replayer on iommufd-core, with the kernel's errnos and every counter. pid
 * 100 (uid 1000, RLIMIT_MEMLOCK 64 pages, CAP_SYS_RESOURCE) owns 256 pages of RAM at {@link #RAM}
 * and 16 read-only pages at {@link #RO}; pid 200 (uid 1000, no CAP_SYS_RESOURCE) 256 pages at
 * {@link #RAM}. Counters read {@code VmLck/VmPin of pid 100, locked_vm of uid 1000, pinned
 * pages/pin references}.
 */
final class NativeSessionTest {
  private static final long RAM = 0x7f0000000000L;
  private static final long RO = 0x7f1000000000L;
  private static final long PAGE = 4096;
  private static final long IOVA = 0x100000;

  private final Host host =
      new Host(
          HostConfig.builder()
              .task(TaskSpec.of(100, 1000, 64 * PAGE))
              .task(new TaskSpec(200, 1000, 64 * PAGE, false, false, false))
              .region(RegionSpec.of(100, RAM, 256 * PAGE, Backing.ANON))
              .region(new RegionSpec(100, RO, 16 * PAGE, Backing.ANON, true))
              .region(RegionSpec.of(200, RAM, 256 * PAGE, Backing.ANON))
              .build());
  private final NativeSession session = new NativeIommufdReplayer().start(host);

  @AfterEach
  void theModelStaysConsistent() {
    session.checkInvariants();
  }

  @Test
  void mapsChargeTheUserAndVmPinAndUnmapsReturnTheBytes() {
    assertThat(run(open(), alloc(1), bind(2, 7), attach(2, 1), map(1, RAM, IOVA, 16)))
        .containsExactly("OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("0/16 16 16/16");

    assertThat(run(unmap(1, IOVA, 16 * PAGE), unmap(1, IOVA, 16 * PAGE), unmapAll(1)))
        .containsExactly("OK 65536", "ENOENT", "OK");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void withoutADomainAMapPinsNothingUntilADeviceAttaches() {
    assertThat(run(open(), alloc(1), map(1, RAM, IOVA, 16), bind(2, 7)))
        .containsExactly("OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("0/0 0 0/0");

    assertThat(run(attach(2, 1))).containsExactly("OK");
    assertThat(counters()).isEqualTo("0/16 16 16/16");

    assertThat(run(detach(2))).containsExactly("OK");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
    assertThat(run(unbind(2), bind(3, 7), attach(3, 1))).containsExactly("OK", "OK", "OK");
    assertThat(counters()).isEqualTo("0/16 16 16/16");
  }

  @Test
  void userAccountingRefusesAMapOverTheLimitWithoutResidue() {
    assertThat(run(open(), alloc(1), bind(2, 7), attach(2, 1), map(1, RAM, IOVA, 65)))
        .containsExactly("OK", "OK", "OK", "OK", "ENOMEM");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void mmAccountingChargesTheMappersVmLck() {
    assertThat(
            run(
                open(),
                option(OptionId.RLIMIT_MODE, OptionOp.OPTION_SET, 0, 1),
                alloc(1),
                bind(2, 7),
                attach(2, 1),
                map(1, RAM, IOVA, 16)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("16/16 0 16/16");
    assertThat(run(option(OptionId.RLIMIT_MODE, OptionOp.OPTION_SET, 0, 0)))
        .containsExactly("EBUSY");
  }

  @Test
  void openInMmModeSetsTheOptionAndTheVfioContainerIsMmByDefault() {
    assertThat(
            run(
                open(AccountMode.ACCOUNT_MM, false),
                alloc(1),
                bind(2, 7),
                attach(2, 1),
                map(1, RAM, IOVA, 16)))
        .containsExactly("OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("16/16 0 16/16");

    assertThat(
            run(
                onContext(2, open(AccountMode.ACCOUNT_MODE_UNSPECIFIED, true)),
                onContext(2, alloc(1)),
                onContext(2, bind(2, 8)),
                onContext(2, attach(2, 1)),
                onContext(2, map(1, RAM + 16 * PAGE, IOVA, 16))))
        .containsExactly("OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("32/32 0 32/32");
  }

  @Test
  void mmModeNeedsCapSysResourceAndAFailedOpenLeavesNothingOpen() {
    assertThat(run(as(200, open(AccountMode.ACCOUNT_MM, false)), as(200, alloc(1))))
        .containsExactly("EPERM", "EBADF");
  }

  @Test
  void unknownContextsAndObjectsFailAsTheKernelLooksThemUp() {
    assertThat(run(alloc(1), map(1, RAM, IOVA, 16), close()))
        .containsExactly("EBADF", "EBADF", "EBADF");
    assertThat(
            run(
                open(),
                map(9, RAM, IOVA, 16),
                map(9, RAM, IOVA, PAGE, false, false),
                unmap(9, IOVA, PAGE),
                destroy(9),
                attach(9, 1),
                detach(9),
                unbind(9),
                bind(2, 7),
                attach(2, 9),
                option(OptionId.HUGE_PAGES, OptionOp.OPTION_GET, 9, 0)))
        .containsExactly(
            "OK", "ENOENT", "EINVAL", "ENOENT", "ENOENT", "ENOENT", "ENOENT", "ENOENT", "OK",
            "ENOENT", "ENOENT");
  }

  @Test
  void aGroupsDeviceOpensOnceOnTheHost() {
    assertThat(
            run(
                open(),
                alloc(1),
                bind(2, 7),
                bind(3, 7),
                accessCreate(4, 7, UnmapPolicy.UNPIN),
                onContext(2, open()),
                onContext(2, bind(2, 7)),
                unbind(2),
                onContext(2, bind(2, 7))))
        .containsExactly("OK", "OK", "OK", "EINVAL", "EINVAL", "OK", "EINVAL", "OK", "OK");
  }

  @Test
  void aDeviceWhoseAttachFailsInTheEventThatBoundItIsClosedAgain() {
    assertThat(run(open(), alloc(1), map(1, RAM, IOVA, 65))).containsExactly("OK", "OK", "OK");

    assertThat(run(event(5, bind(2, 7)), event(5, attach(2, 1)))).containsExactly("OK", "ENOMEM");
    assertThat(run(event(6, attach(2, 1)), event(6, detach(2)), event(6, unbind(2))))
        .containsExactly("EINVAL", "OK", "OK");
    assertThat(run(event(7, bind(3, 7)), event(8, attach(3, 1)), event(9, bind(4, 7))))
        .containsExactly("OK", "ENOMEM", "EINVAL");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void anAccessWhoseAttachFailsInTheEventThatCreatedItIsClosedAgain() {
    assertThat(
            run(
                open(),
                alloc(1),
                event(5, accessCreate(2, 40, UnmapPolicy.UNPIN)),
                event(5, accessAttach(2, 9)),
                event(6, pin(2, IOVA, PAGE, false)),
                event(6, accessAttach(2, 1)),
                event(6, accessDestroy(2)),
                event(7, accessCreate(3, 40, UnmapPolicy.UNPIN))))
        .containsExactly("OK", "OK", "OK", "ENOENT", "EINVAL", "EINVAL", "OK", "OK");
  }

  @Test
  void destroyRemovesAnIoasNothingUses() {
    assertThat(
            run(
                open(),
                alloc(1),
                alloc(2),
                bind(3, 7),
                attach(3, 1),
                destroy(1),
                destroy(2),
                destroy(2)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "EBUSY", "OK", "ENOENT");
  }

  @Test
  void accessPinsChargeOncePerPageAndTheUnmapCallbackReleasesThem() {
    assertThat(
            run(
                open(),
                alloc(1),
                map(1, RAM, IOVA, 16),
                accessCreate(2, 40, UnmapPolicy.UNPIN),
                accessAttach(2, 1),
                pin(2, IOVA, 4 * PAGE, true),
                pin(2, IOVA, PAGE, false)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("0/4 4 4/4");

    assertThat(run(unpin(2, IOVA, PAGE))).containsExactly("OK");
    assertThat(counters()).isEqualTo("0/4 4 4/4");
    assertThat(run(unmap(1, IOVA, 16 * PAGE))).containsExactly("OK 65536");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void accessPinsOnADomainAreNotChargedAgain() {
    assertThat(
            run(
                open(),
                alloc(1),
                bind(2, 7),
                attach(2, 1),
                map(1, RAM, IOVA, 16),
                accessCreate(3, 40, UnmapPolicy.UNPIN),
                accessAttach(3, 1),
                pin(3, IOVA, 4 * PAGE, true)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("0/16 16 16/16");
  }

  @Test
  void accessPinsFailWithTheKernelsErrnos() {
    assertThat(
            run(
                open(),
                alloc(1),
                map(1, RAM, IOVA, 16),
                map(1, RO, IOVA + 16 * PAGE, 16 * PAGE, true, false),
                map(1, RAM + 16 * PAGE, IOVA + 64 * PAGE, 80),
                pin(2, IOVA, PAGE, false),
                accessCreate(2, 40, UnmapPolicy.UNPIN),
                pin(2, IOVA, PAGE, false),
                accessAttach(2, 1),
                pin(2, IOVA, 0, false),
                pin(2, IOVA, PAGE + 1, false),
                pin(2, IOVA + 1, PAGE, false),
                pin(2, IOVA + 16 * PAGE, PAGE, true),
                pin(2, IOVA + 32 * PAGE, PAGE, false),
                pin(2, IOVA + 31 * PAGE, 2 * PAGE, false),
                pin(2, IOVA + 64 * PAGE, 65 * PAGE, false)))
        .containsExactly(
            "OK", "OK", "OK", "OK", "OK", "EINVAL", "OK", "EINVAL", "OK", "EINVAL", "EINVAL",
            "EINVAL", "EPERM", "ENOENT", "ENOENT", "ENOMEM");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void unpinsNeverFail() {
    assertThat(
            run(
                open(),
                alloc(1),
                map(1, RAM, IOVA, 16),
                accessCreate(2, 40, UnmapPolicy.UNPIN),
                accessAttach(2, 1),
                pin(2, IOVA, 2 * PAGE, false),
                unpin(2, IOVA, PAGE),
                unpin(2, IOVA, 3),
                unpin(9, IOVA, PAGE),
                onContext(5, unpin(2, IOVA, PAGE))))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK");
    assertThat(counters()).isEqualTo("0/2 2 2/2");
    assertThat(host.log().warnings())
        .extracting(w -> w.function())
        .containsExactly("iommufd_access_unpin_pages", "vfio_unpin_pages");
  }

  @Test
  void accessOpsOnAnAccessThatDoesNotExistFailEinval() {
    assertThat(
            run(
                open(),
                alloc(1),
                accessAttach(2, 1),
                accessDetach(2),
                rw(2, IOVA, 8, false),
                accessDestroy(2),
                onContext(5, pin(2, IOVA, PAGE, false)),
                onContext(5, accessCreate(2, 40, UnmapPolicy.UNPIN))))
        .containsExactly("OK", "OK", "EINVAL", "EINVAL", "EINVAL", "EINVAL", "EINVAL", "EBADF");
  }

  @Test
  void anIgnoringDriverKeepsItsPinsSoTheUnmapDeadlocksAndCloseLeaksThem() {
    assertThat(
            run(
                open(),
                alloc(1),
                map(1, RAM, IOVA, 16),
                accessCreate(2, 40, UnmapPolicy.IGNORE),
                accessAttach(2, 1),
                pin(2, IOVA, 4 * PAGE, false),
                unmap(1, IOVA, 16 * PAGE)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "EDEADLOCK");
    assertThat(counters()).isEqualTo("0/4 4 4/4");

    assertThat(run(close())).containsExactly("OK");
    assertThat(counters()).isEqualTo("0/4 4 4/4");
  }

  @Test
  void detachAndDestroyTellTheDriverToUnpinEverything() {
    assertThat(
            run(
                open(),
                alloc(1),
                map(1, RAM, IOVA, 16),
                accessCreate(2, 40, UnmapPolicy.UNPIN),
                accessAttach(2, 1),
                pin(2, IOVA, 4 * PAGE, false),
                accessDetach(2),
                accessDetach(2),
                pin(2, IOVA, PAGE, false),
                accessAttach(2, 1),
                accessAttach(2, 1),
                pin(2, IOVA, PAGE, false)))
        .containsExactly(
            "OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "EINVAL", "OK", "EINVAL", "OK");
    assertThat(counters()).isEqualTo("0/1 1 1/1");

    assertThat(run(accessDestroy(2), accessCreate(3, 40, UnmapPolicy.UNPIN)))
        .containsExactly("OK", "OK");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void accessRwCopiesAsTheOpsTaskWithoutPinning() {
    assertThat(
            run(
                open(),
                alloc(1),
                map(1, RAM, IOVA, 16),
                map(1, RO, IOVA + 16 * PAGE, 16 * PAGE, true, false),
                accessCreate(2, 40, UnmapPolicy.UNPIN),
                rw(2, IOVA, 8, false),
                accessAttach(2, 1),
                rw(2, IOVA + 100, 2 * PAGE, true),
                rw(2, IOVA + 16 * PAGE, 8, false),
                rw(2, IOVA + 16 * PAGE, 8, true),
                rw(2, IOVA + 32 * PAGE, 8, false),
                rw(2, IOVA, 0, false)))
        .containsExactly(
            "OK", "OK", "OK", "OK", "OK", "EINVAL", "OK", "OK", "OK", "EPERM", "ENOENT", "EINVAL");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void copySharesTheSourcesPinsAndCharge() {
    assertThat(
            run(
                open(),
                alloc(1),
                alloc(2),
                bind(3, 7),
                attach(3, 1),
                bind(4, 8),
                attach(4, 2),
                map(1, RAM, IOVA, 16),
                copy(2, 1, IOVA, 0x400000, 16 * PAGE),
                copy(2, 1, IOVA, 0x400000, 16 * PAGE),
                copy(2, 9, IOVA, 0x800000, 16 * PAGE)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "EEXIST", "ENOENT");
    assertThat(counters()).isEqualTo("0/16 16 16/16");

    assertThat(run(unmap(1, IOVA, 16 * PAGE))).containsExactly("OK 65536");
    assertThat(counters()).isEqualTo("0/16 16 16/16");
    assertThat(run(unmap(2, 0x400000, 16 * PAGE))).containsExactly("OK 65536");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void hugePagesIsAnOptionOfTheProgramsIoas() {
    assertThat(
            run(
                open(),
                alloc(5),
                option(OptionId.HUGE_PAGES, OptionOp.OPTION_SET, 5, 0),
                option(OptionId.HUGE_PAGES, OptionOp.OPTION_SET, 5, 2),
                option(OptionId.RLIMIT_MODE, OptionOp.OPTION_GET, 0, 0),
                option(OptionId.RLIMIT_MODE, OptionOp.OPTION_GET, 5, 0)))
        .containsExactly("OK", "OK", "OK", "EINVAL", "OK", "EOPNOTSUPP");
  }

  @Test
  void closeReleasesEverythingTheContextHolds() {
    assertThat(
            run(
                open(),
                alloc(1),
                bind(2, 7),
                attach(2, 1),
                map(1, RAM, IOVA, 16),
                accessCreate(3, 40, UnmapPolicy.UNPIN),
                accessAttach(3, 1),
                pin(3, IOVA, 4 * PAGE, true),
                close(),
                close(),
                open(),
                bind(2, 7)))
        .containsExactly("OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK", "EBADF", "OK", "OK");
    assertThat(counters()).isEqualTo("0/0 0 0/0");
  }

  @Test
  void opsNoReplayCanPerformAreMalformed() {
    run(open(), alloc(1));

    assertMalformed(as(300, alloc(2)), "pid", "unknown pid 300 (not in header tasks)");
    assertMalformed(open(), "open.ctx", "context 1 is already open");
    assertMalformed(
        alloc(1), "ioasAlloc.ioas", "context 1 already has an object with program id 1");
    assertMalformed(
        bind(1, 7), "deviceBind.device", "context 1 already has an object with program id 1");
    assertMalformed(
        accessCreate(1, 40, UnmapPolicy.UNPIN),
        "accessCreate.access",
        "context 1 already has an object with program id 1");
    assertMalformed(IommufdOp.newBuilder().setPid(100).build(), "op", "no operation set");
    assertMalformed(
        option(OptionId.OPTION_ID_UNSPECIFIED, OptionOp.OPTION_GET, 0, 0),
        "option.option",
        "no option (RLIMIT_MODE, HUGE_PAGES)");
  }

  private void assertMalformed(IommufdOp op, String field, String detail) {
    assertThatThrownBy(() -> session.apply(op))
        .isInstanceOfSatisfying(
            MalformedOpException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).isEqualTo(detail);
            });
  }

  /** Each op's outcome: {@code OK}, {@code OK BYTES} for a non-zero unmap, or the errno. */
  private List<String> run(IommufdOp... ops) {
    return Arrays.stream(ops)
        .map(
            op -> {
              try {
                long unmapped = session.apply(op);
                return unmapped == 0 ? "OK" : "OK " + unmapped;
              } catch (KernelException e) {
                return e.errno().name();
              }
            })
        .toList();
  }

  private String counters() {
    AccountingSnapshot snapshot = host.snapshot();
    return snapshot.task(100).lockedVmPages()
        + "/"
        + snapshot.task(100).pinnedVmPages()
        + " "
        + snapshot.user(1000).lockedVmPages()
        + " "
        + snapshot.pinnedPages()
        + "/"
        + snapshot.pinRefs();
  }
}
