package io.vfiomigrate.cli.synth;

import io.vfiomigrate.proto.ContainerClose;
import io.vfiomigrate.proto.ContainerOpen;
import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.GroupDetach;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.IommuType;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.PinPages;
import io.vfiomigrate.proto.SetIommu;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.proto.UnpinPages;

/** The events the scenarios emit, as a VMM and its mdev drivers issue them. */
public final class Events {
  private Events() {}

  public static Type1Event open(int pid, int container) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setContainerOpen(ContainerOpen.newBuilder().setContainer(container))
        .build();
  }

  public static Type1Event setIommu(int pid, int container) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setSetIommu(SetIommu.newBuilder().setContainer(container).setType(IommuType.TYPE1V2))
        .build();
  }

  public static Type1Event attach(int pid, int container, int group, GroupKind kind) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setGroupAttach(
            GroupAttach.newBuilder().setContainer(container).setGroup(group).setKind(kind))
        .build();
  }

  public static Type1Event detach(int pid, int container, int group) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setGroupDetach(GroupDetach.newBuilder().setContainer(container).setGroup(group))
        .build();
  }

  public static Type1Event map(int pid, int container, long vaddr, long iova, long size) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setMapDma(
            MapDma.newBuilder()
                .setContainer(container)
                .setVaddr(vaddr)
                .setIova(iova)
                .setSize(size)
                .setRead(true)
                .setWrite(true))
        .build();
  }

  public static Type1Event unmap(int pid, int container, long iova, long size) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setUnmapDma(UnmapDma.newBuilder().setContainer(container).setIova(iova).setSize(size))
        .build();
  }

  public static Type1Event unmapAll(int pid, int container) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setUnmapDma(UnmapDma.newBuilder().setContainer(container).setAll(true))
        .build();
  }

  public static Type1Event pin(int pid, int group, long iova, int npage) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setPinPages(
            PinPages.newBuilder()
                .setGroup(group)
                .setIova(iova)
                .setNpage(npage)
                .setRead(true)
                .setWrite(true))
        .build();
  }

  public static Type1Event unpin(int pid, int group, long iova, int npage) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setUnpinPages(UnpinPages.newBuilder().setGroup(group).setIova(iova).setNpage(npage))
        .build();
  }

  public static Type1Event close(int pid, int container) {
    return Type1Event.newBuilder()
        .setPid(pid)
        .setContainerClose(ContainerClose.newBuilder().setContainer(container))
        .build();
  }
}
