package io.vfiomigrate.cli.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TraceConverterTest {
  private static final String OPEN = "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}";
  private static final String PASSTHROUGH =
      "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 12, \"kind\": \"IOMMU\"}}";
  private static final String MDEV =
      "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\": \"EMULATED\","
          + " \"onUnmap\": \"IGNORE\"}}";
  private static final String V1 =
      "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1\"}}";
  private static final String V2 =
      "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1V2\"}}";

  @Test
  void eachEventBecomesTheOpsAPortedVmmIssues() {
    List<String> ops =
        ops(
            convert(
                Accounting.USER,
                OPEN,
                PASSTHROUGH,
                MDEV,
                V2,
                Traces.map(0x100000, 0x200000),
                "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1049600\", \"npage\": 2,"
                    + " \"read\": true, \"write\": true}}",
                "{\"pid\": 100, \"unpinPages\": {\"group\": 40, \"iova\": \"1049600\", \"npage\":"
                    + " 2}}",
                "{\"pid\": 100, \"dmaRw\": {\"group\": 40, \"iova\": \"1049600\", \"length\":"
                    + " \"8\", \"write\": true}}",
                "{\"pid\": 100, \"unmapDma\": {\"container\": 1, \"iova\": \"1048576\", \"size\":"
                    + " \"2097152\"}}",
                "{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 12}}",
                "{\"pid\": 100, \"unmapDma\": {\"container\": 1, \"all\": true}}",
                "{\"pid\": 100, \"containerClose\": {\"container\": 1}}"));

    assertThat(ops)
        .containsExactly(
            "0 open {ctx: 1 accounting: ACCOUNT_USER}",
            "0 ioasAlloc {ctx: 1 ioas: 1}",
            "1 deviceBind {ctx: 1 device: 2 group: 12}",
            "1 deviceAttach {ctx: 1 device: 2 ioas: 1}",
            "2 accessCreate {ctx: 1 access: 3 needsPinPages: true onUnmap: IGNORE group: 40}",
            "2 accessAttach {ctx: 1 access: 3 ioas: 1}",
            "4 ioasMap {ctx: 1 ioas: 1 userVa: 139637977776128 iova: 1048576 length: 2097152"
                + " readable: true writeable: true fixedIova: true}",
            "5 accessPin {ctx: 1 access: 3 iova: 1048576 length: 8192 write: true}",
            "6 accessUnpin {ctx: 1 access: 3 iova: 1048576 length: 8192}",
            "7 accessRw {ctx: 1 access: 3 iova: 1049600 length: 8 write: true}",
            "8 ioasUnmap {ctx: 1 ioas: 1 iova: 1048576 length: 2097152}",
            "9 deviceDetach {ctx: 1 device: 2}",
            "9 deviceUnbind {ctx: 1 device: 2}",
            "10 ioasUnmap {ctx: 1 ioas: 1 length: 18446744073709551615 all: true}",
            "11 accessDestroy {ctx: 1 access: 3}",
            "11 close {ctx: 1}");
  }

  @Test
  void mmAccountingSwitchesTheContextBeforeItHoldsObjects() {
    assertThat(ops(convert(Accounting.MM, OPEN)))
        .containsExactly(
            "0 open {ctx: 1 accounting: ACCOUNT_USER}",
            "0 option {ctx: 1 option: RLIMIT_MODE value: 1}",
            "0 ioasAlloc {ctx: 1 ioas: 1}");
  }

  @Test
  void theMdevDriverReleasesItsPinsWhenItsDeviceCloses() {
    List<String> ops =
        ops(
            convert(
                Accounting.USER,
                OPEN,
                MDEV,
                V2,
                Traces.map(0x100000, 0x100000),
                "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1048576\", \"npage\": 1,"
                    + " \"read\": true}}",
                "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1052672\", \"npage\": 3,"
                    + " \"read\": true}}",
                "{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 40}}"));

    assertThat(ops)
        .endsWith(
            "6 accessUnpin {ctx: 1 access: 2 iova: 1048576 length: 4096}",
            "6 accessUnpin {ctx: 1 access: 2 iova: 1052672 length: 12288}",
            "6 accessDestroy {ctx: 1 access: 2}");
  }

  @Test
  void v1UnmapsBecomeWhatType1Did() {
    Conversion[] conversions =
        convert(
            Accounting.USER,
            OPEN,
            PASSTHROUGH,
            V1,
            Traces.map(0x100000, 0x100000),
            Traces.map(0x400000, 0x100000),
            Traces.unmap(0x180000, 0x80000),
            Traces.unmap(0, 0x180000),
            Traces.unmap(0x400000, 0x1000),
            Traces.unmap(0x800000, 0x1000));

    assertThat(ops(conversions))
        .contains(
            "6 ioasUnmap {ctx: 1 ioas: 1 length: 2097152}",
            "7 ioasUnmap {ctx: 1 ioas: 1 iova: 4194304 length: 1048576}",
            "8 ioasUnmap {ctx: 1 ioas: 1 iova: 8388608 length: 4096}")
        .noneMatch(op -> op.startsWith("5 "));
    assertThat(warnings(conversions))
        .containsExactly(
            "2 V1_CONTAINER container 1 selects TYPE1 (v1): native iommufd has no v1; partial"
                + " unmaps are translated and mdev pins are allowed",
            "5 V1_PARTIAL_UNMAP v1 unmap of [0x180000, 0x1fffff] starts inside the mapping"
                + " [0x100000, 0x1fffff]: type1 unmaps nothing and returns 0; converted to nothing",
            "6 V1_PARTIAL_UNMAP v1 unmap of [0x0, 0x17ffff] covers the start of the mapping"
                + " [0x100000, 0x1fffff]: type1 removes it whole; converted to an unmap of [0x0,"
                + " 0x1fffff]",
            "7 V1_PARTIAL_UNMAP v1 unmap of [0x400000, 0x400fff] covers the start of the mapping"
                + " [0x400000, 0x4fffff]: type1 removes it whole; converted to an unmap of"
                + " [0x400000, 0x4fffff]",
            "8 EMPTY_UNMAP unmap of [0x800000, 0x800fff] where nothing is mapped: type1 returns 0,"
                + " IOAS_UNMAP fails ENOENT");
  }

  @Test
  void aV2UnmapOfWholeMappingsNeedsNoWarning() {
    Conversion[] conversions =
        convert(
            Accounting.USER,
            OPEN,
            PASSTHROUGH,
            V2,
            Traces.map(0x100000, 0x100000),
            Traces.unmap(0, 0x400000));

    assertThat(warnings(conversions)).isEmpty();
    assertThat(ops(conversions)).last().isEqualTo("4 ioasUnmap {ctx: 1 ioas: 1 length: 4194304}");
  }

  @Test
  void unmapAllWithARangeIsDroppedAsType1RefusesIt() {
    Conversion[] conversions =
        convert(
            Accounting.USER,
            OPEN,
            PASSTHROUGH,
            V2,
            "{\"pid\": 100, \"unmapDma\": {\"container\": 1, \"iova\": \"4096\", \"all\": true}}");

    assertThat(conversions[3].ops()).isEmpty();
    assertThat(warnings(conversions))
        .containsExactly(
            "3 UNMAP_ALL_WITH_RANGE unmap ALL with iova 0x1000 size 0x0: type1 refuses it (EINVAL)"
                + " and unmaps nothing; dropped");
  }

  @Test
  void aMapType1RefusesIsNotTrackedForLaterUnmaps() {
    Conversion[] conversions =
        convert(
            Accounting.USER,
            OPEN,
            PASSTHROUGH,
            Traces.map(0x100000, 0x100000),
            V2,
            Traces.unmap(0x100000, 0x100000));

    assertThat(warnings(conversions))
        .containsExactly(
            "4 EMPTY_UNMAP unmap of [0x100000, 0x1fffff] where nothing is mapped: type1 returns 0,"
                + " IOAS_UNMAP fails ENOENT");
  }

  @Test
  void opsOnGroupsThatAreNotAttachedNameNoAccess() {
    Conversion[] conversions =
        convert(
            Accounting.USER,
            OPEN,
            "{\"pid\": 100, \"pinPages\": {\"group\": 7, \"iova\": \"0\", \"npage\": 1, \"read\":"
                + " true}}",
            "{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 7}}");

    assertThat(ops(conversions)).contains("1 accessPin {length: 4096}");
    assertThat(conversions[2].ops()).isEmpty();
    assertThat(warnings(conversions))
        .containsExactly(
            "1 UNKNOWN_GROUP group 7 is not an attached emulated group: its access is unknown",
            "2 UNKNOWN_GROUP group 7 is not attached to container 1: nothing to detach");
  }

  private static Conversion[] convert(Accounting accounting, String... events) {
    Type1Trace trace = Traces.trace(events);
    TraceConverter converter = new TraceConverter(trace.getHeader(), accounting);
    Conversion[] conversions = new Conversion[events.length];
    for (int i = 0; i < events.length; i++) {
      conversions[i] = converter.convert(new IndexedEvent(i, trace.getEvents(i)));
    }
    return conversions;
  }

  /** {@code SOURCE OP {FIELDS}}, in the protobuf text format on one line. */
  private static List<String> ops(Conversion... conversions) {
    List<String> lines = new ArrayList<>();
    for (Conversion conversion : conversions) {
      for (IommufdOp op : conversion.ops()) {
        assertThat(op.getPid()).isEqualTo(100);
        String text =
            op.toBuilder()
                .clearPid()
                .clearSourceEvent()
                .build()
                .toString()
                .replace("\n", " ")
                .replaceAll(" +", " ")
                .trim();
        // "ioasMap { ctx: 1 ... }" -> "ioasMap {ctx: 1 ...}"
        lines.add(
            op.getSourceEvent()
                + " "
                + text.replace("{ ", "{").replace(" }", "}").replace("ioas_map", "ioasMap"));
      }
    }
    return lines;
  }

  private static List<String> warnings(Conversion... conversions) {
    List<String> lines = new ArrayList<>();
    for (Conversion conversion : conversions) {
      for (ConversionWarning warning : conversion.warnings()) {
        lines.add(warning.getSourceEvent() + " " + warning.getCode() + " " + warning.getMessage());
      }
    }
    return lines;
  }
}
