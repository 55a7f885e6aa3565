package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vfiomigrate.cli.CliApp;
import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** {@code plan --json} parsed, for tests that compare figures rather than text. */
record PlanJsonResult(OptionalLong libvirtLimitBytes, String libvirtLimit, List<Model> models) {
  /** One entry of {@code models}. */
  record Model(
      String model,
      long minMemlockBytes,
      boolean libvirtSuffices,
      String reason,
      OptionalLong highWaterStep) {
    /** The figures a replay and a computation must agree on: no step, no reason. */
    String figures() {
      return model + " " + minMemlockBytes + " " + libvirtSuffices;
    }
  }

  /** Runs {@code plan --json ARGS} on {@code app}; it must succeed. */
  static PlanJsonResult run(CliApp app, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "plan";
    all[1] = "--json";
    System.arraycopy(args, 0, all, 2, args.length);
    CliRun run = CliRun.of(app, all);
    assertThat(run.code())
        .as("plan %s: %s", String.join(" ", args), run.err())
        .isEqualTo(ExitCodes.OK);
    return parse(run.out());
  }

  static PlanJsonResult parse(String json) {
    JsonObject plan = JsonParser.parseString(json).getAsJsonObject();
    List<Model> models = new ArrayList<>();
    for (JsonElement element : plan.getAsJsonArray("models")) {
      JsonObject model = element.getAsJsonObject();
      models.add(
          new Model(
              model.get("model").getAsString(),
              model.get("minMemlockBytes").getAsLong(),
              model.get("libvirtSuffices").getAsBoolean(),
              model.get("reason").getAsString(),
              optional(model.get("highWaterStep"))));
    }
    return new PlanJsonResult(
        optional(plan.get("libvirtLimitBytes")), plan.get("libvirtLimit").getAsString(), models);
  }

  Model model(String id) {
    return models.stream().filter(m -> m.model().equals(id)).findFirst().orElseThrow();
  }

  private static OptionalLong optional(JsonElement element) {
    return element.isJsonNull() ? OptionalLong.empty() : OptionalLong.of(element.getAsLong());
  }
}
