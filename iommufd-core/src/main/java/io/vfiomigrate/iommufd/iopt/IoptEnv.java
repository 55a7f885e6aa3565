package io.vfiomigrate.iommufd.iopt;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.FaultInjector;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.KernelLog;
import io.vfiomigrate.host.PhysicalMemory;

/**
 * What the io_pagetable and pages code needs from its surroundings: the host (memory, fault
 * injection, the kernel log) and the {@code TEMP_MEMORY_LIMIT} knob that caps temporary
 * buffers. One per iommufd context; the kernel's knob is a module global that only the
 * selftest changes ({@code IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT}).
 */
public final class IoptEnv {
  public static final long PAGE_SIZE = 4096;
  public static final int PAGE_SHIFT = 12;
  /** pages.c {@code TEMP_MEMORY_LIMIT} outside test kernels. */
  public static final long DEFAULT_TEMP_MEMORY_LIMIT = 65536;
  /** The selftest's {@code mock_domain_limit} variant: one-entry PFN batches. */
  public static final long MOCK_DOMAIN_LIMIT = 16;

  private final Host host;
  private long tempMemoryLimit = DEFAULT_TEMP_MEMORY_LIMIT;
  private int nextPagesId = 1;

  public IoptEnv(Host host) {
    this.host = requireNonNull(host, "host is null");
  }

  public FaultInjector faults() {
    return host.faults();
  }

  public KernelLog log() {
    return host.log();
  }

  public PhysicalMemory memory() {
    return host.memory();
  }

  public long tempMemoryLimit() {
    return tempMemoryLimit;
  }

  /**
   * {@code iommufd_test_memory_limit}: caps every temporary buffer at {@code bytes}.
   *
   * @throws IllegalArgumentException below {@link PfnBatch#ELEMENT_SIZE}, which the kernel's
   *     test build refuses with a WARN (a batch must hold one entry)
   */
  public void setTempMemoryLimit(long bytes) {
    if (bytes < PfnBatch.ELEMENT_SIZE) {
      throw new IllegalArgumentException("TEMP_MEMORY_LIMIT " + bytes + " holds no batch entry");
    }
    tempMemoryLimit = bytes;
  }

  /**
   * {@code temp_kmalloc}: the size in bytes of a temporary buffer asked for {@code size}
   * bytes. Below {@code backupLen} the caller's backup is used; otherwise the size is capped
   * at the limit. Only callers without a backup can fail.
   *
   * @throws io.vfiomigrate.api.KernelException ENOMEM (injected) when there is no backup
   */
  long tempAlloc(long size, long backupLen, String site) {
    if (size < backupLen) {
      return size;
    }
    if (backupLen == 0) {
      faults().check(FaultPoint.ALLOC, site);
    }
    return Math.min(size, tempMemoryLimit);
  }

  /** A name for the next {@link IoptPages}, for dumps only; the kernel has none. */
  int nextPagesId() {
    return nextPagesId++;
  }

  /**
   * {@code iommufd_should_fail()} at a site whose caller returns {@code errno} rather than
   * the fault point's own errno.
   *
   * @throws KernelException {@code errno} (injected)
   */
  void shouldFail(FaultPoint point, Errno errno, String site) {
    try {
      faults().check(point, site);
    } catch (KernelException e) {
      throw new KernelException(errno, e.detail());
    }
  }

  /** A kzalloc of a small object: the fault point of every allocation the model makes. */
  void kzalloc(String site) {
    faults().check(FaultPoint.ALLOC, site);
  }
}
