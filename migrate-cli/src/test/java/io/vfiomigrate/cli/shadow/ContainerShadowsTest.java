package io.vfiomigrate.cli.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.cli.testing.Traces;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ContainerShadowsTest {
  private static final List<String> SETUP =
      List.of(
          "{\"pid\": 100, \"containerOpen\": {\"container\": 1}}",
          "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 12, \"kind\": \"IOMMU\"}}",
          "{\"pid\": 100, \"groupAttach\": {\"container\": 1, \"group\": 40, \"kind\":"
              + " \"EMULATED\"}}",
          "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1\"}}",
          Traces.map(0x100000, 0x100000),
          Traces.map(0x400000, 0x100000),
          "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1048576\", \"npage\": 4}}",
          "{\"pid\": 100, \"pinPages\": {\"group\": 40, \"iova\": \"1052672\", \"npage\": 4}}");

  @Test
  void type1V1RemovesWholeMappingsOrNothing() {
    ContainerShadows type1 = setUp(Semantics.TYPE1);

    apply(type1, Traces.unmap(0x180000, 0x80000), "OK", 0);
    assertThat(shapes(type1)).containsExactly("100000+100000", "400000+100000");
    apply(type1, Traces.unmap(0, 0x180000), "OK", 0x100000);
    assertThat(shapes(type1)).containsExactly("400000+100000");
    assertThat(type1.container(1).pins(40)).isEmpty();
  }

  @Test
  void compatSplitsAndUnmapsExactlyTheRange() {
    ContainerShadows compat = setUp(Semantics.COMPAT);

    apply(compat, Traces.unmap(0x180000, 0x80000), "OK", 0x80000);

    assertThat(shapes(compat)).containsExactly("100000+80000", "400000+100000");
    assertThat(compat.container(1).mappings())
        .first()
        .satisfies(m -> assertThat(m.vaddr()).isEqualTo(0x7f0000000000L + 0x100000));
    assertThat(compat.container(1).pins(40))
        .containsExactly(new DriverPin(0x100000, 4), new DriverPin(0x101000, 4));
  }

  @Test
  void aFailedIommufdUnmapKeepsWhatItRemovedBeforeTheCut() {
    ContainerShadows iommufd = setUp(Semantics.IOMMUFD);
    apply(
        iommufd,
        "{\"pid\": 100, \"setIommu\": {\"container\": 1, \"type\": \"TYPE1V2\"}}",
        "OK",
        0);

    apply(iommufd, Traces.unmap(0, 0x480000), "ENOENT", 0);

    assertThat(shapes(iommufd)).containsExactly("400000+100000");
  }

  @Test
  void theLastDetachReleasesOnlyType1() {
    ContainerShadows type1 = setUp(Semantics.TYPE1);
    ContainerShadows compat = setUp(Semantics.COMPAT);
    for (ContainerShadows side : List.of(type1, compat)) {
      apply(side, "{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 40}}", "OK", 0);
      side.apply(
          9,
          Traces.event("{\"pid\": 100, \"groupDetach\": {\"container\": 1, \"group\": 12}}"),
          "OK",
          0);
    }

    assertThat(shapes(type1)).isEmpty();
    assertThat(type1.container(1).type()).isNull();
    assertThat(type1.container(1).releasedAt()).isEqualTo(9);
    assertThat(shapes(compat)).hasSize(2);
    assertThat(type1.container(1).fingerprint()).isNotEqualTo(compat.container(1).fingerprint());
  }

  @Test
  void equalContentsHaveEqualFingerprintsWhateverTheOrder() {
    ContainerShadows a = setUp(Semantics.TYPE1);
    ContainerShadows b = new ContainerShadows(Semantics.TYPE1, 4096);
    for (int i : new int[] {0, 2, 1, 3, 5, 4, 7, 6}) {
      apply(b, SETUP.get(i), "OK", 0);
    }

    assertThat(b.container(1).fingerprint()).isEqualTo(a.container(1).fingerprint());
    assertThat(a.container(1).distinctPinnedPages()).isEqualTo(5);
  }

  private static ContainerShadows setUp(Semantics semantics) {
    ContainerShadows shadows = new ContainerShadows(semantics, 4096);
    SETUP.forEach(event -> apply(shadows, event, "OK", 0));
    return shadows;
  }

  private static void apply(ContainerShadows shadows, String json, String errno, long unmapped) {
    shadows.apply(0, Traces.event(json), errno, unmapped);
  }

  private static List<String> shapes(ContainerShadows shadows) {
    return shadows.container(1).mappings().stream()
        .map(m -> Long.toHexString(m.iova()) + "+" + Long.toHexString(m.size()))
        .toList();
  }
}
