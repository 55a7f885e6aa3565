package io.vfiomigrate.cli.convert;

import io.vfiomigrate.proto.GroupKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The objects a converted program creates in one iommufd context (one per type1 container): the
 * IOAS, and a device or an access per attached group. Ids are handed out from 1 in creation order,
 * like the context's object xarray; the replayer maps them to the ids it gets.
 */
final class ContextObjects {
  /** The object of one attached group: a device (IOMMU group) or an access (emulated group). */
  record GroupObject(GroupKind kind, int id) {}

  private final int ioas;
  private final Map<Integer, GroupObject> groups = new LinkedHashMap<>();
  private int nextId;

  ContextObjects() {
    this.ioas = 1;
    this.nextId = 2;
  }

  int ioas() {
    return ioas;
  }

  GroupObject attach(int group, GroupKind kind) {
    GroupObject object = new GroupObject(kind, nextId++);
    groups.put(group, object);
    return object;
  }

  @Nullable GroupObject detach(int group) {
    return groups.remove(group);
  }

  /** The groups still attached, in attach order. */
  Map<Integer, GroupObject> groups() {
    return groups;
  }
}
