package io.vfiomigrate.cli.shadow;

import static io.vfiomigrate.cli.shadow.Outcomes.OK;

import io.vfiomigrate.proto.DmaRw;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.PinPages;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import org.jspecify.annotations.Nullable;

/**
 * The outcome type1 will have for an event, as far as the trace and the container state tracked so
 * far make it certain: the recorded {@code expect.errno} when there is one, else the structural
 * checks of vfio_iommu_type1 (no accounting, no physical memory). Everything else is assumed to
 * succeed. The converter uses it to know which mappings exist; the lint to flag events that cannot
 * do what the trace seems to mean.
 */
public final class Type1Forecast {
  /** VFIO_PIN_PAGES_MAX_ENTRIES: PAGE_SIZE / sizeof(unsigned long). */
  public static final int PIN_PAGES_MAX_ENTRIES = 512;

  /** Why type1 refuses an event. */
  public enum Reason {
    RECORDED("the trace records it"),
    CONTAINER_NOT_OPEN("the container is not open"),
    NO_IOMMU("the container has no IOMMU type yet (VFIO_SET_IOMMU)"),
    ALREADY_SET("the container already has an IOMMU type"),
    NO_GROUP("the container has no group"),
    ZERO_SIZE("the size is 0"),
    UNALIGNED("not aligned to the page size"),
    WRAPS("the range wraps past 2^64"),
    NO_PERMISSION("neither read nor write"),
    OVERLAP("overlaps an existing mapping"),
    BISECT("cuts a mapping of a TYPE1V2 container"),
    ALL_WITH_RANGE("VFIO_DMA_UNMAP_FLAG_ALL with a non-zero iova or size"),
    GROUP_NOT_ATTACHED("the group is not attached"),
    GROUP_ATTACHED("the group is already attached"),
    V1_PIN("mdev pins need a TYPE1V2 container"),
    TOO_MANY_PAGES("more than 512 pages in one call"),
    NOT_MAPPED("not entirely mapped"),
    PERMISSION("the mapping does not allow this access");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** A predicted outcome: the errno, and for failures why and which field. */
  public record Forecast(String errno, @Nullable Reason reason, String field) {
    public boolean ok() {
      return errno.equals(OK);
    }
  }

  private static final Forecast SUCCESS = new Forecast(OK, null, "");

  private Type1Forecast() {}

  /** The outcome of {@code event} on type1 given {@code state} before it. */
  public static Forecast of(ContainerShadows state, Type1Event event) {
    if (Outcomes.expectsFailure(event)) {
      return new Forecast(Outcomes.expected(event), Reason.RECORDED, "expect.errno");
    }
    long pageSize = state.pageSize();
    return switch (event.getOpCase()) {
      case SETIOMMU -> setIommu(state.container(event.getSetIommu().getContainer()));
      case GROUPATTACH -> {
        ContainerState container = state.container(event.getGroupAttach().getContainer());
        if (container == null) {
          yield fail("EINVAL", Reason.CONTAINER_NOT_OPEN, "groupAttach.container");
        }
        yield state.containerOfGroup(event.getGroupAttach().getGroup()) != null
            ? fail("EINVAL", Reason.GROUP_ATTACHED, "groupAttach.group")
            : SUCCESS;
      }
      case GROUPDETACH -> {
        ContainerState container = state.container(event.getGroupDetach().getContainer());
        yield container == null
                || !container.groups().containsKey(event.getGroupDetach().getGroup())
            ? fail("EINVAL", Reason.GROUP_NOT_ATTACHED, "groupDetach.group")
            : SUCCESS;
      }
      case MAPDMA ->
          map(state.container(event.getMapDma().getContainer()), event.getMapDma(), pageSize);
      case UNMAPDMA ->
          unmap(state.container(event.getUnmapDma().getContainer()), event.getUnmapDma(), pageSize);
      case PINPAGES -> pin(state, event.getPinPages(), pageSize);
      case DMARW -> dmaRw(state, event.getDmaRw());
      case CONTAINEROPEN, CONTAINERCLOSE, UNPINPAGES, OP_NOT_SET -> SUCCESS;
    };
  }

  private static Forecast setIommu(@Nullable ContainerState container) {
    if (container == null) {
      return fail("EINVAL", Reason.CONTAINER_NOT_OPEN, "setIommu.container");
    }
    if (container.type() != null) {
      return fail("EINVAL", Reason.ALREADY_SET, "setIommu.type");
    }
    return container.groups().isEmpty()
        ? fail("EINVAL", Reason.NO_GROUP, "setIommu.container")
        : SUCCESS;
  }

  private static Forecast map(@Nullable ContainerState container, MapDma map, long pageSize) {
    Forecast common = containerReady(container, "mapDma");
    if (common != null) {
      return common;
    }
    if (map.getSize() == 0) {
      return fail("EINVAL", Reason.ZERO_SIZE, "mapDma.size");
    }
    if (!aligned(map.getIova(), pageSize)) {
      return fail("EINVAL", Reason.UNALIGNED, "mapDma.iova");
    }
    if (!aligned(map.getVaddr(), pageSize)) {
      return fail("EINVAL", Reason.UNALIGNED, "mapDma.vaddr");
    }
    if (!aligned(map.getSize(), pageSize)) {
      return fail("EINVAL", Reason.UNALIGNED, "mapDma.size");
    }
    if (Ranges.wraps(map.getIova(), map.getSize())) {
      return fail("EINVAL", Reason.WRAPS, "mapDma.iova");
    }
    if (Ranges.wraps(map.getVaddr(), map.getSize())) {
      return fail("EINVAL", Reason.WRAPS, "mapDma.vaddr");
    }
    if (!map.getRead() && !map.getWrite()) {
      return fail("EINVAL", Reason.NO_PERMISSION, "mapDma.read");
    }
    long last = map.getIova() + map.getSize() - 1;
    return container.intersecting(map.getIova(), last).isEmpty()
        ? SUCCESS
        : fail("EEXIST", Reason.OVERLAP, "mapDma.iova");
  }

  private static Forecast unmap(@Nullable ContainerState container, UnmapDma unmap, long pageSize) {
    Forecast common = containerReady(container, "unmapDma");
    if (common != null) {
      return common;
    }
    if (unmap.getAll()) {
      return unmap.getIova() != 0 || unmap.getSize() != 0
          ? fail("EINVAL", Reason.ALL_WITH_RANGE, "unmapDma.all")
          : SUCCESS;
    }
    if (unmap.getSize() == 0) {
      return fail("EINVAL", Reason.ZERO_SIZE, "unmapDma.size");
    }
    if (!aligned(unmap.getIova(), pageSize)) {
      return fail("EINVAL", Reason.UNALIGNED, "unmapDma.iova");
    }
    if (!aligned(unmap.getSize(), pageSize)) {
      return fail("EINVAL", Reason.UNALIGNED, "unmapDma.size");
    }
    if (Ranges.wraps(unmap.getIova(), unmap.getSize())) {
      return fail("EINVAL", Reason.WRAPS, "unmapDma.iova");
    }
    long last = unmap.getIova() + unmap.getSize() - 1;
    if (!container.isV1() && !Unmaps.coversWholeMappings(container, unmap.getIova(), last)) {
      return fail("EINVAL", Reason.BISECT, "unmapDma.iova");
    }
    return SUCCESS;
  }

  private static Forecast pin(ContainerShadows state, PinPages pin, long pageSize) {
    ContainerState container = state.containerOfGroup(pin.getGroup());
    if (container == null || container.groups().get(pin.getGroup()) != GroupKind.EMULATED) {
      return fail("EINVAL", Reason.GROUP_NOT_ATTACHED, "pinPages.group");
    }
    if (container.type() == null) {
      return fail("EINVAL", Reason.NO_IOMMU, "pinPages.group");
    }
    // vfio_pin_pages, then the container path, then vfio_iommu_type1_pin_pages.
    if (pin.getNpage() == 0) {
      return fail("EINVAL", Reason.ZERO_SIZE, "pinPages.npage");
    }
    if (Integer.toUnsignedLong(pin.getNpage()) > PIN_PAGES_MAX_ENTRIES) {
      return fail("E2BIG", Reason.TOO_MANY_PAGES, "pinPages.npage");
    }
    if (container.isV1()) {
      return fail("EACCES", Reason.V1_PIN, "pinPages.group");
    }
    long length = Integer.toUnsignedLong(pin.getNpage()) * pageSize;
    if (Ranges.wraps(pin.getIova(), length)) {
      return fail("EINVAL", Reason.WRAPS, "pinPages.iova");
    }
    return access(container, pin.getIova(), length, pin.getRead(), pin.getWrite(), "pinPages");
  }

  private static Forecast dmaRw(ContainerShadows state, DmaRw rw) {
    ContainerState container = state.containerOfGroup(rw.getGroup());
    if (container == null || container.groups().get(rw.getGroup()) != GroupKind.EMULATED) {
      return fail("EINVAL", Reason.GROUP_NOT_ATTACHED, "dmaRw.group");
    }
    if (rw.getLength() == 0) {
      return fail("EINVAL", Reason.ZERO_SIZE, "dmaRw.length");
    }
    if (Ranges.wraps(rw.getIova(), rw.getLength())) {
      return fail("EINVAL", Reason.WRAPS, "dmaRw.iova");
    }
    return access(container, rw.getIova(), rw.getLength(), !rw.getWrite(), rw.getWrite(), "dmaRw");
  }

  /**
   * Walks the range in IOVA order as type1 does page by page: a page without a mapping fails
   * EINVAL, a mapping without the requested permission EPERM, whichever comes first.
   */
  private static Forecast access(
      ContainerState container, long iova, long length, boolean read, boolean write, String op) {
    long last = iova + length - 1;
    long next = iova;
    for (Mapping mapping : container.intersecting(iova, last)) {
      if (Long.compareUnsigned(mapping.iova(), next) > 0) {
        break;
      }
      if (read && !mapping.read() || write && !mapping.write()) {
        return fail("EPERM", Reason.PERMISSION, op + (write ? ".write" : ".read"));
      }
      if (Long.compareUnsigned(mapping.last(), last) >= 0) {
        return SUCCESS;
      }
      next = mapping.last() + 1;
    }
    return fail("EINVAL", Reason.NOT_MAPPED, op + ".iova");
  }

  private static @Nullable Forecast containerReady(@Nullable ContainerState container, String op) {
    if (container == null) {
      return fail("EINVAL", Reason.CONTAINER_NOT_OPEN, op + ".container");
    }
    return container.type() == null ? fail("EINVAL", Reason.NO_IOMMU, op + ".container") : null;
  }

  private static boolean aligned(long value, long pageSize) {
    return Long.remainderUnsigned(value, pageSize) == 0;
  }

  private static Forecast fail(String errno, Reason reason, String field) {
    return new Forecast(errno, reason, field);
  }
}
