package io.vfiomigrate.cli.shadow;

import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One side's containers as the events of a trace and that side's outcomes leave them, under the
 * {@link Semantics} of that side. It follows structure only (types, groups, mappings, driver pins),
 * never accounting: the diff uses it to tell which model difference explains a divergence, the
 * converter and the lint to know what is mapped.
 *
 * <p>Container and group ids are the trace's. An outcome is an errno name ({@code OK} for success)
 * and, for unmaps, the size the side reported. Events that name containers or groups the shadow
 * does not hold change nothing. Not thread-safe.
 */
public final class ContainerShadows {
  private final Semantics semantics;
  private final long pageSize;
  private final Map<Integer, ContainerState> containers = new TreeMap<>();
  private final Map<Integer, Integer> groupContainer = new HashMap<>();

  public ContainerShadows(Semantics semantics, long pageSize) {
    this.semantics = semantics;
    this.pageSize = pageSize;
  }

  public long pageSize() {
    return pageSize;
  }

  public @Nullable ContainerState container(int id) {
    return containers.get(id);
  }

  /** The container {@code group} is attached to, if any. */
  public @Nullable ContainerState containerOfGroup(int group) {
    Integer id = groupContainer.get(group);
    return id == null ? null : containers.get(id);
  }

  /** Open containers by id. */
  public Collection<ContainerState> containers() {
    return Collections.unmodifiableCollection(containers.values());
  }

  /** Applies {@code event} (event number {@code step}) with the outcome this side reported. */
  public void apply(long step, Type1Event event, String errno, long unmapped) {
    boolean ok = errno.equals(Outcomes.OK);
    switch (event.getOpCase()) {
      case CONTAINEROPEN -> {
        if (ok) {
          open(event.getContainerOpen().getContainer());
        }
      }
      case SETIOMMU -> {
        ContainerState container = containers.get(event.getSetIommu().getContainer());
        if (ok && container != null) {
          container.setType(event.getSetIommu().getType());
        }
      }
      case GROUPATTACH -> {
        if (ok) {
          attach(event.getGroupAttach());
        }
      }
      case GROUPDETACH -> {
        if (ok) {
          detach(step, event.getGroupDetach().getContainer(), event.getGroupDetach().getGroup());
        }
      }
      case MAPDMA -> {
        if (ok) {
          map(event.getPid(), event.getMapDma());
        }
      }
      case UNMAPDMA -> unmap(event.getUnmapDma(), ok, errno, unmapped);
      case PINPAGES -> {
        ContainerState container = containerOfGroup(event.getPinPages().getGroup());
        if (ok && container != null) {
          container.addPin(
              event.getPinPages().getGroup(),
              event.getPinPages().getIova(),
              event.getPinPages().getNpage());
        }
      }
      case UNPINPAGES -> {
        ContainerState container = containerOfGroup(event.getUnpinPages().getGroup());
        if (container != null) {
          container.removePin(
              event.getUnpinPages().getGroup(),
              event.getUnpinPages().getIova(),
              event.getUnpinPages().getNpage());
        }
      }
      case CONTAINERCLOSE -> close(event.getContainerClose().getContainer());
      case DMARW, OP_NOT_SET -> {
        // Neither changes what is mapped or pinned.
      }
    }
  }

  private void open(int id) {
    close(id);
    containers.put(id, new ContainerState(id, pageSize));
  }

  private void close(int id) {
    ContainerState container = containers.remove(id);
    if (container != null) {
      container.groups().keySet().forEach(groupContainer::remove);
    }
  }

  private void attach(GroupAttach attach) {
    ContainerState container = containers.get(attach.getContainer());
    if (container == null || groupContainer.containsKey(attach.getGroup())) {
      return;
    }
    container.addGroup(attach.getGroup(), attach.getKind(), attach.getOnUnmap());
    groupContainer.put(attach.getGroup(), attach.getContainer());
  }

  private void detach(long step, int id, int group) {
    ContainerState container = containers.get(id);
    if (container == null || !container.groups().containsKey(group)) {
      return;
    }
    container.removeGroup(group);
    groupContainer.remove(group);
    // container.c releases the type1 backend with its last group; iommufd keeps the IOAS.
    if (semantics == Semantics.TYPE1 && container.groups().isEmpty()) {
      container.release(step);
    }
  }

  private void map(int pid, MapDma map) {
    ContainerState container = containers.get(map.getContainer());
    if (container != null && map.getSize() != 0) {
      container.add(
          new Mapping(
              map.getIova(), map.getSize(), pid, map.getVaddr(), map.getRead(), map.getWrite()));
    }
  }

  private void unmap(UnmapDma unmap, boolean ok, String errno, long unmapped) {
    ContainerState container = containers.get(unmap.getContainer());
    if (container == null) {
      return;
    }
    if (unmap.getAll()) {
      // A converted program drops an ALL with a range (type1 refuses it), so nothing went.
      boolean droppedByConversion =
          semantics == Semantics.IOMMUFD
              && (unmap.getIova() != 0 || unmap.getSize() != 0)
              && unmapped == 0;
      if (ok && !droppedByConversion) {
        removeAll(container, List.copyOf(container.mappings()));
      }
      return;
    }
    if (unmap.getSize() == 0 || Ranges.wraps(unmap.getIova(), unmap.getSize())) {
      return;
    }
    long first = unmap.getIova();
    long last = first + unmap.getSize() - 1;
    if (ok) {
      removeAll(container, removedOnSuccess(container, first, last));
    } else if (semantics != Semantics.TYPE1 && errno.equals("ENOENT")) {
      removeAll(container, Unmaps.removedBeforeFailure(container, first, last));
    }
  }

  private List<Mapping> removedOnSuccess(ContainerState container, long first, long last) {
    if (!container.isV1()) {
      return container.intersecting(first, last);
    }
    return switch (semantics) {
      case TYPE1, IOMMUFD -> Unmaps.removedByType1V1(container, first, last);
      case COMPAT -> {
        container.splitAt(first);
        if (last != -1L) {
          container.splitAt(last + 1);
        }
        yield container.intersecting(first, last);
      }
    };
  }

  /** Removes {@code removed}; each one's range is notified to the drivers as a whole. */
  private void removeAll(ContainerState container, List<Mapping> removed) {
    for (Mapping mapping : removed) {
      container.remove(mapping);
      container.notifyUnmap(mapping.iova(), mapping.last());
    }
  }
}
