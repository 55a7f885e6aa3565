package io.vfiomigrate.cli.report;

import static io.vfiomigrate.cli.HumanFormat.hex;
import static io.vfiomigrate.cli.HumanFormat.sizeWithPages;
import static io.vfiomigrate.cli.HumanFormat.u32;

import io.vfiomigrate.proto.DmaRw;
import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.PinPages;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.proto.UnmapPolicy;

/** One line per event for people: hex addresses, sizes in binary units and pages. */
public final class EventText {
  private EventText() {}

  /** E.g. {@code mapDma c1 iova 0x100000 size 1 MiB (256 pages) vaddr 0x7f0000000000 rw}. */
  public static String describe(Type1Event event, long pageSize) {
    return switch (event.getOpCase()) {
      case CONTAINEROPEN -> "containerOpen c" + u32(event.getContainerOpen().getContainer());
      case SETIOMMU ->
          "setIommu c"
              + u32(event.getSetIommu().getContainer())
              + " "
              + event.getSetIommu().getType();
      case GROUPATTACH -> attach(event.getGroupAttach());
      case GROUPDETACH ->
          "groupDetach c"
              + u32(event.getGroupDetach().getContainer())
              + " group "
              + u32(event.getGroupDetach().getGroup());
      case MAPDMA -> map(event.getMapDma(), pageSize);
      case UNMAPDMA -> unmap(event.getUnmapDma(), pageSize);
      case PINPAGES -> pin(event.getPinPages(), pageSize);
      case UNPINPAGES ->
          "unpinPages group "
              + u32(event.getUnpinPages().getGroup())
              + " iova "
              + hex(event.getUnpinPages().getIova())
              + " "
              + pages(event.getUnpinPages().getNpage());
      case DMARW -> dmaRw(event.getDmaRw(), pageSize);
      case CONTAINERCLOSE -> "containerClose c" + u32(event.getContainerClose().getContainer());
      case OP_NOT_SET -> "(no op)";
    };
  }

  private static String attach(GroupAttach attach) {
    return "groupAttach c"
        + u32(attach.getContainer())
        + " group "
        + u32(attach.getGroup())
        + " "
        + attach.getKind()
        + (attach.getOnUnmap() == UnmapPolicy.IGNORE ? " onUnmap IGNORE" : "");
  }

  private static String map(MapDma map, long pageSize) {
    return "mapDma c"
        + u32(map.getContainer())
        + " iova "
        + hex(map.getIova())
        + " size "
        + sizeWithPages(map.getSize(), pageSize)
        + " vaddr "
        + hex(map.getVaddr())
        + " "
        + prot(map.getRead(), map.getWrite());
  }

  private static String unmap(UnmapDma unmap, long pageSize) {
    String range =
        unmap.getIova() == 0 && unmap.getSize() == 0 && unmap.getAll()
            ? ""
            : " iova " + hex(unmap.getIova()) + " size " + sizeWithPages(unmap.getSize(), pageSize);
    return "unmapDma c" + u32(unmap.getContainer()) + (unmap.getAll() ? " ALL" : "") + range;
  }

  private static String pin(PinPages pin, long pageSize) {
    return "pinPages group "
        + u32(pin.getGroup())
        + " iova "
        + hex(pin.getIova())
        + " "
        + pages(pin.getNpage())
        + " "
        + prot(pin.getRead(), pin.getWrite());
  }

  private static String dmaRw(DmaRw rw, long pageSize) {
    return "dmaRw group "
        + u32(rw.getGroup())
        + " iova "
        + hex(rw.getIova())
        + " length "
        + sizeWithPages(rw.getLength(), pageSize)
        + (rw.getWrite() ? " write" : " read");
  }

  private static String pages(int npage) {
    return u32(npage) + (npage == 1 ? " page" : " pages");
  }

  private static String prot(boolean read, boolean write) {
    return (read ? "r" : "-") + (write ? "w" : "-");
  }
}
