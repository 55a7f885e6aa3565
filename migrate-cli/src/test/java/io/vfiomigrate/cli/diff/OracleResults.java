package io.vfiomigrate.cli.diff;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vfiomigrate.contract.HarnessRoute;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.MessageFiles;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The oracle's ground truth (what Linux 6.12.117 reported per event and backend, in {@code
 * oracle/golden-6.12.json}) as StepResult streams, with the harness quirks of the oracle's README
 * undone so that the figures mean what a model's steps mean:
 *
 * <ul>
 *   <li>a failed unmap reports what the kernel wrote back, not the request's size the harness
 *       printed where it wrote nothing ({@link HarnessRoute#writtenBack});
 *   <li>per-user counters, pinnedPages and pinRefs are not observable: they stay 0 and the diff
 *       compares tasks only.
 * </ul>
 */
public final class OracleResults {
  static final Path DIRECTORY = directory();

  private final Map<String, JsonObject> results = new TreeMap<>();

  private OracleResults(JsonObject golden) {
    for (Map.Entry<String, JsonElement> entry : golden.getAsJsonObject("results").entrySet()) {
      results.put(entry.getKey(), entry.getValue().getAsJsonObject());
    }
  }

  public static OracleResults load() throws IOException {
    try (Reader reader =
        Files.newBufferedReader(DIRECTORY.resolve("golden-6.12.json"), StandardCharsets.UTF_8)) {
      return new OracleResults(JsonParser.parseReader(reader).getAsJsonObject());
    }
  }

  public List<String> traces() {
    return List.copyOf(results.keySet());
  }

  public static Type1Trace trace(String name) {
    return MessageFiles.read(DIRECTORY.resolve(name + ".json"), Type1Trace.getDefaultInstance());
  }

  /** The steps {@code backend} (type1, compat or iommufd) reported for {@code trace}. */
  public List<StepResult> steps(String trace, String backend) {
    Type1Trace type1Trace = trace(trace);
    JsonArray steps = results.get(trace).getAsJsonArray(backend);
    List<StepResult> result = new ArrayList<>();
    for (JsonElement element : steps) {
      JsonObject step = element.getAsJsonObject();
      int index = step.get("index").getAsInt();
      Type1Event event = type1Trace.getEvents(index);
      String errno = step.get("errno").getAsString();
      long unmapped = Long.parseUnsignedLong(step.get("unmapped").getAsString());
      if (event.hasUnmapDma() && !errno.equals("OK")) {
        unmapped = HarnessRoute.writtenBack(backend, errno, unmapped);
      }
      result.add(
          StepResult.newBuilder()
              .setIndex(index)
              .setOp(event.getOpCase().name())
              .setErrno(errno)
              .setUnmapped(unmapped)
              .setAccounting(accounting(type1Trace.getHeader(), step.getAsJsonArray("tasks")))
              .build());
    }
    return result;
  }

  private static AccountingSnapshot accounting(TraceHeader header, JsonArray tasks) {
    AccountingSnapshot.Builder builder =
        io.vfiomigrate.cli.replay.Snapshots.zero(header).toBuilder().clearTasks();
    List<TaskAccounting> sorted = new ArrayList<>();
    for (JsonElement element : tasks) {
      JsonObject task = element.getAsJsonObject();
      sorted.add(
          TaskAccounting.newBuilder()
              .setPid(task.get("pid").getAsInt())
              .setLockedVmPages(task.get("lockedVmPages").getAsLong())
              .setPinnedVmPages(task.get("pinnedVmPages").getAsLong())
              .build());
    }
    sorted.sort(Comparator.comparingInt(TaskAccounting::getPid));
    return builder.addAllTasks(sorted).build();
  }

  private static Path directory() {
    try {
      return Path.of(OracleResults.class.getResource("/oracle/golden-6.12.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
