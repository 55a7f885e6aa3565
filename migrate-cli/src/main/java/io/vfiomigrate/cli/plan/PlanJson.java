package io.vfiomigrate.cli.plan;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * {@code plan --json}: {@code {"libvirtLimitBytes": N, "libvirtLimit": "set", "models": [{"model":
 * "type1", "minMemlockBytes": N, "libvirtSuffices": true, "reason": "...", "highWaterStep": N}]}}.
 *
 * <p>Sizes are JSON numbers (a limit fits in 63 bits). {@code libvirtLimit} is {@code set}, {@code
 * unlimited} (then {@code libvirtLimitBytes} is null) or {@code unchanged} (libvirt leaves the
 * limit alone; null too). {@code highWaterStep} is the trace step that first reached the minimum,
 * null for a VM description (computed, not replayed) and when nothing was charged.
 */
final class PlanJson {
  private PlanJson() {}

  static void print(PlanResult plan, PrintStream out) {
    StringWriter text = new StringWriter();
    try (JsonWriter json = new JsonWriter(text)) {
      json.setIndent("  ");
      json.beginObject();
      MemlockLimit limit = plan.libvirt().summary();
      json.name("libvirtLimitBytes");
      if (limit instanceof MemlockLimit.Bytes bytes) {
        json.value(bytes.bytes());
      } else {
        json.nullValue();
      }
      json.name("libvirtLimit").value(kind(limit));
      json.name("models").beginArray();
      for (PlanResult.ModelPlan model : plan.models()) {
        json.beginObject();
        json.name("model").value(model.needs().model().id());
        json.name("minMemlockBytes").value(model.needs().minimumBytes());
        json.name("libvirtSuffices").value(model.verdict().suffices());
        json.name("reason").value(model.verdict().reason());
        json.name("highWaterStep");
        OptionalLong step = model.needs().largest().map(Need::step).orElse(OptionalLong.empty());
        if (step.isPresent()) {
          json.value(step.getAsLong());
        } else {
          json.nullValue();
        }
        json.endObject();
      }
      json.endArray();
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.println(text);
  }

  private static String kind(MemlockLimit limit) {
    if (limit instanceof MemlockLimit.Bytes) {
      return "set";
    }
    return limit instanceof MemlockLimit.Unlimited ? "unlimited" : "unchanged";
  }
}
