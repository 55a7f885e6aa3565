package io.vfiomigrate.cli.replay;

import io.vfiomigrate.proto.IommufdOp;

/**
 * One replay of an iommufd program on one host, fed one op at a time in program order. What an
 * implementation must do:
 *
 * <ul>
 *   <li><b>Caller.</b> Every op runs as its {@code pid}'s task of the host (current): its mm is
 *       pinned from and charged, its RLIMIT_MEMLOCK and capabilities are checked.
 *   <li><b>Ids.</b> {@code ctx} names an iommufd file the program opened; ioas, device and access
 *       ids are the program's own, per context, mapped to the ids the context hands out. An op on a
 *       context that is not open fails EBADF; an unknown IOAS or device fails ENOENT; access ops on
 *       an access that does not exist fail EINVAL, and so do pins and reads through one that is not
 *       attached (vfio_pin_pages on a device that is not open).
 *   <li><b>Accesses.</b> accessCreate makes an access whose unmap callback is a {@code
 *       TrackingMdevDriver} with the op's {@code onUnmap} policy; accessPin and accessUnpin go
 *       through that driver, so the callback releases exactly what was pinned. An unpin of a range
 *       never pinned changes nothing (the kernel WARNs).
 *   <li><b>Results.</b> Failures throw {@code KernelException} with the kernel's errno; {@code
 *       KernelBug} where the kernel would crash. {@code close} destroys everything the context
 *       holds and never fails.
 * </ul>
 */
public interface ProgramSession {
  /**
   * Performs {@code op}.
   *
   * @return the bytes an ioasUnmap unmapped (the length IOMMU_IOAS_UNMAP writes back); 0 for every
   *     other op
   * @throws io.vfiomigrate.api.KernelException with the errno the kernel returns
   * @throws io.vfiomigrate.api.KernelBug where the kernel would crash
   */
  long apply(IommufdOp op);
}
