package io.vfiomigrate.cli;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.TraceFormat;

/**
 * What {@code validate} learned about a file: its header, how many records of each op it holds, and
 * the findings (the first ones kept, all counted).
 */
record ValidationSummary(
    FileKind kind,
    TraceFormat format,
    TraceHeader header,
    long records,
    ImmutableMap<String, Long> opCounts,
    long warnings,
    long findingCount,
    ImmutableList<Finding> findings) {
  ValidationSummary {
    requireNonNull(kind, "kind is null");
    requireNonNull(format, "format is null");
    requireNonNull(header, "header is null");
    requireNonNull(opCounts, "opCounts is null");
    requireNonNull(findings, "findings is null");
  }
}
