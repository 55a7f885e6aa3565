package io.vfiomigrate.cli.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pins the exact bytes every scenario writes for a fixed seed and size: SHA-256 of the .pb. */
final class SynthBytesTest {
  @TempDir Path directory;

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of(
            "vm-boot --devices 3 --ram 6G",
            "8bcc1e4b239153621c38c65fb11ee2f5cdd3a4b40691e3ca88c59f4951eaad8d"),
        Arguments.of(
            "vm-boot --ram 1T --backing hugetlb-1g --devices 2",
            "8fcb8f9c7b2b2e10415808f8c926216d424a254e2ab745b747700f2bbbaa6884"),
        Arguments.of(
            "kvmgt-churn --events 3000 --ram 6G",
            "08f0a4dd5fa7bdb660fe88df7128c4a6a108f99c87657bb35de2a7d1c5902160"),
        Arguments.of(
            "ccw --events 3000 --ram 1G",
            "b8e7998ee41bd35d04537ae40a638fe6da22959bae8475f5a2777694ed23d00f"),
        Arguments.of(
            "ap --events 3000 --devices 5 --ram 6G",
            "3e0015efeeb4e6f9a9f926f16513e545e4728ef45ece191943da2e2727d66085"),
        Arguments.of(
            "hotplug --cycles 7 --devices 2 --ram 6G",
            "8746df28a2598ae74f8001d59ec4cefde7e3936e61728c3b7744ba5100656066"),
        Arguments.of(
            "multi-vm --vms 3 --ram 6G --memlock 7G",
            "bd12c55853d46a479ef602380e6a96c80a667d0809f24e83f6cdd1506f35ff0c"),
        Arguments.of(
            "viommu --events 3000 --devices 3",
            "bed99e52485c15689d56a4b0fa917f3f174ba0a19fc12f787fd336eeaffa6e31"));
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyScenarioWritesTheSameBytes(String options, String sha256)
      throws IOException, NoSuchAlgorithmException {
    Path trace = directory.resolve("trace.pb");
    List<String> args = new ArrayList<>(List.of("synth", "--seed", "11", "-o", trace.toString()));
    args.add("--scenario");
    args.addAll(List.of(options.split(" ")));

    assertThat(CliRun.of(args.toArray(String[]::new)).code()).isEqualTo(ExitCodes.OK);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(trace));
    assertThat(HexFormat.of().formatHex(digest)).as(options).isEqualTo(sha256);
  }
}
