package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.ContainerClose;
import io.vfiomigrate.proto.ContainerOpen;
import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.GroupDetach;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.IommuType;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.SetIommu;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;

/**
 * Builds the type1 events of the trace, in log order, for both backends, and keeps each container's
 * live mappings in step with them. Container ids are numbered from 1 across the trace.
 */
final class TraceEmitter {
  /** QEMU picks the first type it finds of TYPE1v2, TYPE1, …; every x86 kernel has TYPE1v2. */
  static final IommuType QEMU_IOMMU_TYPE = IommuType.TYPE1V2;

  private final RecentRequests recent;
  private int lastContainer;

  TraceEmitter(RecentRequests recent) {
    this.recent = requireNonNull(recent, "recent is null");
  }

  Container openContainer(int pid) {
    Container container = new Container(++lastContainer, pid);
    emit(
        container,
        Type1Event.newBuilder()
            .setContainerOpen(ContainerOpen.newBuilder().setContainer(container.id())));
    return container;
  }

  /** VFIO_GROUP_SET_CONTAINER, then VFIO_SET_IOMMU once the container has its first group. */
  void attach(Container container, int group, GroupKind kind) {
    container.groups().add(group);
    emit(
        container,
        Type1Event.newBuilder()
            .setGroupAttach(
                GroupAttach.newBuilder()
                    .setContainer(container.id())
                    .setGroup(group)
                    .setKind(kind)));
    if (!container.iommuSet()) {
      container.markIommuSet();
      emit(
          container,
          Type1Event.newBuilder()
              .setSetIommu(
                  SetIommu.newBuilder().setContainer(container.id()).setType(QEMU_IOMMU_TYPE)));
    }
  }

  void detach(Container container, int group) {
    container.groups().remove(group);
    emit(
        container,
        Type1Event.newBuilder()
            .setGroupDetach(GroupDetach.newBuilder().setContainer(container.id()).setGroup(group)));
  }

  void close(Container container) {
    emit(
        container,
        Type1Event.newBuilder()
            .setContainerClose(ContainerClose.newBuilder().setContainer(container.id())));
  }

  /**
   * A map request, readable always (QEMU sets READ on every map) and writeable unless read-only.
   * Unless the log reported its failure, it joins the container's live mappings.
   */
  PendingEvent map(
      Container container, long vaddr, long iova, long size, boolean write, Outcome outcome) {
    Type1Event.Builder event =
        Type1Event.newBuilder()
            .setPid(container.pid())
            .setMapDma(
                MapDma.newBuilder()
                    .setContainer(container.id())
                    .setVaddr(vaddr)
                    .setIova(iova)
                    .setSize(size)
                    .setRead(true)
                    .setWrite(write));
    if (outcome == Outcome.SUCCEEDED) {
      event.getExpectBuilder().setErrno("OK");
    }
    if (outcome != Outcome.FAILED && AddressRanges.fits(iova, size)) {
      container.live().add(iova, iova + size - 1);
    }
    return add(new PendingEvent(event, outcome));
  }

  /** An unmap of {@code [iova, iova + size)}; a success the log reports records what it removed. */
  PendingEvent unmap(Container container, long iova, long size, Outcome outcome) {
    return unmap(
        container,
        UnmapDma.newBuilder().setContainer(container.id()).setIova(iova).setSize(size),
        iova,
        size,
        outcome);
  }

  /** VFIO_DMA_UNMAP_FLAG_ALL: what QEMU's unmap of the whole address space amounts to. */
  PendingEvent unmapAll(Container container, Outcome outcome) {
    return unmap(
        container, UnmapDma.newBuilder().setContainer(container.id()).setAll(true), 0, 0, outcome);
  }

  private PendingEvent unmap(
      Container container, UnmapDma.Builder unmap, long iova, long size, Outcome outcome) {
    Type1Event.Builder event = Type1Event.newBuilder().setPid(container.pid()).setUnmapDma(unmap);
    if (outcome != Outcome.FAILED) {
      long unmapped = 0;
      if (unmap.getAll()) {
        unmapped = container.live().removeWithin(0, -1L);
      } else if (AddressRanges.fits(iova, size)) {
        unmapped = container.live().removeWithin(iova, iova + size - 1);
      }
      if (outcome == Outcome.SUCCEEDED) {
        event.getExpectBuilder().setErrno("OK").setUnmapped(unmapped);
      }
    }
    return add(new PendingEvent(event, outcome));
  }

  private void emit(Container container, Type1Event.Builder event) {
    add(new PendingEvent(event.setPid(container.pid()), Outcome.UNREPORTED));
  }

  private PendingEvent add(PendingEvent pending) {
    recent.add(pending);
    return pending;
  }
}
