package io.vfiomigrate.cli.convert;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IommufdOp;
import java.util.List;

/** What one type1 event became: its iommufd ops, in order, and the warnings it raised. */
public record Conversion(List<IommufdOp> ops, List<ConversionWarning> warnings) {
  public Conversion {
    requireNonNull(ops, "ops is null");
    requireNonNull(warnings, "warnings is null");
  }
}
