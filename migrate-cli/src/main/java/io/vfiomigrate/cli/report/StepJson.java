package io.vfiomigrate.cli.report;

import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.UserAccounting;

/**
 * {@code replay --json}: a {@code ReplayResult} streamed one step at a time, exactly as protobuf's
 * printer prints the whole message (a test holds the two equal).
 */
public final class StepJson {
  private final JsonArrayWriter writer;

  public StepJson(Appendable out, String backend) {
    this.writer =
        new JsonArrayWriter(
            out, JsonArrayWriter.field("backend", JsonText.string(backend)), "steps");
  }

  public void step(StepResult step) {
    StringBuilder body = new StringBuilder(512);
    line(body, 4, "index", JsonText.uint32(step.getIndex()), true);
    line(body, 4, "op", JsonText.string(step.getOp()), true);
    line(body, 4, "errno", JsonText.string(step.getErrno()), true);
    line(body, 4, "unmapped", JsonText.uint64(step.getUnmapped()), step.hasAccounting());
    if (step.hasAccounting()) {
      body.append("    \"accounting\": {\n");
      accounting(body, step.getAccounting());
      body.append("    }\n");
    }
    writer.element(body.toString());
  }

  public void finish() {
    writer.finish();
  }

  private static void accounting(StringBuilder body, AccountingSnapshot snapshot) {
    body.append("      \"tasks\": [");
    for (int i = 0; i < snapshot.getTasksCount(); i++) {
      TaskAccounting task = snapshot.getTasks(i);
      body.append(i == 0 ? "{\n" : "}, {\n");
      line(body, 8, "pid", JsonText.uint32(task.getPid()), true);
      line(body, 8, "lockedVmPages", JsonText.uint64(task.getLockedVmPages()), true);
      line(body, 8, "pinnedVmPages", JsonText.uint64(task.getPinnedVmPages()), false);
      body.append("      ");
    }
    body.append(snapshot.getTasksCount() == 0 ? "],\n" : "}],\n");
    body.append("      \"users\": [");
    for (int i = 0; i < snapshot.getUsersCount(); i++) {
      UserAccounting user = snapshot.getUsers(i);
      body.append(i == 0 ? "{\n" : "}, {\n");
      line(body, 8, "uid", JsonText.uint32(user.getUid()), true);
      line(body, 8, "lockedVmPages", JsonText.uint64(user.getLockedVmPages()), false);
      body.append("      ");
    }
    body.append(snapshot.getUsersCount() == 0 ? "],\n" : "}],\n");
    line(body, 6, "pinnedPages", JsonText.uint64(snapshot.getPinnedPages()), true);
    line(body, 6, "pinRefs", JsonText.uint64(snapshot.getPinRefs()), false);
  }

  static void line(StringBuilder body, int indent, String name, String value, boolean comma) {
    body.append(" ".repeat(indent)).append('"').append(name).append("\": ").append(value);
    body.append(comma ? ",\n" : "\n");
  }
}
