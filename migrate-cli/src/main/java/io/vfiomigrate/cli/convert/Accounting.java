package io.vfiomigrate.cli.convert;

import io.vfiomigrate.cli.UsageException;
import java.util.Locale;

/** {@code --accounting user|mm}: which counter a converted program's pins are charged to. */
public enum Accounting {
  /** Native /dev/iommu's default: user_struct->locked_vm (IOPT_PAGES_ACCOUNT_USER). */
  USER,
  /** IOMMU_OPTION_RLIMIT_MODE = 1: mm->locked_vm, as type1 and vfio_compat charge. */
  MM;

  /** Parses an option value; {@code option} names the option in the error. */
  public static Accounting parse(String value, String option) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": expected user or mm, got \"" + value + "\"", e);
    }
  }
}
