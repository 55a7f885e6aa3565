package io.vfiomigrate.cli.diff;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.cli.shadow.ContainerShadows;
import io.vfiomigrate.cli.shadow.ContainerState;
import io.vfiomigrate.cli.shadow.Ranges;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Event;
import org.jspecify.annotations.Nullable;

/**
 * Everything the rules may look at for one step: the event, both sides' results, their counters
 * before the step, and both sides' container state before the step.
 */
final class StepContext {
  final long step;
  final Type1Event event;
  final StepResult left;
  final StepResult right;
  final AccountingSnapshot leftBefore;
  final AccountingSnapshot rightBefore;
  final ContainerShadows leftShadow;
  final ContainerShadows rightShadow;
  final HeaderFacts facts;
  final Comparison comparison;

  StepContext(
      long step,
      Type1Event event,
      StepResult left,
      StepResult right,
      AccountingSnapshot leftBefore,
      AccountingSnapshot rightBefore,
      ContainerShadows leftShadow,
      ContainerShadows rightShadow,
      HeaderFacts facts,
      Comparison comparison) {
    this.step = step;
    this.event = event;
    this.left = left;
    this.right = right;
    this.leftBefore = leftBefore;
    this.rightBefore = rightBefore;
    this.leftShadow = leftShadow;
    this.rightShadow = rightShadow;
    this.facts = facts;
    this.comparison = comparison;
  }

  String leftErrno() {
    return left.getErrno();
  }

  String rightErrno() {
    return right.getErrno();
  }

  boolean errnos(String leftErrno, String rightErrno) {
    return left.getErrno().equals(leftErrno) && right.getErrno().equals(rightErrno);
  }

  /** The container the event acts on, in {@code shadows}: by id, or the one its group is in. */
  @Nullable ContainerState container(ContainerShadows shadows) {
    return switch (event.getOpCase()) {
      case CONTAINEROPEN -> shadows.container(event.getContainerOpen().getContainer());
      case SETIOMMU -> shadows.container(event.getSetIommu().getContainer());
      case GROUPATTACH -> shadows.container(event.getGroupAttach().getContainer());
      case GROUPDETACH -> shadows.container(event.getGroupDetach().getContainer());
      case MAPDMA -> shadows.container(event.getMapDma().getContainer());
      case UNMAPDMA -> shadows.container(event.getUnmapDma().getContainer());
      case CONTAINERCLOSE -> shadows.container(event.getContainerClose().getContainer());
      case PINPAGES -> shadows.containerOfGroup(event.getPinPages().getGroup());
      case UNPINPAGES -> shadows.containerOfGroup(event.getUnpinPages().getGroup());
      case DMARW -> shadows.containerOfGroup(event.getDmaRw().getGroup());
      case OP_NOT_SET -> null;
    };
  }

  @Nullable ContainerState leftContainer() {
    return container(leftShadow);
  }

  @Nullable ContainerState rightContainer() {
    return container(rightShadow);
  }

  /** The container id the event is about, as either side sees it; null if neither knows it. */
  @Nullable Integer containerId() {
    return switch (event.getOpCase()) {
      case CONTAINEROPEN -> event.getContainerOpen().getContainer();
      case SETIOMMU -> event.getSetIommu().getContainer();
      case GROUPATTACH -> event.getGroupAttach().getContainer();
      case GROUPDETACH -> event.getGroupDetach().getContainer();
      case MAPDMA -> event.getMapDma().getContainer();
      case UNMAPDMA -> event.getUnmapDma().getContainer();
      case CONTAINERCLOSE -> event.getContainerClose().getContainer();
      case PINPAGES, UNPINPAGES, DMARW, OP_NOT_SET -> {
        ContainerState container = leftContainer();
        if (container == null) {
          container = rightContainer();
        }
        yield container == null ? null : container.id();
      }
    };
  }

  /** The group a pin, unpin, read/write, attach or detach names; -1 for other events. */
  long group() {
    return switch (event.getOpCase()) {
      case PINPAGES -> Integer.toUnsignedLong(event.getPinPages().getGroup());
      case UNPINPAGES -> Integer.toUnsignedLong(event.getUnpinPages().getGroup());
      case DMARW -> Integer.toUnsignedLong(event.getDmaRw().getGroup());
      case GROUPATTACH -> Integer.toUnsignedLong(event.getGroupAttach().getGroup());
      case GROUPDETACH -> Integer.toUnsignedLong(event.getGroupDetach().getGroup());
      default -> -1;
    };
  }

  /** The IOVA range the event names, if it names a valid one. */
  @Nullable IovaRange range() {
    long pageSize = facts.pageSize();
    return switch (event.getOpCase()) {
      case MAPDMA -> range(event.getMapDma().getIova(), event.getMapDma().getSize());
      case UNMAPDMA ->
          event.getUnmapDma().getAll()
              ? null
              : range(event.getUnmapDma().getIova(), event.getUnmapDma().getSize());
      case PINPAGES ->
          range(
              event.getPinPages().getIova(),
              Integer.toUnsignedLong(event.getPinPages().getNpage()) * pageSize);
      case UNPINPAGES ->
          range(
              event.getUnpinPages().getIova(),
              Integer.toUnsignedLong(event.getUnpinPages().getNpage()) * pageSize);
      case DMARW -> range(event.getDmaRw().getIova(), event.getDmaRw().getLength());
      default -> null;
    };
  }

  /**
   * How many pages the event itself can charge or uncharge, as a bound on how much a direct rule
   * may move the difference between the sides; -1 when the event has no such bound (unmaps,
   * attaches, detaches and closes act on whole containers).
   */
  long chargeBound() {
    long pageSize = facts.pageSize();
    return switch (event.getOpCase()) {
      case MAPDMA -> Long.divideUnsigned(event.getMapDma().getSize() + pageSize - 1, pageSize);
      case PINPAGES -> Integer.toUnsignedLong(event.getPinPages().getNpage());
      case UNPINPAGES -> Integer.toUnsignedLong(event.getUnpinPages().getNpage());
      case CONTAINEROPEN, DMARW -> 0;
      default -> -1;
    };
  }

  private static @Nullable IovaRange range(long start, long length) {
    if (length == 0 || Ranges.wraps(start, length)) {
      return null;
    }
    return new IovaRange(start, start + length - 1);
  }
}
