package io.vfiomigrate.cli.diff;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.cli.shadow.ContainerState;
import io.vfiomigrate.cli.shadow.Mapping;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.Type1Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * For each container whose state differs between the two sides, the steps where the difference
 * began or grew. A container's list is cleared as soon as both sides hold the same state again
 * (same fingerprint), so a later divergence there is judged on its own.
 *
 * <p>An event "touches" a difference when it acts on what differs: a map, unmap, pin or read of a
 * range where the sides' mappings differ, a group op on a group attached on one side only, or any
 * whole-container event (attach, detach, unmap ALL, close) on a differing container. Only then can
 * a divergence of that event follow from an earlier step.
 */
final class StateOrigins {
  /** Origins kept per container: the first and the most recent ones. */
  private static final int KEPT = 16;

  private final Map<Integer, List<Origin>> byContainer = new HashMap<>();

  /** The origin the event's divergences may follow from, judged on the state before the step. */
  @Nullable Origin touched(StepContext context) {
    Integer id = context.containerId();
    List<Origin> origins = id == null ? null : byContainer.get(id);
    if (origins == null) {
      return null;
    }
    IovaRange range = context.range();
    if (range == null
        || context.event.getOpCase() == Type1Event.OpCase.UNMAPDMA
            && context.event.getUnmapDma().getAll()) {
      return origins.get(origins.size() - 1);
    }
    ContainerState left = context.leftShadow.container(id);
    ContainerState right = context.rightShadow.container(id);
    boolean differs =
        !sameMappings(left, right, range)
            || context.group() >= 0 && !sameGroup(context, (int) context.group());
    return differs ? latestFor(origins, range) : null;
  }

  /** Both sides' fingerprints of the event's container now: call before the shadows advance. */
  static Fingerprints fingerprints(StepContext context) {
    Integer id = context.containerId();
    if (id == null) {
      return Fingerprints.NONE;
    }
    return new Fingerprints(
        fingerprint(context.leftShadow.container(id)),
        fingerprint(context.rightShadow.container(id)));
  }

  /**
   * Records or clears the container's origins, judged on the state after the step. A step starts or
   * adds an origin only if it changed a side's state; a divergent step that changed nothing (both
   * sides refused, each with its own errno) leaves the origins as they were.
   */
  void update(StepContext context, @Nullable Explanation stepCause, Fingerprints before) {
    Integer id = context.containerId();
    if (id == null) {
      return;
    }
    long left = fingerprint(context.leftShadow.container(id));
    long right = fingerprint(context.rightShadow.container(id));
    if (left == right) {
      byContainer.remove(id);
      return;
    }
    List<Origin> origins = byContainer.computeIfAbsent(id, key -> new ArrayList<>());
    boolean changed = left != before.left() || right != before.right();
    Origin origin = null;
    if (origins.isEmpty()) {
      origin =
          new Origin(
              context.step,
              stepCause != null ? stepCause.rule() : silentRule(context),
              context.range());
    } else if (changed && stepCause != null && stepCause.rule() != Rule.FOLLOWS_STEP) {
      origin = new Origin(context.step, stepCause.rule(), context.range());
    }
    if (origin != null) {
      if (origins.size() == KEPT) {
        origins.remove(1);
      }
      origins.add(origin);
    }
  }

  /**
   * A state difference without a divergent result: the only one the models have is type1 releasing
   * its backend with the last group while the iommufd IOAS stays.
   */
  private static @Nullable Rule silentRule(StepContext context) {
    if (context.event.getOpCase() == Type1Event.OpCase.GROUPDETACH
        && context.leftErrno().equals("OK")) {
      ContainerState left =
          context.leftShadow.container(context.event.getGroupDetach().getContainer());
      if (left != null && left.groups().isEmpty() && left.releasedAt() == context.step) {
        return Rule.LAST_DETACH_RELEASES;
      }
    }
    return null;
  }

  /** The fingerprints of one container on both sides; NONE when no container is involved. */
  record Fingerprints(long left, long right) {
    static final Fingerprints NONE = new Fingerprints(0, 0);
  }

  /** A closed or never opened container has no state: a fixed value no real state hashes to. */
  private static long fingerprint(@Nullable ContainerState container) {
    return container == null ? 0x5eed_0000_dead_beefL : container.fingerprint();
  }

  private static Origin latestFor(List<Origin> origins, IovaRange range) {
    for (int i = origins.size() - 1; i >= 0; i--) {
      IovaRange other = origins.get(i).range();
      if (other != null && other.intersects(range)) {
        return origins.get(i);
      }
    }
    return origins.get(origins.size() - 1);
  }

  private static boolean sameMappings(
      @Nullable ContainerState left, @Nullable ContainerState right, IovaRange range) {
    List<Mapping> leftMappings =
        left == null ? List.of() : left.intersecting(range.first(), range.last());
    List<Mapping> rightMappings =
        right == null ? List.of() : right.intersecting(range.first(), range.last());
    if (leftMappings.size() != rightMappings.size()) {
      return false;
    }
    for (int i = 0; i < leftMappings.size(); i++) {
      if (!leftMappings.get(i).sameShape(rightMappings.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameGroup(StepContext context, int group) {
    ContainerState left = context.leftShadow.containerOfGroup(group);
    ContainerState right = context.rightShadow.containerOfGroup(group);
    if (left == null || right == null) {
      return left == right;
    }
    GroupKind leftKind = left.groups().get(group);
    return left.id() == right.id()
        && leftKind == right.groups().get(group)
        && left.pins(group).equals(right.pins(group));
  }
}
