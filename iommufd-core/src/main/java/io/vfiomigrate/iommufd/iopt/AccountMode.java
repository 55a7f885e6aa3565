package io.vfiomigrate.iommufd.iopt;

/**
 * {@code IOPT_PAGES_ACCOUNT_*}: which locked-memory counter the pins of an {@link IoptPages}
 * are charged to. Every mode also moves the source mm's {@code pinned_vm}.
 */
public enum AccountMode {
  /** The mapper had CAP_IPC_LOCK: no locked_vm is charged. */
  NONE,
  /** {@code user_struct->locked_vm} of the mapper, against the mapper's RLIMIT_MEMLOCK. */
  USER,
  /** {@code mm->locked_vm} of the mapper, as VFIO type1 does. */
  MM
}
