package io.vfiomigrate.iommufd.ioas;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.context.ObjectKind;
import io.vfiomigrate.iommufd.iopt.AccountMode;
import io.vfiomigrate.iommufd.iopt.IoPagetable;
import io.vfiomigrate.iommufd.iopt.PagesList;
import java.util.List;

/**
 * The IOAS ioctls of {@code ioas.c}: each checks its arguments in the kernel's order, looks
 * the objects up, and makes one io_pagetable call. No data-structure logic lives here.
 */
public final class IoasCommands {
  private static final int MAP_FLAGS =
      IoasMapRequest.FIXED_IOVA | IoasMapRequest.WRITEABLE | IoasMapRequest.READABLE;

  private final IommufdContext ctx;

  public IoasCommands(IommufdContext ctx) {
    this.ctx = requireNonNull(ctx, "ctx is null");
  }

  /**
   * {@code IOMMU_IOAS_ALLOC}.
   *
   * @throws KernelException ENOMEM (injected)
   */
  public Ioas alloc() {
    Ioas ioas = allocUnpublished();
    ctx.objects().publish(ioas);
    return ioas;
  }

  /** {@code iommufd_ioas_alloc}: reserved in the table but not yet visible. */
  public Ioas allocUnpublished() {
    Ioas ioas = new Ioas(ctx.env());
    ctx.objects().reserve(ioas);
    return ioas;
  }

  /**
   * {@code iommufd_get_ioas}.
   *
   * @throws KernelException ENOENT
   */
  public Ioas get(int ioasId) {
    return (Ioas) ctx.objects().get(ioasId, ObjectKind.IOAS);
  }

  /**
   * {@code IOMMU_IOAS_IOVA_RANGES} with room for {@code maxRanges}.
   *
   * @throws KernelException ENOENT; EMSGSIZE if more ranges exist, with the count needed as
   *     {@link KernelException#partialResult()}
   */
  public IovaRanges iovaRanges(int ioasId, int maxRanges) {
    IoPagetable iopt = get(ioasId).iopt();
    List<IovaRange> ranges = iopt.iovaRanges();
    if (ranges.size() > maxRanges) {
      throw KernelException.of(Errno.EMSGSIZE, "IOMMU_IOAS_IOVA_RANGES: %d ranges, room for %d",
          ranges.size(), maxRanges).withPartialResult(ranges.size());
    }
    return new IovaRanges(ranges, iopt.iovaAlignment());
  }

  /**
   * {@code IOMMU_IOAS_ALLOW_IOVAS}: replaces the allowed ranges.
   *
   * @throws KernelException ENOENT; EINVAL, EADDRINUSE, ENOMEM (see
   *     {@link IoPagetable#setAllowIova})
   */
  public void allowIovas(int ioasId, List<IovaRange> ranges) {
    get(ioasId).iopt().setAllowIova(ranges);
  }

  /**
   * {@code IOMMU_IOAS_MAP} by {@code current}.
   *
   * @return the IOVA mapped
   * @throws KernelException EOPNOTSUPP for unknown flags; EOVERFLOW for an IOVA or length of
   *     U64_MAX; EINVAL without READABLE or WRITEABLE; ENOENT for a bad IOAS; then the errors
   *     of {@link IoPagetable#mapUserPages}
   */
  public long map(Task current, IoasMapRequest request) {
    if ((request.flags() & ~MAP_FLAGS) != 0) {
      throw KernelException.of(Errno.EOPNOTSUPP, "IOMMU_IOAS_MAP: flags %#x", request.flags());
    }
    if (request.iova() == U64.MAX || request.length() == U64.MAX) {
      throw KernelException.of(Errno.EOVERFLOW, "IOMMU_IOAS_MAP: iova or length is U64_MAX");
    }
    Prot prot = prot(request.flags(), "IOMMU_IOAS_MAP");
    Ioas ioas = get(request.ioasId());
    return ioas.iopt().mapUserPages(current, ctx.accountMode(), request.iova(),
        request.userVa(), request.length(), prot, !fixed(request.flags()));
  }

  /**
   * {@code IOMMU_IOAS_COPY}: new areas in the destination share the source's pages; nothing is
   * pinned twice and the charge stays with the original mapper.
   *
   * @return the destination IOVA
   * @throws KernelException EOPNOTSUPP, EOVERFLOW, EINVAL as for map; ENOENT for a bad source,
   *     a range not fully mapped in it, or a bad destination; then the map errors
   */
  public long copy(IoasCopyRequest request) {
    if ((request.flags() & ~MAP_FLAGS) != 0) {
      throw KernelException.of(Errno.EOPNOTSUPP, "IOMMU_IOAS_COPY: flags %#x", request.flags());
    }
    if (request.length() == U64.MAX || request.srcIova() == U64.MAX
        || request.dstIova() == U64.MAX) {
      throw KernelException.of(Errno.EOVERFLOW, "IOMMU_IOAS_COPY: a value is U64_MAX");
    }
    Prot prot = prot(request.flags(), "IOMMU_IOAS_COPY");
    Ioas src = get(request.srcIoasId());
    try (PagesList pages = src.iopt().getPages(request.srcIova(), request.length())) {
      Ioas dst = get(request.dstIoasId());
      return dst.iopt().mapPages(pages, request.length(), request.dstIova(), prot,
          !fixed(request.flags()));
    }
  }

  /**
   * {@code IOMMU_IOAS_UNMAP}: {@code iova} 0 with {@code length} U64_MAX unmaps everything;
   * otherwise every area inside the range, none of which may straddle it. Not atomic.
   *
   * @return the bytes unmapped
   * @throws KernelException ENOENT for a bad IOAS; EOVERFLOW for an IOVA or length of
   *     U64_MAX (outside unmap-all); EINVAL for a zero length; EOVERFLOW if the range wraps;
   *     ENOENT for a straddling area or when nothing was unmapped; EBUSY, EDEADLOCK (see
   *     {@link IoPagetable#unmapIova}). Nothing is written back on failure.
   */
  public long unmap(int ioasId, long iova, long length) {
    IoPagetable iopt = get(ioasId).iopt();
    try {
      if (iova == 0 && length == U64.MAX) {
        return iopt.unmapAll();
      }
      if (iova == U64.MAX || length == U64.MAX) {
        throw KernelException.of(Errno.EOVERFLOW, "IOMMU_IOAS_UNMAP: iova or length is U64_MAX");
      }
      long unmapped = iopt.unmapIova(iova, length);
      if (unmapped == 0) {
        throw KernelException.of(Errno.ENOENT, "IOMMU_IOAS_UNMAP: nothing mapped in %s",
            IovaRange.ofLength(iova, length));
      }
      return unmapped;
    } catch (KernelException e) {
      // The native ioctl copies nothing back on failure.
      throw e.partialResult().isPresent() ? new KernelException(e.errno(), e.detail()) : e;
    }
  }

  /**
   * {@code IOMMU_OPTION}, as {@code current}.
   *
   * @return the value for a GET, 0 for a SET
   * @throws KernelException see {@link #rlimitMode} and {@link #hugePages}; EOPNOTSUPP for an
   *     unknown option
   */
  public long option(Task current, IommuOption option) {
    switch (option.optionId()) {
      case IommuOption.RLIMIT_MODE:
        return rlimitMode(current, option);
      case IommuOption.HUGE_PAGES:
        return hugePages(get(option.objectId()), option);
      default:
        throw KernelException.of(Errno.EOPNOTSUPP, "IOMMU_OPTION: option %d",
            option.optionId());
    }
  }

  /**
   * {@code iommufd_option_rlimit_mode}: 0 selects USER, 1 MM accounting for later maps.
   *
   * @throws KernelException EOPNOTSUPP for a non-zero object id or unknown op; EPERM without
   *     CAP_SYS_RESOURCE; EBUSY once the context holds any object; EINVAL for other values
   */
  private long rlimitMode(Task current, IommuOption option) {
    if (option.objectId() != 0) {
      throw KernelException.of(Errno.EOPNOTSUPP, "RLIMIT_MODE: object id %d",
          option.objectId());
    }
    if (option.op() == IommuOption.OP_GET) {
      return ctx.accountMode() == AccountMode.MM ? 1 : 0;
    }
    if (option.op() != IommuOption.OP_SET) {
      throw KernelException.of(Errno.EOPNOTSUPP, "RLIMIT_MODE: op %d", option.op());
    }
    if (!current.capSysResource()) {
      throw KernelException.of(Errno.EPERM, "RLIMIT_MODE: pid %d lacks CAP_SYS_RESOURCE",
          current.pid());
    }
    if (!ctx.objects().isEmpty()) {
      throw KernelException.of(Errno.EBUSY, "RLIMIT_MODE: the context already has objects");
    }
    if (option.value() == 0) {
      ctx.setAccountMode(AccountMode.USER);
    } else if (option.value() == 1) {
      ctx.setAccountMode(AccountMode.MM);
    } else {
      throw KernelException.of(Errno.EINVAL, "RLIMIT_MODE: value %d", option.value());
    }
    return 0;
  }

  /**
   * {@code iommufd_ioas_option_huge_pages}.
   *
   * @throws KernelException EINVAL for values other than 0 and 1, or for disabling with both
   *     domains and areas present; EADDRINUSE for areas not page aligned; EOPNOTSUPP for an
   *     unknown op
   */
  private static long hugePages(Ioas ioas, IommuOption option) {
    if (option.op() == IommuOption.OP_GET) {
      return ioas.iopt().largePagesDisabled() ? 0 : 1;
    }
    if (option.op() != IommuOption.OP_SET) {
      throw KernelException.of(Errno.EOPNOTSUPP, "HUGE_PAGES: op %d", option.op());
    }
    if (option.value() == 0) {
      ioas.iopt().disableLargePages();
    } else if (option.value() == 1) {
      ioas.iopt().enableLargePages();
    } else {
      throw KernelException.of(Errno.EINVAL, "HUGE_PAGES: value %d", option.value());
    }
    return 0;
  }

  /**
   * The selftest's {@code IOMMU_TEST_OP_ADD_RESERVED}.
   *
   * @throws KernelException ENOENT, EINVAL/EOVERFLOW for a bad range, EADDRINUSE, ENOMEM
   */
  public void addTestReserved(int ioasId, long start, long length) {
    IovaRange range = IovaRange.ofLength(start, length);
    get(ioasId).iopt().reserveIova(range.first(), range.last(),
        IoPagetable.TEST_RESERVATION_OWNER);
  }

  /** {@code conv_iommu_prot}, requiring READABLE or WRITEABLE. */
  private static Prot prot(int flags, String ioctl) {
    boolean read = (flags & IoasMapRequest.READABLE) != 0;
    boolean write = (flags & IoasMapRequest.WRITEABLE) != 0;
    if (!read && !write) {
      throw KernelException.of(Errno.EINVAL, "%s: neither READABLE nor WRITEABLE", ioctl);
    }
    return new Prot(read, write);
  }

  private static boolean fixed(int flags) {
    return (flags & IoasMapRequest.FIXED_IOVA) != 0;
  }
}
