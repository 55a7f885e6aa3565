package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrapped lines, line limits and which task a line belongs to, through the whole reader. */
final class LineHandlingTest {
  private static final String ATTACH = "vfio_device_attach  (0000:01:00.0) group 12\n";
  private static final String OPENED =
      "open 1|attach 1 group 12 IOMMU|setIommu 1 TYPE1V2|map 1 iova 0x0 size 0xc0000000 vaddr"
          + " 0x7f5a40000000 rw";

  @TempDir Path directory;

  @Test
  void joinsALineWrappedAtASpace() throws IOException {
    assertMends(
        ATTACH
            + "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xbfffffff\n"
            + "[0x7f5a40000000]\n");
  }

  @Test
  void joinsALineWrappedInsideAWord() throws IOException {
    assertMends(
        ATTACH
            + "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xbfffffff [0x7f5a4\n"
            + "0000000]\n");
  }

  @Test
  void joinsAPrefixedLineWrappedRightAfterTheEventName() throws IOException {
    assertMends(
        "Jul 24 10:15:01 host1 qemu-system-x86_64[5173]: "
            + ATTACH
            + "Jul 24 10:15:01 host1 qemu-system-x86_64[5173]: vfio_listener_region_add_ram\n"
            + " region_add [ram] 0x0 - 0xbfffffff [0x7f5a40000000]\n",
        5173);
  }

  @Test
  void aCutLineFollowedByAnotherEventStaysSkipped() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            ATTACH
                + "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xbff\n"
                + "vfio_listener_region_add_ram region_add [ram] 0x0 - 0xbfffffff"
                + " [0x7f5a40000000]\n");

    assertThat(String.join("|", imported.events())).isEqualTo(prefixed(OPENED, 4242));
    assertThat(summaryLine(imported))
        .isEqualTo(
            "log: 3 lines: 2 recognised, 0 joined to the line before, 1 skipped (0 unknown, 1"
                + " unusable)");
  }

  @Test
  void anOverlongLineIsSkippedWithoutHoldingItWhole() throws IOException {
    Imports.Imported imported =
        Imports.run(directory, "x".repeat(QemuLogImporter.MAX_LINE_CHARS + 10) + "\n" + ATTACH);

    assertThat(imported.events()).hasSize(3);
    assertThat(summaryLine(imported)).endsWith("1 skipped (0 unknown, 1 unusable)");
  }

  @Test
  void journalProcessIdsMakeOneTaskEach() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            Jul 24 10:15:01 host1 qemu-system-x86_64[5173]: vfio_device_attach  (0000:01:00.0) group 12
            Jul 24 10:15:01 host1 qemu-system-x86_64[6200]: vfio_device_attach  (0000:02:00.0) group 13
            Jul 24 10:15:02 host1 kernel: vfio_pin_pages_remote: RLIMIT_MEMLOCK (1073741824) exceeded
            """);

    assertThat(imported.events())
        .containsExactly(
            "5173: open 1",
            "5173: attach 1 group 12 IOMMU",
            "5173: setIommu 1 TYPE1V2",
            "6200: open 2",
            "6200: attach 2 group 13 IOMMU",
            "6200: setIommu 2 TYPE1V2");
    assertThat(imported.header().getTasksList())
        .extracting(
            task -> task.getPid() + " " + task.getMemlockUnlimited() + " " + task.getMemlockLimit())
        .containsExactly("5173 true 0", "6200 false 1073741824");
  }

  @Test
  void qemuThreadIdsAreOneProcessNamedByTheFirst() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            """
            5173@1721816101.512345:vfio_device_attach  (0000:01:00.0) group 12
            5180@1721816102.000001:vfio_listener_region_add_ram region_add [ram] 0x0 - 0xfff [0x7f0000000000]
            """);

    assertThat(imported.header().getTasksList())
        .extracting(task -> task.getPid())
        .containsExactly(5173);
  }

  private void assertMends(String log) throws IOException {
    assertMends(log, 4242);
  }

  private void assertMends(String log, int pid) throws IOException {
    Imports.Imported imported = Imports.run(directory, log);

    assertThat(String.join("|", imported.events())).isEqualTo(prefixed(OPENED, pid));
    assertThat(summaryLine(imported))
        .isEqualTo(
            "log: 3 lines: 2 recognised, 1 joined to the line before, 0 skipped (0 unknown, 0"
                + " unusable)");
  }

  private static String prefixed(String events, int pid) {
    return pid + ": " + events.replace("|", "|" + pid + ": ");
  }

  private static String summaryLine(Imports.Imported imported) {
    return imported.result().summary().headline("log");
  }
}
