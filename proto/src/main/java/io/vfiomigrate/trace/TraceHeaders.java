package io.vfiomigrate.trace;

import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import java.util.HashMap;
import java.util.Map;

/**
 * The header rules every reader applies; all other semantic checks belong to {@code vfio-migrate
 * validate}.
 *
 * <ul>
 *   <li>{@code formatVersion} must be 1; 0 (absent) is an error, so that a file of some other kind
 *       that happens to parse is not taken for a trace.
 *   <li>{@code pageSize} must be 4096; 0 (absent) means the default 4096, because proto3 cannot
 *       tell "absent" from 0 and hand-written JSON leaves it out. Readers return the header as
 *       stored; use {@link #pageSize} for the effective value.
 *   <li>Task pids are unique.
 * </ul>
 */
public final class TraceHeaders {
  public static final int FORMAT_VERSION = 1;
  public static final long PAGE_SIZE = 4096;
  public static final String DEFAULT_KERNEL = "6.12";

  private TraceHeaders() {}

  /** The page size in bytes, with 0 read as the default. */
  public static long pageSize(TraceHeader header) {
    return header.getPageSize() == 0 ? PAGE_SIZE : header.getPageSize();
  }

  /** The kernel semantics profile, with empty read as the default. */
  public static String kernel(TraceHeader header) {
    return header.getKernel().isEmpty() ? DEFAULT_KERNEL : header.getKernel();
  }

  /**
   * @throws TraceFormatException MALFORMED_INPUT naming the offending field
   */
  static void check(TraceHeader header, String file) {
    if (header.getFormatVersion() != FORMAT_VERSION) {
      throw TraceFormatException.malformed(
          file,
          "header",
          "formatVersion",
          "unsupported format version "
              + Integer.toUnsignedString(header.getFormatVersion())
              + " (expected "
              + FORMAT_VERSION
              + ")");
    }
    if (header.getPageSize() != 0 && header.getPageSize() != PAGE_SIZE) {
      throw TraceFormatException.malformed(
          file,
          "header",
          "pageSize",
          "unsupported page size "
              + Long.toUnsignedString(header.getPageSize())
              + " (expected "
              + PAGE_SIZE
              + ")");
    }
    Map<Integer, Integer> firstIndexByPid = new HashMap<>();
    for (int i = 0; i < header.getTasksCount(); i++) {
      Task task = header.getTasks(i);
      Integer first = firstIndexByPid.putIfAbsent(task.getPid(), i);
      if (first != null) {
        throw TraceFormatException.malformed(
            file,
            "header",
            "tasks[" + i + "].pid",
            "duplicate pid "
                + Integer.toUnsignedString(task.getPid())
                + " (also tasks["
                + first
                + "])");
      }
    }
  }
}
