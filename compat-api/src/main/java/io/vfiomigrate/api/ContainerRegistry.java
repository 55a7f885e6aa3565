package io.vfiomigrate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A backend's open containers, numbered from 1 in the order they were opened, and the container
 * each group is set on (one at a time). Bookkeeping only: a backend checks {@link #groupOwner} to
 * fail VFIO_GROUP_SET_CONTAINER with its own errno; claiming an owned group is a model bug.
 *
 * @param <C> the backend's container class
 */
public final class ContainerRegistry<C> {
  private final List<C> open = new ArrayList<>();
  private final TreeMap<Integer, C> groupOwners = new TreeMap<>();
  private int nextId = 1;

  /** Registers the container {@code create} makes from the next id. */
  public C open(IntFunction<C> create) {
    C container = create.apply(nextId++);
    open.add(container);
    return container;
  }

  /** Forgets a closed container. */
  public void closed(C container) {
    open.remove(container);
  }

  /** The open containers, in the order they were opened. */
  public List<C> openContainers() {
    return List.copyOf(open);
  }

  /** Each group's container, by group id. */
  public SortedMap<Integer, C> groupOwners() {
    return new TreeMap<>(groupOwners);
  }

  public Optional<C> groupOwner(int groupId) {
    return Optional.ofNullable(groupOwners.get(groupId));
  }

  /**
   * @throws IllegalStateException if the group is in a container already
   */
  public void claimGroup(int groupId, C container) {
    if (groupOwners.putIfAbsent(groupId, container) != null) {
      throw new IllegalStateException("group " + groupId + " is already in a container");
    }
  }

  public void releaseGroup(int groupId) {
    groupOwners.remove(groupId);
  }
}
