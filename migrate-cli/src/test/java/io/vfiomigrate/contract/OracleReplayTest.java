package io.vfiomigrate.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vfiomigrate.contract.BackendUnderTest.Vm;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both backends against what a real Linux 6.12.117 reported for the 59 oracle traces
 * ({@code golden-6.12.json}, columns {@code type1} and {@code compat}): every event's errno,
 * the harness's {@code unmapped} and every task's VmLck/VmPin.
 */
class OracleReplayTest {
  private static final Path ORACLE = Path.of("src/test/resources/oracle");
  private static JsonObject golden;

  @BeforeAll
  static void loadGolden() throws IOException {
    try (Reader in = Files.newBufferedReader(ORACLE.resolve("golden-6.12.json"))) {
      golden = JsonParser.parseReader(in).getAsJsonObject().getAsJsonObject("results");
    }
  }

  static Stream<Arguments> traces() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(ORACLE)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".json") && !name.startsWith("golden-")) {
          for (ContractBackend backend : ContractBackend.values()) {
            out.add(Arguments.of(name.substring(0, name.length() - 5), backend));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("traces")
  void reproducesTheKernel(String trace, ContractBackend backend) {
    List<OracleReplay.Step> steps = OracleReplay.run(ORACLE.resolve(trace + ".json"), backend);
    List<String> mismatches = new ArrayList<>();
    int i = 0;
    for (JsonElement e : golden.getAsJsonObject(trace)
        .getAsJsonArray(backend.name().toLowerCase(Locale.ROOT))) {
      JsonObject kernel = e.getAsJsonObject();
      OracleReplay.Step model = steps.get(i);
      StringBuilder want = new StringBuilder(kernel.get("errno").getAsString())
          .append(" u=").append(Long.toUnsignedString(kernel.get("unmapped").getAsLong()));
      StringBuilder got = new StringBuilder(model.errno()).append(" u=")
          .append(Long.toUnsignedString(model.unmapped()));
      for (JsonElement t : kernel.getAsJsonArray("tasks")) {
        JsonObject task = t.getAsJsonObject();
        int pid = task.get("pid").getAsInt();
        want.append(' ').append(pid).append(':').append(new Vm(
            task.get("lockedVmPages").getAsLong(), task.get("pinnedVmPages").getAsLong()));
        got.append(' ').append(pid).append(':').append(model.tasks().get(pid));
      }
      if (!want.toString().equals(got.toString())) {
        mismatches.add("event " + i + ": kernel " + want + ", model " + got);
      }
      i++;
    }
    assertThat(steps).hasSize(i);
    assertThat(mismatches).as("%s on %s", trace, backend).isEmpty();
  }
}
