package io.vfiomigrate.contract;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.proto.IommuType;
import io.vfiomigrate.proto.PinPages;
import io.vfiomigrate.proto.SetIommu;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.proto.UnpinPages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The oracle harness's route from a trace event to one backend of the real kernel ({@code
 * tools/oracle/replay.c}; {@code src/test/resources/oracle/README.md}, "Harness quirks"), put
 * around the CLI's replay engine so that the engine's steps compare with what the harness printed.
 * Where the harness talks to the kernel exactly as the engine does, this does nothing. It does
 * three things otherwise:
 *
 * <ul>
 *   <li><b>Sends the event as the harness does</b> ({@link #toKernel}). Native iommufd has no
 *       UNMAP_ALL flag and no SET_IOMMU: the harness sends every {@code all} unmap as iova 0,
 *       length U64_MAX whatever iova and size the trace gives (the converter instead drops ALL with
 *       a range, which type1 refuses), and treats {@code setIommu} as a no-op, so it knows no v1
 *       container (the converter translates v1 unmaps to what type1 removes).
 *   <li><b>Answers without a syscall</b> where the harness does ({@link #harnessAnswer}): a
 *       groupDetach of a group it does not hold (never attached, or its attach failed) is EINVAL;
 *       pin_probe refuses pins of more than 2^20 pages with EINVAL itself, and releases on unpin
 *       only a record of an earlier successful pin with exactly that (iova, npage), so any other
 *       unpin is OK and reaches no kernel (the engine passes every recorded unpin on, as a trace of
 *       a real driver's calls means). Records go with the group's detach or its container's close;
 *       those a dma_unmap callback releases are not tracked, so an exact unpin of one still reaches
 *       the model, whose driver no longer holds it either: the kernel gets an unpin of IOVA whose
 *       pages this driver no longer pins, which changes nothing.
 *   <li><b>Prints what the harness printed</b> ({@link #printed}): for a failed unmap, type1's
 *       struct as sent (the requested size), compat's requested size for its early argument errors
 *       (EINVAL, ENODEV: nothing is copied back) and the size written back otherwise, and 0 on
 *       native iommufd, which writes nothing back; every other failure prints 0. Only VmLck and
 *       VmPin of each task are read.
 * </ul>
 */
public final class HarnessRoute {
  /** pin_probe refuses pins of more pages than this with EINVAL itself. */
  private static final long PIN_PROBE_MAX_PAGES = 1L << 20;

  private final String backend;

  /** Groups the harness holds (attached successfully), by the container they are attached to. */
  private final Map<Integer, Integer> held = new HashMap<>();

  /** pin_probe's records of successful pins, by group: (iova, npage), a repeated pin twice. */
  private final Map<Integer, List<Pin>> pins = new HashMap<>();

  private record Pin(long iova, int npage) {}

  HarnessRoute(String backend) {
    this.backend = backend;
  }

  /** The event as the harness sends it to this backend. */
  Type1Event toKernel(Type1Event event) {
    if (!backend.equals(Backends.IOMMUFD)) {
      return event;
    }
    if (event.hasUnmapDma() && event.getUnmapDma().getAll()) {
      return event.toBuilder()
          .setUnmapDma(event.getUnmapDma().toBuilder().setIova(0).setSize(0))
          .build();
    }
    if (event.hasSetIommu()) {
      SetIommu v2 = event.getSetIommu().toBuilder().setType(IommuType.TYPE1V2).build();
      return event.toBuilder().setSetIommu(v2).build();
    }
    return event;
  }

  /**
   * The outcome the harness reports for {@code event} without making any syscall, if it does:
   * {@code OK} or the errno name.
   */
  Optional<String> harnessAnswer(Type1Event event) {
    boolean unheldDetach =
        event.hasGroupDetach() && !held.containsKey(event.getGroupDetach().getGroup());
    boolean pinProbeRefuses =
        event.hasPinPages()
            && Integer.toUnsignedLong(event.getPinPages().getNpage()) > PIN_PROBE_MAX_PAGES;
    if (unheldDetach || pinProbeRefuses) {
      return Optional.of(Errno.EINVAL.name());
    }
    if (event.hasUnpinPages() && !pinProbeHolds(event.getUnpinPages())) {
      return Optional.of("OK");
    }
    return Optional.empty();
  }

  /** What the harness printed for {@code event} after the engine's {@code step}. */
  OracleStep printed(Type1Event event, StepResult step) {
    track(event, step.getErrno());
    long unmapped = step.getUnmapped();
    if (event.hasUnmapDma() && !step.getErrno().equals("OK")) {
      unmapped = failedUnmap(event.getUnmapDma(), step);
    }
    return OracleStep.of(step.getErrno(), unmapped, step.getAccounting().getTasksList());
  }

  /** What the harness printed for an event it answered itself: nothing changed. */
  OracleStep answered(String outcome, Iterable<TaskAccounting> before) {
    return OracleStep.of(outcome, 0, before);
  }

  private boolean pinProbeHolds(UnpinPages unpin) {
    return pins.getOrDefault(unpin.getGroup(), List.of())
        .contains(new Pin(unpin.getIova(), unpin.getNpage()));
  }

  /**
   * What the kernel wrote back for a failed unmap that the harness printed as {@code printed}: the
   * oracle's own figures in the models' terms, for the diff of the oracle's results.
   */
  public static long writtenBack(String backend, String errno, long printed) {
    return printsRequest(backend, errno) ? 0 : printed;
  }

  private long failedUnmap(UnmapDma unmap, StepResult step) {
    if (printsRequest(backend, step.getErrno())) {
      return unmap.getSize();
    }
    return backend.equals(Backends.IOMMUFD) ? 0 : step.getUnmapped();
  }

  /**
   * Whether the harness printed a failed unmap's requested size: type1 never copies the struct
   * back, compat not when {@code get_compat_ioas} (ENODEV) or its argument checks before {@code
   * iopt_unmap_iova} fail (EINVAL: ALL with a range, a v1 cut; for size 0 the size is 0 anyway).
   */
  private static boolean printsRequest(String backend, String errno) {
    return backend.equals(Backends.TYPE1)
        || backend.equals(Backends.COMPAT) && (errno.equals("EINVAL") || errno.equals("ENODEV"));
  }

  private void track(Type1Event event, String errno) {
    boolean ok = errno.equals("OK");
    switch (event.getOpCase()) {
      case GROUPATTACH -> {
        if (ok) {
          held.put(event.getGroupAttach().getGroup(), event.getGroupAttach().getContainer());
        }
      }
      case GROUPDETACH -> {
        held.remove(event.getGroupDetach().getGroup());
        pins.remove(event.getGroupDetach().getGroup());
      }
      case CONTAINERCLOSE -> {
        int container = event.getContainerClose().getContainer();
        held.entrySet()
            .removeIf(
                group -> {
                  if (group.getValue() != container) {
                    return false;
                  }
                  pins.remove(group.getKey());
                  return true;
                });
      }
      case PINPAGES -> {
        if (ok) {
          PinPages pin = event.getPinPages();
          pins.computeIfAbsent(pin.getGroup(), g -> new ArrayList<>())
              .add(new Pin(pin.getIova(), pin.getNpage()));
        }
      }
      case UNPINPAGES -> {
        UnpinPages unpin = event.getUnpinPages();
        pins.getOrDefault(unpin.getGroup(), new ArrayList<>())
            .remove(new Pin(unpin.getIova(), unpin.getNpage()));
      }
      default -> {
        // Nothing the harness keeps.
      }
    }
  }
}
