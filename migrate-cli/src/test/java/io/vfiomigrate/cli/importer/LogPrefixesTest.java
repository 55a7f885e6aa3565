package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every prefix form of spec §1.5, and their nestings, around the same event. */
final class LogPrefixesTest {
  private static final String EVENT = "vfio_device_attach  (0000:01:00.0) group 12";
  private static final String ERROR = "VFIO_MAP_DMA failed: Cannot allocate memory";

  static Stream<Arguments> lines() {
    return Stream.of(
        Arguments.of(EVENT, new LogLine(EVENT, null, null)),
        Arguments.of("5173@1721816101.512345:" + EVENT, new LogLine(EVENT, null, 5173)),
        Arguments.of("2025-11-03T09:12:44.102311Z " + EVENT, new LogLine(EVENT, null, null)),
        Arguments.of("2025-06-02T11:00:01.000001Z (5180) " + EVENT, new LogLine(EVENT, null, 5180)),
        Arguments.of("5173@1721816101512345678 " + EVENT, new LogLine(EVENT, 5173, null)),
        Arguments.of(
            "Jul 24 10:15:01 host1 qemu-system-x86_64[5173]: " + EVENT,
            new LogLine(EVENT, 5173, null)),
        Arguments.of("Jul  4 10:15:01 pve QEMU[812]: kvm: " + ERROR, new LogLine(ERROR, 812, null)),
        Arguments.of(
            "2024-07-24T10:15:01+02:00 host1 qemu-system-x86_64[5173]: " + EVENT,
            new LogLine(EVENT, 5173, null)),
        Arguments.of(
            "Jul 24 10:15:03 host1 kernel: vfio_pin_pages_remote: RLIMIT_MEMLOCK (3221225472)"
                + " exceeded",
            new LogLine("vfio_pin_pages_remote: RLIMIT_MEMLOCK (3221225472) exceeded", null, null)),
        Arguments.of(
            "[ 8123.456789] vfio_pin_pages_remote: RLIMIT_MEMLOCK (3221225472) exceeded",
            new LogLine("vfio_pin_pages_remote: RLIMIT_MEMLOCK (3221225472) exceeded", null, null)),
        Arguments.of(
            "2024-07-24T10:15:02.301234Z qemu-system-x86_64: " + ERROR,
            new LogLine(ERROR, null, null)),
        Arguments.of("qemu-kvm: " + ERROR, new LogLine(ERROR, null, null)),
        Arguments.of(
            "time=\"2023-05-02T08:00:01.5Z\" level=error msg=\"qemu-system-x86_64: "
                + ERROR
                + " (\\\"quoted\\\")\" name=containerd-shim-v2 pid=918 source=virtcontainers"
                + " subsystem=qemu",
            new LogLine(ERROR + " (\"quoted\")", null, null)),
        Arguments.of(
            "Jul 24 10:15:01 host1 qemu-system-x86_64[5173]: 5173@1721816101.512345:" + EVENT,
            new LogLine(EVENT, 5173, 5173)));
  }

  @ParameterizedTest
  @MethodSource("lines")
  void stripsEveryPrefixAndKeepsItsIds(String raw, LogLine expected) {
    assertThat(LogPrefixes.strip(raw)).isEqualTo(expected);
  }
}
