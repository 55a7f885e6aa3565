package io.vfiomigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IoasAlloc;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdOpen;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.MessageFiles;
import io.vfiomigrate.trace.TraceReader;
import io.vfiomigrate.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ValidateCommandTest {
  /** Valid, and clean for the lint: the failing mapDma expects its EINVAL. */
  static final String VALID_TRACE =
      """
      {
        "header": {
          "formatVersion": 1,
          "pageSize": "4096",
          "description": "one VM with an mdev",
          "source": "hand-written",
          "tasks": [
            {"pid": 100, "uid": 1000, "memlockLimit": "67108864"},
            {"pid": 200, "uid": 0, "memlockUnlimited": true, "capIpcLock": true}
          ],
          "memory": [
            {"pid": 100, "vaddr": "139637976727552", "size": "1610612736", "backing": "ANON"},
            {"pid": 100, "vaddr": "140187732541440", "size": "2097152", "backing": "HUGETLB_2M", "readOnly": true},
            {"pid": 200, "vaddr": "18446744072635809792", "size": "1073741824", "backing": "HUGETLB_1G"}
          ],
          "iommu": {"dmaEntryLimit": 16}
        },
        "events": [
          {"pid": 100, "containerOpen": {"container": 1}},
          {"pid": 100, "groupAttach": {"container": 1, "group": 7, "kind": "EMULATED"}},
          {"pid": 100, "setIommu": {"container": 1, "type": "TYPE1V2"}},
          {"pid": 100, "mapDma": {"container": 1, "vaddr": "139637976727552", "iova": "0", "size": "1073741824", "read": true, "write": true}},
          {"pid": 100, "pinPages": {"group": 7, "iova": "4096", "npage": 2, "read": true, "write": true}},
          {"pid": 100, "mapDma": {"container": 1, "vaddr": "139637976727552", "iova": "0", "size": "0"}, "expect": {"errno": "EINVAL"}},
          {"pid": 100, "unmapDma": {"container": 1, "all": true}, "expect": {"unmapped": "1073741824"}},
          {"pid": 100, "containerClose": {"container": 1}}
        ]
      }
      """;

  static final String VALID_SUMMARY =
      """
      type1 trace (%s): format version 1, page size 4096, kernel 6.12 (default)
      source: hand-written
      description: one VM with an mdev
      iommu: pgsizeBitmap 0x40201000, aperture 0x0..0xffffffffffffffff, dmaEntryLimit 16
      tasks: 2
        pid 100 uid 1000 memlock 64 MiB (67108864 bytes)
        pid 200 uid 0 memlock unlimited CAP_IPC_LOCK
      memory regions: 3
        pid 100 vaddr 0x7f0000000000 size 1.5 GiB (393216 pages) ANON
        pid 100 vaddr 0x7f8000000000 size 2 MiB (512 pages) HUGETLB_2M ro
        pid 200 vaddr 0xffffffffc0000000 size 1 GiB (262144 pages) HUGETLB_1G
      events: 8
        containerOpen 1
        setIommu 1
        groupAttach 1
        mapDma 2
        unmapDma 1
        pinPages 1
        containerClose 1
      findings: none
      """;

  @TempDir Path directory;

  @Test
  void validJsonTracePrintsTheSummary() throws IOException {
    Path file = Files.writeString(directory.resolve("t.json"), VALID_TRACE);

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo(VALID_SUMMARY.formatted("json"));
    assertThat(run.code()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void sameTraceInBinaryPrintsTheSameSummary() throws IOException {
    Path json = Files.writeString(directory.resolve("t.json"), VALID_TRACE);
    Path binary = directory.resolve("t.pb");
    try (TraceReader in = TraceReader.open(json);
        TraceWriter out = TraceWriter.create(binary, List.of(json))) {
      out.writeHeader(in.header());
      in.forEachRemaining(event -> out.write(event.event()));
      out.commit();
    }

    CliRun run = CliRun.of("validate", binary.toString());

    assertThat(run.out()).isEqualTo(VALID_SUMMARY.formatted("binary"));
    assertThat(run.code()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void semanticFindingsArePrintedAndExitWith1() throws IOException {
    String trace =
        """
        {
          "header": {
            "formatVersion": 1,
            "tasks": [{"pid": 100, "uid": 1000}],
            "memory": [
              {"pid": 100, "vaddr": "4096", "size": "16384", "backing": "ANON"},
              {"pid": 100, "vaddr": "8192", "size": "4096", "backing": "ANON"},
              {"pid": 300, "vaddr": "4097", "size": "0", "backing": "THP"},
              {"pid": 100, "vaddr": "18446744073709547520", "size": "8192", "backing": "ANON"},
              {"pid": 100, "vaddr": "1048576", "size": "5000", "backing": "ANON"}
            ]
          },
          "events": [
            {"pid": 100, "mapDma": {"container": 1, "size": "4096"}},
            {"pid": 100, "containerOpen": {"container": 1}},
            {"pid": 100, "containerOpen": {"container": 1}},
            {"pid": 300, "mapDma": {"container": 1, "vaddr": "4096", "iova": "18446744073709547520", "size": "8192"}},
            {"pid": 100, "mapDma": {"container": 1, "vaddr": "18446744073709551615", "size": "2"}},
            {"pid": 100, "mapDma": {"container": 1, "size": "0"}},
            {"pid": 100, "unmapDma": {"container": 1, "iova": "4096"}},
            {"pid": 100, "groupAttach": {"container": 1, "group": 8, "kind": "IOMMU"}},
            {"pid": 100, "pinPages": {"group": 8, "iova": "18446744073709547520", "npage": 2}},
            {"pid": 100, "unpinPages": {"group": 9, "npage": 0}},
            {"pid": 100, "dmaRw": {"group": 9, "iova": "4096", "length": "0"}},
            {"pid": 100, "pinPages": {"group": 9}, "expect": {"errno": "EINVAL"}},
            {"pid": 100, "containerClose": {"container": 1}},
            {"pid": 100, "setIommu": {"container": 1, "type": "TYPE1"}},
            {"pid": 100},
            {"pid": 100, "mapDma": {"container": 2, "iova": "18446744073709547520", "size": "4096"}}
          ]
        }
        """;
    Path file = Files.writeString(directory.resolve("bad.json"), trace);

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(run.err()).isEmpty();
    assertThat(run.out().substring(run.out().indexOf("findings:")))
        .isEqualTo(
            """
            findings: 29
            header: memory[2].pid: unknown pid 300 (not in header tasks)
            header: memory[2].vaddr: 0x1001 is not page aligned
            header: memory[2].size: zero size
            header: memory[3].size: vaddr + size exceeds 2^64
            header: memory[4].size: 5000 is not page aligned
            header: memory[1]: overlaps memory[0] of pid 100
            event 0: mapDma.container: container 1 used before containerOpen
            event 0: mapDma.vaddr: [0x0, 0xfff] is not in the memory of pid 100 (the map fails EFAULT)
            event 2: containerOpen.container: container 1 is already open
            event 3: pid: unknown pid 300 (not in header tasks)
            event 3: mapDma.container: type1 refuses this (EINVAL): the container has no IOMMU type yet (VFIO_SET_IOMMU); set expect.errno if the failure is intended
            event 3: mapDma.iova: iova + size exceeds 2^64
            event 3: mapDma.vaddr: [0x1000, 0x2fff] is not in the memory of pid 300 (the map fails EFAULT)
            event 4: mapDma.container: type1 refuses this (EINVAL): the container has no IOMMU type yet (VFIO_SET_IOMMU); set expect.errno if the failure is intended
            event 4: mapDma.vaddr: vaddr + size exceeds 2^64
            event 5: mapDma.container: type1 refuses this (EINVAL): the container has no IOMMU type yet (VFIO_SET_IOMMU); set expect.errno if the failure is intended
            event 5: mapDma.size: zero size
            event 6: unmapDma.container: type1 refuses this (EINVAL): the container has no IOMMU type yet (VFIO_SET_IOMMU); set expect.errno if the failure is intended
            event 6: unmapDma.size: zero size
            event 8: pinPages.group: group 8 was never attached as EMULATED
            event 8: pinPages.iova: iova + npage pages exceeds 2^64
            event 9: unpinPages.group: group 9 was never attached as EMULATED
            event 9: unpinPages.npage: zero npage
            event 10: dmaRw.group: group 9 was never attached as EMULATED
            event 10: dmaRw.length: zero length
            event 13: setIommu.container: container 1 used after containerClose
            event 14: op: no operation set
            event 15: mapDma.container: container 2 used before containerOpen
            event 15: mapDma.vaddr: [0x0, 0xfff] is not in the memory of pid 100 (the map fails EFAULT)
            """);
  }

  @Test
  void onlyTheFirstThousandFindingsArePrinted() throws IOException {
    String events = String.join(",", java.util.Collections.nCopies(1003, "{\"pid\": 7}"));
    Path file =
        Files.writeString(
            directory.resolve("many.json"),
            "{\"header\": {\"formatVersion\": 1}, \"events\": [" + events + "]}");

    CliRun run = CliRun.of("validate", file.toString());

    List<String> lines = Arrays.asList(run.out().split("\n"));
    assertThat(run.code()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(lines)
        .contains("findings: 1003", "event 999: op: no operation set", "... and 3 more");
    assertThat(lines).doesNotContain("event 1000: op: no operation set");
  }

  @Test
  void programsAreValidatedAgainstTheirSchema() {
    Path file = directory.resolve("p.pb");
    Type1Trace header =
        Type1Trace.newBuilder()
            .setHeader(
                io.vfiomigrate.proto.TraceHeader.newBuilder().setFormatVersion(1).setKernel("6.18"))
            .build();
    IommufdProgram program =
        IommufdProgram.newBuilder()
            .setHeader(header.getHeader())
            .addOps(IommufdOp.newBuilder().setOpen(IommufdOpen.newBuilder().setCtx(1)))
            .addOps(
                IommufdOp.newBuilder().setIoasAlloc(IoasAlloc.newBuilder().setCtx(1).setIoas(2)))
            .addOps(
                IommufdOp.newBuilder().setIoasAlloc(IoasAlloc.newBuilder().setCtx(1).setIoas(3)))
            .addWarnings(ConversionWarning.newBuilder().setCode("V1_PARTIAL_UNMAP"))
            .build();
    MessageFiles.write(file, program, List.of());

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo(
            """
            iommufd program (binary): format version 1, page size 4096, kernel 6.18
            iommu: defaults (pgsizeBitmap 0x40201000, aperture 0x0..0xffffffffffffffff, dmaEntryLimit 65535)
            tasks: 0
            memory regions: 0
            ops: 3
              open 1
              ioasAlloc 2
            warnings: 1
            findings: none
            """);
  }

  @Test
  void malformedInputExitsWith65WithTheReaderMessage() throws IOException {
    assertMalformed(
        "sise.json",
        "{\"header\": {\"formatVersion\": 1}, \"events\": [{\"pid\": 1}, {\"mapDma\": {\"sise\":"
            + " 1}}]}",
        "event 1: unknown field \"sise\" in MapDma");
    assertMalformed(
        "abc.json",
        "{\"header\": {\"formatVersion\": 1}, \"events\": [{\"pid\": \"abc\"}]}",
        "event 0: field pid: \"abc\" is not a uint32");
    assertMalformed(
        "range.json",
        "{\"header\": {\"formatVersion\": 1, \"tasks\": [{\"pid\": 4294967296}]}}",
        "header: field tasks[0].pid: 4294967296 out of range for uint32");
    assertMalformed("noheader.json", "{\"events\": [{\"pid\": 1}]}", "missing header");
  }

  @Test
  void truncatedBinaryExitsWith65NamingEventAndField() throws IOException {
    Path json = Files.writeString(directory.resolve("t.json"), VALID_TRACE);
    Path binary = directory.resolve("t.pb");
    Type1Trace trace = MessageFiles.read(json, Type1Trace.getDefaultInstance());
    MessageFiles.write(binary, trace, List.of(json));
    byte[] whole = Files.readAllBytes(binary);
    // The last event is containerClose {container: 1}: cut inside the container varint's tag.
    Files.write(binary, Arrays.copyOf(whole, whole.length - 1));

    CliRun run = CliRun.of("validate", binary.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "vfio-migrate: "
                + binary
                + ": event 7: field containerClose.container: truncated input\n");
  }

  @Test
  void binaryStartingWithAnEventExitsWith65() throws IOException {
    byte[] event =
        Type1Trace.newBuilder()
            .addEvents(io.vfiomigrate.proto.Type1Event.newBuilder().setPid(1))
            .build()
            .toByteArray();
    Path file = Files.write(directory.resolve("t.pb"), event);

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.err()).isEqualTo("vfio-migrate: " + file + ": missing header\n");
  }

  private void assertMalformed(String name, String json, String expected) throws IOException {
    Path file = Files.writeString(directory.resolve(name), json);

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.DATA_ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("vfio-migrate: " + file + ": " + expected + "\n");
  }
}
