package io.vfiomigrate.cli;

import static io.vfiomigrate.cli.HumanFormat.bytesExact;
import static io.vfiomigrate.cli.HumanFormat.hex;
import static io.vfiomigrate.cli.HumanFormat.sizeWithPages;
import static io.vfiomigrate.cli.HumanFormat.u32;
import static io.vfiomigrate.cli.HumanFormat.u64;

import io.vfiomigrate.proto.IommuConfig;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.TraceHeaders;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link ValidationSummary} for people; deterministic, one fact per line. */
final class SummaryPrinter {
  /** 4K | 2M | 1G: the IOMMU page sizes when the header does not say. */
  static final long DEFAULT_PGSIZE_BITMAP = (1L << 12) | (1L << 21) | (1L << 30);

  static final int DEFAULT_DMA_ENTRY_LIMIT = 65535;

  private SummaryPrinter() {}

  static void print(ValidationSummary summary, PrintStream out) {
    TraceHeader header = summary.header();
    out.println(
        summary.kind().description()
            + " ("
            + summary.format().name().toLowerCase(Locale.ROOT)
            + "): "
            + "format version "
            + u32(header.getFormatVersion())
            + ", page size "
            + u64(TraceHeaders.pageSize(header))
            + ", kernel "
            + TraceHeaders.kernel(header)
            + (header.getKernel().isEmpty() ? " (default)" : ""));
    if (!header.getSource().isEmpty()) {
      out.println("source: " + oneLine(header.getSource()));
    }
    if (!header.getDescription().isEmpty()) {
      out.println("description: " + oneLine(header.getDescription()));
    }
    out.println("iommu: " + iommu(header));
    out.println("tasks: " + header.getTasksCount());
    for (Task task : header.getTasksList()) {
      out.println("  " + task(task));
    }
    out.println("memory regions: " + header.getMemoryCount());
    long pageSize = TraceHeaders.pageSize(header);
    for (MemoryRegion region : header.getMemoryList()) {
      out.println("  " + region(region, pageSize));
    }
    out.println(
        (summary.kind() == FileKind.TYPE1_TRACE ? "events: " : "ops: ") + summary.records());
    for (Map.Entry<String, Long> count : summary.opCounts().entrySet()) {
      out.println("  " + count.getKey() + " " + count.getValue());
    }
    if (summary.kind() == FileKind.IOMMUFD_PROGRAM) {
      out.println("warnings: " + summary.warnings());
    }
    if (summary.findingCount() == 0) {
      out.println("findings: none");
      return;
    }
    out.println("findings: " + summary.findingCount());
    summary.findings().forEach(out::println);
    long hidden = summary.findingCount() - summary.findings().size();
    if (hidden > 0) {
      out.println("... and " + hidden + " more");
    }
  }

  private static String task(Task task) {
    StringBuilder line =
        new StringBuilder("pid " + u32(task.getPid()) + " uid " + u32(task.getUid()));
    line.append(
        task.getMemlockUnlimited()
            ? " memlock unlimited"
            : " memlock " + bytesExact(task.getMemlockLimit()));
    if (task.getCapIpcLock()) {
      line.append(" CAP_IPC_LOCK");
    }
    return line.toString();
  }

  private static String region(MemoryRegion region, long pageSize) {
    return "pid "
        + u32(region.getPid())
        + " vaddr "
        + hex(region.getVaddr())
        + " size "
        + sizeWithPages(region.getSize(), pageSize)
        + " "
        + region.getBacking().name()
        + (region.getReadOnly() ? " ro" : "");
  }

  private static String iommu(TraceHeader header) {
    IommuConfig iommu = header.getIommu();
    String values =
        "pgsizeBitmap "
            + hex(iommu.hasPgsizeBitmap() ? iommu.getPgsizeBitmap() : DEFAULT_PGSIZE_BITMAP)
            + ", aperture "
            + hex(iommu.hasApertureStart() ? iommu.getApertureStart() : 0)
            + ".."
            + hex(iommu.hasApertureLast() ? iommu.getApertureLast() : -1L)
            + ", dmaEntryLimit "
            + u32(iommu.hasDmaEntryLimit() ? iommu.getDmaEntryLimit() : DEFAULT_DMA_ENTRY_LIMIT);
    return header.hasIommu() ? values : "defaults (" + values + ")";
  }

  /** Free text from a file must not break the one-fact-per-line layout. */
  private static String oneLine(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }
}
