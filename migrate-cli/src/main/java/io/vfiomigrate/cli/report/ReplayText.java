package io.vfiomigrate.cli.report;

import static io.vfiomigrate.cli.HumanFormat.sizeWithPages;
import static io.vfiomigrate.cli.HumanFormat.u32;

import io.vfiomigrate.cli.replay.Snapshots;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.UserAccounting;
import io.vfiomigrate.trace.TraceHeaders;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The human form of a replay, streamed one row per step: errno, unmapped size, each task's
 * VmLck/VmPin and each user's locked_vm in pages, pinned pages/references, and the event. Columns
 * have fixed widths from the header so rows print as they come; a wider value shifts its row. A
 * closing summary gives each counter's final value and peak with sizes.
 */
public final class ReplayText {
  private static final int STEP = 6;
  private static final int ERRNO = 10;
  private static final int UNMAPPED = 24;

  private final PrintStream out;
  private final long pageSize;
  private final List<String> headers = new ArrayList<>();
  private final int[] widths;
  private final long[] peaks;
  private final long[] peakSteps;
  private @Nullable AccountingSnapshot last;

  public ReplayText(PrintStream out, TraceHeader header, String title) {
    this.out = out;
    this.pageSize = TraceHeaders.pageSize(header);
    AccountingSnapshot zero = Snapshots.zero(header);
    for (TaskAccounting task : zero.getTasksList()) {
      headers.add("pid " + u32(task.getPid()) + " VmLck/VmPin");
    }
    for (UserAccounting user : zero.getUsersList()) {
      headers.add("uid " + u32(user.getUid()) + " locked");
    }
    headers.add("pinned/refs");
    widths = headers.stream().mapToInt(h -> Math.max(h.length(), 12)).toArray();
    int counters = 2 * zero.getTasksCount() + zero.getUsersCount() + 2;
    peaks = new long[counters];
    peakSteps = new long[counters];
    out.println(title);
    StringBuilder line = new StringBuilder();
    cell(line, "step", STEP, true);
    cell(line, "errno", ERRNO, false);
    cell(line, "unmapped", UNMAPPED, false);
    for (int i = 0; i < headers.size(); i++) {
      cell(line, headers.get(i), widths[i], false);
    }
    out.println(line.append("event"));
  }

  /** One row: {@code event} describes what the step did (see {@link EventText}). */
  public void step(StepResult step, String event) {
    StringBuilder line = new StringBuilder(160);
    cell(line, Integer.toUnsignedString(step.getIndex()), STEP, true);
    cell(line, step.getErrno(), ERRNO, false);
    cell(
        line,
        step.getUnmapped() == 0 ? "-" : sizeWithPages(step.getUnmapped(), pageSize),
        UNMAPPED,
        false);
    AccountingSnapshot accounting = step.getAccounting();
    int column = 0;
    int counter = 0;
    for (TaskAccounting task : accounting.getTasksList()) {
      cell(line, task.getLockedVmPages() + "/" + task.getPinnedVmPages(), widths[column++], false);
      peak(counter++, task.getLockedVmPages(), step);
      peak(counter++, task.getPinnedVmPages(), step);
    }
    for (UserAccounting user : accounting.getUsersList()) {
      cell(line, Long.toString(user.getLockedVmPages()), widths[column++], false);
      peak(counter++, user.getLockedVmPages(), step);
    }
    cell(line, accounting.getPinnedPages() + "/" + accounting.getPinRefs(), widths[column], false);
    peak(counter++, accounting.getPinnedPages(), step);
    peak(counter, accounting.getPinRefs(), step);
    out.println(line.append(event));
    last = accounting;
  }

  /** The final value and the peak of every counter. */
  public void finish() {
    if (last == null) {
      out.println("no events");
      return;
    }
    out.println();
    out.println("after the last step (peak in brackets):");
    int counter = 0;
    for (TaskAccounting task : last.getTasksList()) {
      out.println(
          "  pid "
              + u32(task.getPid())
              + " VmLck "
              + pagesWithPeak(task.getLockedVmPages(), counter++));
      out.println(
          "  pid "
              + u32(task.getPid())
              + " VmPin "
              + pagesWithPeak(task.getPinnedVmPages(), counter++));
    }
    for (UserAccounting user : last.getUsersList()) {
      out.println(
          "  uid "
              + u32(user.getUid())
              + " locked_vm "
              + pagesWithPeak(user.getLockedVmPages(), counter++));
    }
    out.println("  pinned pages " + pagesWithPeak(last.getPinnedPages(), counter++));
    out.println(
        "  pin references "
            + last.getPinRefs()
            + " ["
            + peaks[counter]
            + " at step "
            + peakSteps[counter]
            + "]");
  }

  private String pagesWithPeak(long pages, int counter) {
    return sizeWithPages(pages * pageSize, pageSize)
        + " ["
        + sizeWithPages(peaks[counter] * pageSize, pageSize)
        + " at step "
        + peakSteps[counter]
        + "]";
  }

  private void peak(int counter, long value, StepResult step) {
    if (value > peaks[counter]) {
      peaks[counter] = value;
      peakSteps[counter] = Integer.toUnsignedLong(step.getIndex());
    }
  }

  private static void cell(StringBuilder line, String text, int width, boolean right) {
    String pad = " ".repeat(Math.max(0, width - text.length()));
    line.append(right ? pad + text : text + pad).append("  ");
  }
}
