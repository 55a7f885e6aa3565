package io.vfiomigrate.cli.diff;

import static io.vfiomigrate.cli.HumanFormat.range;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.cli.shadow.ContainerState;
import io.vfiomigrate.cli.shadow.Mapping;
import io.vfiomigrate.cli.shadow.Ranges;
import io.vfiomigrate.cli.shadow.Semantics;
import io.vfiomigrate.cli.shadow.Type1Forecast;
import io.vfiomigrate.cli.shadow.Unmaps;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.UnmapDma;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Explains a step whose errno or unmapped size differs between the sides. The rules are tried in
 * the order below, each a predicate over the event, both sides' results and what the diff tracked
 * of both sides' containers; the first that holds explains the step. The order follows the order of
 * type1's own checks (argument errors before state errors), so that the rule names the check type1
 * failed first. If none does, a step that acted on an earlier difference follows from it; otherwise
 * the step is unexplained.
 */
final class ResultRules {
  private static final String OK = "OK";

  private final ChargeTracker charges;
  private final List<Function<StepContext, @Nullable Explanation>> rules =
      List.of(
          this::unmapIgnoredByDriver,
          this::wrapErrno,
          this::pinMaxEntries,
          this::pinV1Container,
          this::noIommuSet,
          this::setIommuRepeat,
          this::mapNoPermission,
          this::mmioMap,
          this::dmaEntryLimit,
          this::perUserLimit,
          this::chargeDifference,
          this::unmapUnaligned,
          this::unmapAllWithRange,
          this::bisectUnmap,
          this::v1PartialUnmap,
          this::emptyUnmap,
          this::unmappedIovaErrno);

  ResultRules(ChargeTracker charges) {
    this.charges = charges;
  }

  Explanation explain(StepContext context, @Nullable Origin touched) {
    for (Function<StepContext, @Nullable Explanation> rule : rules) {
      Explanation explanation = rule.apply(context);
      if (explanation != null) {
        return explanation;
      }
    }
    if (touched != null) {
      return Explanation.follows(
          touched, "this event acts on state that differs between the sides");
    }
    return Explanation.unexplained(
        context.step,
        "no rule explains "
            + context.leftErrno()
            + " against "
            + context.rightErrno()
            + " for this "
            + context.event.getOpCase().name().toLowerCase(Locale.ROOT));
  }

  private @Nullable Explanation unmapIgnoredByDriver(StepContext c) {
    if (!isUnmap(c) || !(oneOf(c, "BUG") || oneOf(c, "EDEADLOCK"))) {
      return null;
    }
    ContainerState left = c.leftContainer();
    ContainerState right = c.rightContainer();
    if (!(left != null && left.ignoredPinsHeld() || right != null && right.ignoredPinsHeld())) {
      return null;
    }
    return direct(
        c,
        Rule.UNMAP_IGNORED_BY_DRIVER,
        "an emulated group's driver ignores the dma_unmap callback and keeps its pins: type1"
            + " notifies the same vfio_dma more than 10 times and hits BUG_ON (the kernel"
            + " crashes), iommufd retries 100 times and fails EDEADLOCK");
  }

  private @Nullable Explanation wrapErrno(StepContext c) {
    if (!c.leftErrno().equals("EINVAL") || c.rightErrno().equals("EINVAL")) {
      return null;
    }
    String what;
    switch (c.event.getOpCase()) {
      case MAPDMA -> {
        MapDma map = c.event.getMapDma();
        if (Ranges.wraps(map.getIova(), map.getSize())) {
          what = "iova + size";
        } else if (Ranges.wraps(map.getVaddr(), map.getSize())) {
          what = "vaddr + size";
        } else {
          return null;
        }
      }
      case UNMAPDMA -> {
        UnmapDma unmap = c.event.getUnmapDma();
        if (unmap.getAll() || !Ranges.wraps(unmap.getIova(), unmap.getSize())) {
          return null;
        }
        what = "iova + size";
      }
      default -> {
        return null;
      }
    }
    return direct(
        c,
        Rule.WRAP_ERRNO,
        what
            + " wraps past 2^64: type1 refuses it as EINVAL, iommufd as EOVERFLOW ("
            + c.rightErrno()
            + " here)");
  }

  private @Nullable Explanation pinMaxEntries(StepContext c) {
    if (!c.event.hasPinPages()
        || !c.leftErrno().equals("E2BIG")
        || Integer.toUnsignedLong(c.event.getPinPages().getNpage())
            <= Type1Forecast.PIN_PAGES_MAX_ENTRIES) {
      return null;
    }
    return direct(
        c,
        Rule.PIN_MAX_ENTRIES,
        "a pin of "
            + Integer.toUnsignedString(c.event.getPinPages().getNpage())
            + " pages: the type1 container path refuses more than 512 pages per call (E2BIG);"
            + " the iommufd access path has no such limit");
  }

  private @Nullable Explanation pinV1Container(StepContext c) {
    ContainerState left = c.leftContainer();
    if (!c.event.hasPinPages() || !c.leftErrno().equals("EACCES") || left == null || !left.isV1()) {
      return null;
    }
    return direct(
        c,
        Rule.PIN_V1_CONTAINER,
        "container "
            + left.id()
            + " is TYPE1 (v1): type1 refuses mdev pins there (EACCES); iommufd has no v1 and"
            + " checks the pin as any other");
  }

  private @Nullable Explanation noIommuSet(StepContext c) {
    if (!c.leftErrno().equals("EINVAL")) {
      return null;
    }
    boolean containerOp = c.event.hasMapDma() || c.event.hasUnmapDma();
    boolean deviceOp = c.event.hasPinPages() || c.event.hasDmaRw();
    ContainerState left = c.leftContainer();
    if (!(containerOp || deviceOp) || left == null || left.type() != null) {
      return null;
    }
    String type1 =
        left.releasedAt() >= 0
            ? "type1 released the backend of container "
                + left.id()
                + " when its last group left at step "
                + left.releasedAt()
                + " and refuses "
            : "type1 refuses ";
    type1 +=
        deviceOp
            ? "mdev pins before VFIO_SET_IOMMU (the device is not open yet: EINVAL)"
            : "container ioctls before VFIO_SET_IOMMU (EINVAL)";
    String other;
    if (c.rightErrno().equals("ENODEV")) {
      other = "vfio_compat has no IOAS before the first group attach (ENODEV)";
    } else if (c.comparison.rightSemantics() == Semantics.COMPAT) {
      other = "vfio_compat needs only the compat IOAS that the group attach created";
    } else {
      other = "native iommufd needs no VFIO_SET_IOMMU and maps an IOAS without a domain lazily";
    }
    return direct(c, Rule.NO_IOMMU_SET, type1 + "; " + other);
  }

  private @Nullable Explanation setIommuRepeat(StepContext c) {
    ContainerState left = c.leftContainer();
    if (!c.event.hasSetIommu() || !c.errnos("EINVAL", OK) || left == null) {
      return null;
    }
    String why;
    if (left.type() != null) {
      why = "container " + left.id() + " already has an IOMMU type";
    } else if (left.groups().isEmpty()) {
      why = "container " + left.id() + " has no group";
    } else {
      return null;
    }
    return direct(
        c,
        Rule.SET_IOMMU_REPEAT,
        "type1 accepts VFIO_SET_IOMMU once and only with a group (EINVAL: "
            + why
            + "); vfio_compat accepts it again and native iommufd has no such call");
  }

  private @Nullable Explanation mapNoPermission(StepContext c) {
    if (!c.event.hasMapDma()
        || c.event.getMapDma().getRead()
        || c.event.getMapDma().getWrite()
        || !c.leftErrno().equals("EINVAL")) {
      return null;
    }
    return direct(
        c,
        Rule.MAP_NO_PERMISSION,
        "a map with neither READ nor WRITE: type1 refuses it (EINVAL); vfio_compat does not check"
            + " and only an IOMMU domain's driver refuses such a map ("
            + c.rightErrno()
            + " here)");
  }

  private @Nullable Explanation mmioMap(StepContext c) {
    boolean failures =
        oneOf(c, "EFAULT") || c.event.hasPinPages() && c.leftErrno().equals("EINVAL");
    if (!failures || !touchesMmio(c)) {
      return null;
    }
    return direct(
        c,
        Rule.MMIO_MAP,
        "the memory is a device BAR mapping (VM_PFNMAP): type1 maps its reserved PFNs without"
            + " pinning or charging them and refuses mdev pins of them (EINVAL);"
            + " iommufd cannot pin PFNMAP memory (EFAULT, at map time with a domain, else when a"
            + " domain or a pin first needs the pages)");
  }

  private @Nullable Explanation dmaEntryLimit(StepContext c) {
    if (!c.event.hasMapDma() || !c.leftErrno().equals("ENOSPC")) {
      return null;
    }
    return direct(
        c,
        Rule.DMA_ENTRY_LIMIT,
        "type1 allows dma_entry_limit ("
            + c.facts.dmaEntryLimit()
            + ") mappings per container and refuses more (ENOSPC); iommufd has no count limit"
            + " (DMA_AVAIL reports U32_MAX)");
  }

  private @Nullable Explanation perUserLimit(StepContext c) {
    if (!c.comparison.rightUserMode()
        || !c.rightErrno().equals("ENOMEM")
        || c.leftErrno().equals("ENOMEM")) {
      return null;
    }
    Task caller = c.facts.task(c.event.getPid());
    if (caller == null || caller.getCapIpcLock()) {
      return null;
    }
    long others = 0;
    long total = 0;
    for (TaskAccounting task : c.rightBefore.getTasksList()) {
      Task spec = c.facts.task(task.getPid());
      if (spec == null || spec.getUid() != caller.getUid() || spec.getCapIpcLock()) {
        continue;
      }
      total += task.getPinnedVmPages();
      if (task.getPid() != caller.getPid()) {
        others += task.getPinnedVmPages();
      }
    }
    if (others == 0) {
      return null;
    }
    return direct(
        c,
        Rule.PER_USER_LIMIT,
        "iommufd's USER accounting checks the total of uid "
            + Integer.toUnsignedString(caller.getUid())
            + " ("
            + total
            + " pages, "
            + others
            + " of them charged by its other processes) against the RLIMIT_MEMLOCK of pid "
            + Integer.toUnsignedString(caller.getPid())
            + " ("
            + pages(c.facts.memlockPages(caller.getPid()))
            + "); type1 checks each process's own mm->locked_vm");
  }

  /** ENOMEM on the side that had already charged more: the limit was reached earlier there. */
  private @Nullable Explanation chargeDifference(StepContext c) {
    boolean leftFailed = c.leftErrno().equals("ENOMEM");
    if (leftFailed == c.rightErrno().equals("ENOMEM")) {
      return null;
    }
    int index = taskIndex(c, c.event.getPid());
    if (index < 0) {
      return null;
    }
    long before = charges.previous(index);
    Origin origin = charges.origin(index);
    boolean failedSideHadMore = leftFailed ? before < 0 : before > 0;
    if (!failedSideHadMore || origin == null) {
      return null;
    }
    return Explanation.follows(
        origin,
        (leftFailed ? "type1" : c.comparison.right())
            + " fails ENOMEM because pid "
            + Integer.toUnsignedString(c.event.getPid())
            + " had "
            + Math.abs(before)
            + " more pages charged there, a difference that dates");
  }

  private @Nullable Explanation bisectUnmap(StepContext c) {
    ContainerState left = c.leftContainer();
    IovaRange range = c.range();
    if (!isUnmap(c)
        || range == null
        || left == null
        || left.isV1()
        || !c.leftErrno().equals("EINVAL")
        || Unmaps.coversWholeMappings(left, range.first(), range.last())) {
      return null;
    }
    Mapping cut = firstCut(left, range);
    return direct(
        c,
        Rule.BISECT_UNMAP,
        "the unmap "
            + range(range.first(), range.last())
            + " cuts the mapping "
            + range(cut.iova(), cut.last())
            + ": type1 v2 refuses it before removing anything (EINVAL); iommufd never splits an"
            + " area and fails ENOENT after removing the areas before it (not atomic)");
  }

  private @Nullable Explanation v1PartialUnmap(StepContext c) {
    ContainerState left = c.leftContainer();
    IovaRange range = c.range();
    if (!isUnmap(c)
        || range == null
        || left == null
        || !left.isV1()
        || Unmaps.coversWholeMappings(left, range.first(), range.last())) {
      return null;
    }
    Mapping cut = firstCut(left, range);
    String right =
        c.comparison.rightSemantics() == Semantics.COMPAT
            ? "vfio_compat splits the mappings and unmaps exactly the range"
            : "native IOAS_UNMAP never splits an area: it fails ENOENT, or convert translated"
                + " the unmap to type1's outcome (V1_PARTIAL_UNMAP)";
    return direct(
        c,
        Rule.V1_PARTIAL_UNMAP,
        "TYPE1 (v1) unmap "
            + range(range.first(), range.last())
            + " cuts the mapping "
            + range(cut.iova(), cut.last())
            + ": type1 removes whole mappings whose start the range covers, or nothing if it"
            + " starts inside one; "
            + right);
  }

  private @Nullable Explanation unmapUnaligned(StepContext c) {
    if (!isUnmap(c) || c.event.getUnmapDma().getAll() || !c.leftErrno().equals("EINVAL")) {
      return null;
    }
    long pageSize = c.facts.pageSize();
    UnmapDma unmap = c.event.getUnmapDma();
    if (Long.remainderUnsigned(unmap.getIova(), pageSize) == 0
        && Long.remainderUnsigned(unmap.getSize(), pageSize) == 0) {
      return null;
    }
    return direct(
        c,
        Rule.UNMAP_UNALIGNED,
        "the unmap's iova or size is not a multiple of the IOMMU page size: type1 refuses it"
            + " (EINVAL); iommufd only asks whether whole areas lie in the range ("
            + c.rightErrno()
            + " here)");
  }

  private @Nullable Explanation unmapAllWithRange(StepContext c) {
    if (!isUnmap(c)) {
      return null;
    }
    UnmapDma unmap = c.event.getUnmapDma();
    if (!unmap.getAll()
        || unmap.getIova() == 0 && unmap.getSize() == 0
        || !c.leftErrno().equals("EINVAL")) {
      return null;
    }
    return direct(
        c,
        Rule.UNMAP_ALL_WITH_RANGE,
        "type1 refuses VFIO_DMA_UNMAP_FLAG_ALL with a non-zero iova or size (EINVAL); IOAS_UNMAP"
            + " has no such flag (convert drops the event, UNMAP_ALL_WITH_RANGE; a replay that"
            + " sends an unmap of everything instead removes everything)");
  }

  private @Nullable Explanation emptyUnmap(StepContext c) {
    IovaRange range = c.range();
    if (!isUnmap(c) || range == null || !c.errnos(OK, "ENOENT")) {
      return null;
    }
    if (!isEmpty(c.leftContainer(), range) || !isEmpty(c.rightContainer(), range)) {
      return null;
    }
    return direct(
        c,
        Rule.EMPTY_UNMAP,
        "nothing is mapped in "
            + range(range.first(), range.last())
            + ": type1 succeeds and reports 0, native IOAS_UNMAP fails ENOENT (QEMU ignores it)");
  }

  private @Nullable Explanation unmappedIovaErrno(StepContext c) {
    IovaRange range = c.range();
    if (!(c.event.hasPinPages() || c.event.hasDmaRw())
        || range == null
        || !c.errnos("EINVAL", "ENOENT")) {
      return null;
    }
    ContainerState left = c.leftContainer();
    ContainerState right = c.rightContainer();
    if (left == null
        || right == null
        || left.covers(range.first(), range.last())
        || right.covers(range.first(), range.last())) {
      return null;
    }
    return direct(
        c,
        Rule.UNMAPPED_IOVA_ERRNO,
        range(range.first(), range.last())
            + " is not entirely mapped: type1 finds no vfio_dma (EINVAL), iommufd no area"
            + " (ENOENT)");
  }

  private static boolean touchesMmio(StepContext c) {
    HeaderFacts facts = c.facts;
    switch (c.event.getOpCase()) {
      case MAPDMA -> {
        MapDma map = c.event.getMapDma();
        return facts.touchesMmio(c.event.getPid(), map.getVaddr(), map.getSize());
      }
      case PINPAGES, DMARW -> {
        IovaRange range = c.range();
        return range != null
            && (mmioMapped(facts, c.leftContainer(), range)
                || mmioMapped(facts, c.rightContainer(), range));
      }
      case GROUPATTACH -> {
        ContainerState right = c.rightContainer();
        return c.event.getGroupAttach().getKind() == GroupKind.IOMMU
            && right != null
            && right.mappings().stream()
                .anyMatch(m -> facts.touchesMmio(m.pid(), m.vaddr(), m.size()));
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean mmioMapped(
      HeaderFacts facts, @Nullable ContainerState container, IovaRange range) {
    if (container == null) {
      return false;
    }
    for (Mapping mapping : container.intersecting(range.first(), range.last())) {
      long first =
          Long.compareUnsigned(mapping.iova(), range.first()) >= 0 ? mapping.iova() : range.first();
      long last =
          Long.compareUnsigned(mapping.last(), range.last()) <= 0 ? mapping.last() : range.last();
      if (facts.touchesMmio(
          mapping.pid(), mapping.vaddr() + (first - mapping.iova()), last - first + 1)) {
        return true;
      }
    }
    return false;
  }

  private static Mapping firstCut(ContainerState container, IovaRange range) {
    for (Mapping mapping : container.intersecting(range.first(), range.last())) {
      if (!Ranges.contains(range.first(), range.last(), mapping)) {
        return mapping;
      }
    }
    throw new IllegalStateException("no mapping cut by " + range);
  }

  private static boolean isEmpty(@Nullable ContainerState container, IovaRange range) {
    return container == null || container.intersecting(range.first(), range.last()).isEmpty();
  }

  private static boolean isUnmap(StepContext c) {
    return c.event.hasUnmapDma();
  }

  private static boolean oneOf(StepContext c, String errno) {
    return c.leftErrno().equals(errno) || c.rightErrno().equals(errno);
  }

  private static int taskIndex(StepContext c, int pid) {
    for (int i = 0; i < c.leftBefore.getTasksCount(); i++) {
      if (c.leftBefore.getTasks(i).getPid() == pid) {
        return i;
      }
    }
    return -1;
  }

  private static String pages(long pages) {
    return pages == -1L ? "unlimited" : Long.toUnsignedString(pages) + " pages";
  }

  private static Explanation direct(StepContext c, Rule rule, String text) {
    return Explanation.direct(rule, c.step, c.range(), text);
  }
}
