package io.vfiomigrate.cli.diff;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.shadow.Semantics;

/**
 * The two sides of a diff: type1 on the left, and on the right vfio_compat (MM accounting) or
 * native iommufd (USER accounting unless the program was converted with {@code --accounting mm}).
 * {@code right} is the name reports print.
 */
public record Comparison(
    String left, String right, Semantics rightSemantics, Accounting rightAccounting) {
  public Comparison {
    requireNonNull(left, "left is null");
    requireNonNull(right, "right is null");
    requireNonNull(rightSemantics, "rightSemantics is null");
    requireNonNull(rightAccounting, "rightAccounting is null");
    if (rightSemantics == Semantics.TYPE1) {
      throw new IllegalArgumentException("the right side is compat or iommufd, not type1");
    }
  }

  /** type1 against vfio_compat, which iommufd opens in MM mode like type1's container. */
  public static Comparison againstCompat() {
    return new Comparison("type1", "compat", Semantics.COMPAT, Accounting.MM);
  }

  /** type1 against native iommufd running the converted program. */
  public static Comparison againstIommufd(Accounting accounting) {
    return new Comparison("type1", "iommufd", Semantics.IOMMUFD, accounting);
  }

  boolean rightUserMode() {
    return rightAccounting == Accounting.USER;
  }
}
