package io.vfiomigrate.cli.shadow;

import com.google.common.collect.ImmutableList;
import io.vfiomigrate.api.PinMultiset;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.IommuType;
import io.vfiomigrate.proto.UnmapPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one side of a replay holds in one container, as far as the trace's events and their outcomes
 * tell: the IOMMU type, the attached groups, the mappings and the pins each emulated group's driver
 * remembers.
 *
 * <p>Invariants: mappings never overlap (keyed by IOVA, compared unsigned); pins belong to attached
 * emulated groups; {@link #fingerprint()} is the order-independent sum of a hash of every mapping,
 * group and pin, so two containers with equal contents have equal fingerprints (the diff compares
 * containers of the two sides in O(1) per step).
 */
public final class ContainerState {
  private final int id;
  private @Nullable IommuType type;
  private long releasedAt = -1;
  private final Map<Integer, GroupKind> groups = new LinkedHashMap<>();
  private final Map<Integer, UnmapPolicy> policies = new LinkedHashMap<>();
  private final Map<Integer, PinMultiset> pins = new LinkedHashMap<>();
  private final TreeMap<Long, Mapping> mappings = new TreeMap<>(Long::compareUnsigned);
  private long fingerprint;
  private @Nullable List<Mapping> cached;
  private long cachedFirst;
  private long cachedLast;

  private final long pageSize;

  ContainerState(int id, long pageSize) {
    this.id = id;
    this.pageSize = pageSize;
  }

  public int id() {
    return id;
  }

  /** The type VFIO_SET_IOMMU selected; empty before it (and, in type1, after a release). */
  public @Nullable IommuType type() {
    return type;
  }

  public boolean isV1() {
    return type == IommuType.TYPE1;
  }

  /** The step whose groupDetach released the type1 backend, or -1. */
  public long releasedAt() {
    return releasedAt;
  }

  public Map<Integer, GroupKind> groups() {
    return Collections.unmodifiableMap(groups);
  }

  public boolean hasGroupOfKind(GroupKind kind) {
    return groups.containsValue(kind);
  }

  public @Nullable UnmapPolicy policy(int group) {
    return policies.get(group);
  }

  /** The pins the driver of emulated group {@code group} holds, one entry per pin, by IOVA. */
  public List<DriverPin> pins(int group) {
    PinMultiset groupPins = pins.get(group);
    List<DriverPin> list = new ArrayList<>();
    if (groupPins != null) {
      groupPins.forEach(
          (iova, npage, count) ->
              list.addAll(Collections.nCopies(count, new DriverPin(iova, npage))));
    }
    return list;
  }

  /** Whether an emulated group whose driver ignores dma_unmap callbacks holds pins. */
  public boolean ignoredPinsHeld() {
    for (Map.Entry<Integer, PinMultiset> entry : pins.entrySet()) {
      if (!entry.getValue().isEmpty() && policies.get(entry.getKey()) == UnmapPolicy.IGNORE) {
        return true;
      }
    }
    return false;
  }

  public Collection<Mapping> mappings() {
    return Collections.unmodifiableCollection(mappings.values());
  }

  public long fingerprint() {
    return fingerprint;
  }

  /**
   * The mappings that intersect {@code [first, last]}, in IOVA order. The converter, the forecast
   * and the shadow ask the same question about one event in turn, so the last answer is kept until
   * the mappings change.
   */
  public List<Mapping> intersecting(long first, long last) {
    if (cached != null && cachedFirst == first && cachedLast == last) {
      return cached;
    }
    List<Mapping> result = new ArrayList<>(2);
    // One descent to the first candidate, then the tree's successor links: no lookup per mapping.
    Map.Entry<Long, Mapping> floor = mappings.floorEntry(first);
    long from =
        floor == null || Long.compareUnsigned(floor.getValue().last(), first) < 0
            ? first
            : floor.getKey();
    for (Mapping mapping : mappings.tailMap(from, true).values()) {
      if (Long.compareUnsigned(mapping.iova(), last) > 0) {
        break;
      }
      result.add(mapping);
    }
    cached = Collections.unmodifiableList(result);
    cachedFirst = first;
    cachedLast = last;
    return cached;
  }

  /** The mapping that contains {@code iova}, if any. */
  @Nullable Mapping mappingAt(long iova) {
    Map.Entry<Long, Mapping> entry = mappings.floorEntry(iova);
    if (entry == null || Long.compareUnsigned(entry.getValue().last(), iova) < 0) {
      return null;
    }
    return entry.getValue();
  }

  /** Whether mappings cover every byte of {@code [first, last]}. */
  public boolean covers(long first, long last) {
    long next = first;
    for (Mapping mapping : intersecting(first, last)) {
      if (Long.compareUnsigned(mapping.iova(), next) > 0) {
        return false;
      }
      if (Long.compareUnsigned(mapping.last(), last) >= 0) {
        return true;
      }
      next = mapping.last() + 1;
    }
    return false;
  }

  /**
   * Distinct pages pinned by the drivers of this container's emulated groups: the pages type1 keeps
   * a vfio_pfn for.
   */
  public long distinctPinnedPages() {
    TreeMap<Long, Long> lastByFirst = new TreeMap<>(Long::compareUnsigned);
    for (PinMultiset groupPins : pins.values()) {
      groupPins.forEach(
          (iova, npage, count) -> {
            long first = iova - Long.remainderUnsigned(iova, pageSize);
            long last = first + Integer.toUnsignedLong(npage) * pageSize - 1;
            lastByFirst.merge(first, last, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
          });
    }
    long pages = 0;
    long coveredLast = 0;
    boolean started = false;
    for (Map.Entry<Long, Long> run : lastByFirst.entrySet()) {
      long last = run.getValue();
      if (started && Long.compareUnsigned(last, coveredLast) <= 0) {
        continue;
      }
      long from =
          started && Long.compareUnsigned(run.getKey(), coveredLast) <= 0
              ? coveredLast + 1
              : run.getKey();
      pages += Long.divideUnsigned(last - from + 1, pageSize);
      coveredLast = last;
      started = true;
    }
    return pages;
  }

  void setType(IommuType type) {
    this.type = type;
  }

  void addGroup(int group, GroupKind kind, UnmapPolicy policy) {
    groups.put(group, kind);
    fingerprint += hash(1, group, kind.getNumber());
    if (kind == GroupKind.EMULATED) {
      policies.put(group, policy);
      pins.put(group, new PinMultiset(pageSize));
    }
  }

  /** Removes the group; its driver lets go of every pin (close_device). */
  void removeGroup(int group) {
    GroupKind kind = groups.remove(group);
    if (kind == null) {
      return;
    }
    fingerprint -= hash(1, group, kind.getNumber());
    policies.remove(group);
    PinMultiset released = pins.remove(group);
    if (released != null) {
      released.forEach((iova, npage, count) -> fingerprint -= count * pinHash(group, iova, npage));
    }
  }

  /** Drops everything the type1 backend held when its last group left. */
  void release(long step) {
    for (Mapping mapping : ImmutableList.copyOf(mappings.values())) {
      remove(mapping);
    }
    type = null;
    releasedAt = step;
  }

  void add(Mapping mapping) {
    cached = null;
    Mapping previous = mappings.put(mapping.iova(), mapping);
    if (previous != null) {
      fingerprint -= mappingHash(previous);
    }
    fingerprint += mappingHash(mapping);
  }

  void remove(Mapping mapping) {
    cached = null;
    if (mappings.remove(mapping.iova()) != null) {
      fingerprint -= mappingHash(mapping);
    }
  }

  /** Splits the mapping that straddles {@code iova} (if any) so that a mapping starts there. */
  void splitAt(long iova) {
    Mapping around = mappingAt(iova);
    if (around == null || around.iova() == iova) {
      return;
    }
    remove(around);
    add(around.slice(around.iova(), iova - 1));
    add(around.slice(iova, around.last()));
  }

  void addPin(int group, long iova, int npage) {
    PinMultiset groupPins = pins.get(group);
    if (groupPins != null) {
      groupPins.add(iova, npage);
      fingerprint += pinHash(group, iova, npage);
    }
  }

  /** Forgets one pin {@code (iova, npage)}, as a driver releasing exactly what it pinned. */
  void removePin(int group, long iova, int npage) {
    PinMultiset groupPins = pins.get(group);
    if (groupPins != null && groupPins.remove(iova, npage)) {
      fingerprint -= pinHash(group, iova, npage);
    }
  }

  /**
   * The drivers that unpin on a dma_unmap callback let go of every pin intersecting {@code [first,
   * last]}; drivers with the IGNORE policy keep theirs.
   */
  void notifyUnmap(long first, long last) {
    for (Map.Entry<Integer, PinMultiset> entry : pins.entrySet()) {
      int group = entry.getKey();
      if (policies.get(group) == UnmapPolicy.IGNORE) {
        continue;
      }
      entry
          .getValue()
          .removeIntersecting(
              first,
              last,
              (iova, npage, count) -> fingerprint -= count * pinHash(group, iova, npage));
    }
  }

  private static long mappingHash(Mapping m) {
    return hash(
        hash(hash(2, m.iova(), m.size()), m.vaddr(), m.pid()), m.read() ? 1 : 0, m.write() ? 1 : 0);
  }

  private static long pinHash(int group, long iova, int npage) {
    return hash(hash(3, group, iova), npage, 0);
  }

  /** splitmix64 over the inputs: good spread, so sums of hashes rarely collide. */
  private static long hash(long seed, long a, long b) {
    long x = seed * 0x9e3779b97f4a7c15L + a;
    x = mix(x) + b;
    return mix(x);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
