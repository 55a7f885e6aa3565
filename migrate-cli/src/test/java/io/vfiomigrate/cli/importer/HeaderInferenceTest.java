package io.vfiomigrate.cli.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The header an import infers: memory regions, tasks, memlock, description. */
final class HeaderInferenceTest {
  private static final String TWO_RANGES =
      """
      vfio_device_attach  (0000:01:00.0) group 12
      vfio_listener_region_add_ram region_add [ram] 0x0 - 0x9ffff [0x7f0000000000]
      vfio_listener_region_add_ram region_add [ram] 0xc0000 - 0x7fffffff [0x7f00000c0000]
      vfio_listener_region_add_ram region_add [ram] 0xfffc0000 - 0xffffffff [0x7f1000200000]
      """;

  @TempDir Path directory;

  @Test
  void regionsArePageAlignedAndMergedPerProcess() throws IOException {
    Imports.Imported imported = Imports.run(directory, TWO_RANGES);

    assertThat(imported.header().getMemoryList())
        .containsExactly(
            region(0x7f0000000000L, 0xa0000, Backing.THP),
            region(0x7f00000c0000L, 0x7ff40000, Backing.THP),
            region(0x7f1000200000L, 0x40000, Backing.THP));
  }

  @Test
  void hugetlbRegionsAreAlignedOutToTheHugePage() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            TWO_RANGES,
            new ImportOptions(
                Optional.of(Backing.HUGETLB_2M),
                OptionalLong.empty(),
                OptionalInt.empty(),
                OptionalInt.empty()));

    assertThat(imported.header().getMemoryList())
        .containsExactly(
            region(0x7f0000000000L, 0x80000000L, Backing.HUGETLB_2M),
            region(0x7f1000200000L, 0x200000, Backing.HUGETLB_2M));
  }

  @Test
  void withoutOptionsOrRlimitLinesTheTaskIsRootAndUnlimited() throws IOException {
    Imports.Imported imported = Imports.run(directory, TWO_RANGES);

    assertThat(imported.header().getTasksList())
        .containsExactly(
            Task.newBuilder().setPid(4242).setUid(0).setMemlockUnlimited(true).build());
    assertThat(imported.header().getSource()).isEqualTo("qemu-log");
    assertThat(imported.header().getDescription())
        .isEqualTo(
            "Imported from the QEMU log qemu.log. Legacy VFIO type1 backend: requests from the"
                + " listener events; expect only where an error line named the failure. Guest RAM"
                + " backing THP (assumed), uid 0 (assumed). RLIMIT_MEMLOCK unknown: unlimited.");
  }

  @Test
  void optionsOverrideTheLog() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            TWO_RANGES
                + "[ 8123.456789] vfio_pin_pages_remote: RLIMIT_MEMLOCK (1073741824) exceeded\n",
            new ImportOptions(
                Optional.of(Backing.ANON),
                OptionalLong.of(9663676416L),
                OptionalInt.of(107),
                OptionalInt.of(777)));

    assertThat(imported.header().getTasksList())
        .containsExactly(
            Task.newBuilder().setPid(777).setUid(107).setMemlockLimit(9663676416L).build());
    assertThat(imported.header().getDescription())
        .endsWith("Guest RAM backing ANON, uid 107. RLIMIT_MEMLOCK from --memlock.");
  }

  @Test
  void theFirstRlimitLineGivesTheLimitAndADisagreementIsNoted() throws IOException {
    Imports.Imported imported =
        Imports.run(
            directory,
            TWO_RANGES
                + "[ 10.000001] vfio_pin_pages_remote: RLIMIT_MEMLOCK (1073741824) exceeded\n"
                + "[ 90.000001] vfio_pin_pages_remote: RLIMIT_MEMLOCK (2147483648) exceeded\n");

    assertThat(imported.header().getTasks(0).getMemlockLimit()).isEqualTo(1073741824L);
    assertThat(imported.result().assembled().notes().keySet())
        .containsExactly(
            "RLIMIT_MEMLOCK lines disagree (the limit changed): the first one is used");
  }

  private static MemoryRegion region(long vaddr, long size, Backing backing) {
    return MemoryRegion.newBuilder()
        .setPid(4242)
        .setVaddr(vaddr)
        .setSize(size)
        .setBacking(backing)
        .build();
  }
}
