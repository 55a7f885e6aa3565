package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * The allowed and reserved IOVA of one io_pagetable ({@code allowed_itree},
 * {@code reserved_itree}). Reserved ranges (domain apertures, device regions, the selftest's)
 * can never hold an area; they may overlap and are dropped by owner. Allowed ranges only steer
 * automatic allocation; they never overlap each other.
 *
 * <p>Invariant: no allowed range intersects a reserved one.
 */
final class IovaReservations {
  private final IoptEnv env;
  private IntervalTree<Void> allowed = new IntervalTree<>();
  private final IntervalTree<Object> reserved = new IntervalTree<>();

  IovaReservations(IoptEnv env) {
    this.env = env;
  }

  /**
   * {@code iommufd_ioas_load_iovas} then {@code iopt_set_allow_iova}: replaces the allowed
   * ranges as a whole.
   *
   * @throws KernelException EINVAL for a one-byte or an overlapping range, EADDRINUSE if one
   *     is reserved, ENOMEM (injected); the old ranges stay then
   */
  void setAllowed(List<IovaRange> ranges) {
    IntervalTree<Void> loaded = new IntervalTree<>();
    for (IovaRange r : ranges) {
      if (!U64.lessThan(r.first(), r.last())) {
        throw KernelException.of(Errno.EINVAL, "allowed range %s is a single byte", r);
      }
      if (loaded.iterFirst(r.first(), r.last()) != null) {
        throw KernelException.of(Errno.EINVAL, "allowed range %s overlaps another", r);
      }
      env.kzalloc("iommufd_ioas_load_iovas");
      loaded.insert(r.first(), r.last(), null);
    }
    for (IntervalTree.Node<Void> n : loaded.all()) {
      if (isReserved(n.start(), n.last())) {
        throw KernelException.of(Errno.EADDRINUSE, "allowed range %s is reserved",
            new IovaRange(n.start(), n.last()));
      }
    }
    allowed = loaded;
  }

  void clearAllowed() {
    allowed = new IntervalTree<>();
  }

  /**
   * {@code iopt_reserve_iova}, once the caller checked that no area intersects.
   *
   * @throws KernelException EADDRINUSE if an allowed range intersects, ENOMEM (injected)
   */
  void reserve(long first, long last, Object owner) {
    if (allowed.iterFirst(first, last) != null) {
      throw KernelException.of(Errno.EADDRINUSE, "iopt_reserve_iova: %s is allowed",
          new IovaRange(first, last));
    }
    env.kzalloc("iopt_reserve_iova");
    reserved.insert(first, last, owner);
  }

  /** {@code __iopt_remove_reserved_iova}: drops every reservation of {@code owner}. */
  void remove(Object owner) {
    for (IntervalTree.Node<Object> n : reserved.all()) {
      if (n.value() == owner) {
        reserved.remove(n);
      }
    }
  }

  boolean isReserved(long first, long last) {
    return reserved.iterFirst(first, last) != null;
  }

  boolean isEmpty() {
    return reserved.isEmpty();
  }

  IntervalTree<Void> allowed() {
    return allowed;
  }

  IntervalTree<Object> reserved() {
    return reserved;
  }

  /** The holes of the reserved ranges over the whole space. */
  List<IovaRange> holes() {
    List<IovaRange> holes = new ArrayList<>();
    for (SpanIterator span = new SpanIterator().first(reserved, 0, U64.MAX); !span.done();
        span.next()) {
      if (span.isHole()) {
        holes.add(new IovaRange(span.start(), span.last()));
      }
    }
    return holes;
  }

  /** @throws IllegalStateException if an allowed range is reserved or a tree is broken */
  void checkInvariants() {
    allowed.checkInvariants();
    reserved.checkInvariants();
    for (IntervalTree.Node<Void> n : allowed.all()) {
      if (isReserved(n.start(), n.last())) {
        throw new IllegalStateException("allowed range intersects a reserved one");
      }
    }
  }

  void dump(StringBuilder out) {
    out.append("\n  allowed");
    allowed.all().forEach(n -> out.append(' ').append(new IovaRange(n.start(), n.last())));
    out.append("\n  reserved");
    reserved.all().forEach(n -> out.append(' ').append(new IovaRange(n.start(), n.last()))
        .append(" by ").append(n.value()));
  }
}
