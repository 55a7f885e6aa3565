package io.vfiomigrate.iommufd.context;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.FaultInjector;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.KernelLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code iommufd_ctx::objects}: the id to object map of one context, with the kernel's two
 * phase creation. {@link #reserve} takes the lowest free id (from 1) while the object stays
 * invisible; {@link #publish} makes it visible once nothing can fail any more; {@link #abort}
 * gives the id back. Ids are reused after a destroy, as {@code xa_alloc} does.
 *
 * <p>Invariant: a slot holds either a reserved (unpublished) or a published object; lookups
 * only ever see published ones.
 */
public final class ObjectTable {
  private final TreeMap<Integer, IommufdObject> slots = new TreeMap<>();
  private final TreeMap<Integer, Boolean> published = new TreeMap<>();
  private final FaultInjector faults;
  private final KernelLog log;

  ObjectTable(FaultInjector faults, KernelLog log) {
    this.faults = faults;
    this.log = log;
  }

  /**
   * {@code _iommufd_object_alloc}: gives {@code object} the lowest free id, unpublished.
   *
   * @throws KernelException ENOMEM (injected)
   */
  public void reserve(IommufdObject object) {
    faults.check(FaultPoint.ALLOC, "iommufd_object_alloc");
    int id = 1;
    for (int used : slots.keySet()) {
      if (used != id) {
        break;
      }
      id++;
    }
    object.assignId(id);
    slots.put(id, object);
    published.put(id, false);
  }

  /** {@code iommufd_object_finalize}: the object becomes visible. */
  public void publish(IommufdObject object) {
    requireSlot(object);
    published.put(object.id(), true);
  }

  /** {@code iommufd_object_abort}: frees the id of an unpublished object. */
  public void abort(IommufdObject object) {
    requireSlot(object);
    slots.remove(object.id());
    published.remove(object.id());
  }

  /** {@code iommufd_object_abort_and_destroy}: runs the kind's abort op, then frees the id. */
  public void abortAndDestroy(IommufdObject object) {
    object.abortObject();
    abort(object);
  }

  /**
   * {@code iommufd_get_object}: the published object {@code id}, of {@code kind} unless null.
   *
   * @throws KernelException ENOENT if there is none
   */
  public IommufdObject get(int id, ObjectKind kind) {
    IommufdObject object = slots.get(id);
    if (object == null || !published.get(id) || (kind != null && object.kind() != kind)) {
      throw KernelException.of(Errno.ENOENT, "no %s with id %d",
          kind == null ? "object" : kind.toString(), id);
    }
    return object;
  }

  /**
   * {@code iommufd_object_remove} without a caller reference ({@code IOMMU_DESTROY}): removes
   * and destroys {@code id} if nothing else uses it.
   *
   * @return the destroyed object
   * @throws KernelException ENOENT if there is no such published object, EBUSY if in use
   */
  public IommufdObject remove(int id) {
    IommufdObject object = slots.get(id);
    if (object == null || !published.get(id)) {
      throw KernelException.of(Errno.ENOENT, "no object with id %d", id);
    }
    if (object.users() != 1) {
      throw KernelException.of(Errno.EBUSY, "%s has %d users", object, object.users() - 1);
    }
    unlinkAndDestroy(object);
    return object;
  }

  /**
   * {@code iommufd_object_destroy_user}: the caller (a driver) drops its reference and the
   * object is destroyed. If something else still uses it the kernel WARNs and leaves it for
   * close.
   */
  public void destroyUser(IommufdObject object) {
    object.dropUser();
    if (object.users() != 1) {
      log.warn("iommufd_object_destroy_user", object + " still has " + (object.users() - 1)
          + " users");
      return;
    }
    unlinkAndDestroy(object);
  }

  /**
   * {@code iommufd_object_put_and_try_destroy}: drops the caller's reference and destroys the
   * object if that was the last user (automatic HWPTs).
   */
  public void putAndTryDestroy(IommufdObject object) {
    object.dropUser();
    if (object.users() == 1) {
      unlinkAndDestroy(object);
    }
  }

  private void unlinkAndDestroy(IommufdObject object) {
    object.dropUser();
    slots.remove(object.id());
    published.remove(object.id());
    object.destroyObject();
  }

  /**
   * One pass of {@code iommufd_fops_release}: destroys every published object whose only
   * user is the table.
   *
   * @return how many were destroyed
   */
  int releaseLeaves() {
    int destroyed = 0;
    for (IommufdObject object : new ArrayList<>(slots.values())) {
      if (slots.get(object.id()) == object && object.users() == 1) {
        unlinkAndDestroy(object);
        destroyed++;
      }
    }
    return destroyed;
  }

  /** Whether the table holds no object, reserved or published ({@code xa_empty}). */
  public boolean isEmpty() {
    return slots.isEmpty();
  }

  /** Published objects of {@code kind} in id order. */
  public <T extends IommufdObject> List<T> all(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Map.Entry<Integer, IommufdObject> e : slots.entrySet()) {
      if (published.get(e.getKey()) && type.isInstance(e.getValue())) {
        out.add(type.cast(e.getValue()));
      }
    }
    return out;
  }

  /** Every object as {@code id kind users}, in id order. */
  String dump() {
    StringBuilder out = new StringBuilder();
    for (IommufdObject o : slots.values()) {
      out.append("\n  ").append(o.id()).append(' ').append(o.kind()).append(" users ")
          .append(o.users()).append(published.get(o.id()) ? "" : " (reserved)");
    }
    return out.toString();
  }

  private void requireSlot(IommufdObject object) {
    if (slots.get(object.id()) != object) {
      throw new IllegalStateException(object + " is not in the table");
    }
  }
}
