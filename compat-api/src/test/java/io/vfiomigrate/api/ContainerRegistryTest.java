package io.vfiomigrate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRegistryTest {
  @Test
  void containersAreNumberedFromOneInOpeningOrder() {
    ContainerRegistry<String> registry = new ContainerRegistry<>();

    String first = registry.open(id -> "c" + id);
    String second = registry.open(id -> "c" + id);
    registry.closed(first);
    String third = registry.open(id -> "c" + id);

    assertThat(first).isEqualTo("c1");
    assertThat(second).isEqualTo("c2");
    assertThat(third).isEqualTo("c3");
    assertThat(registry.openContainers()).containsExactly("c2", "c3");
  }

  @Test
  void aGroupIsInOneContainerAtATime() {
    ContainerRegistry<String> registry = new ContainerRegistry<>();

    registry.claimGroup(12, "c1");
    registry.claimGroup(7, "c2");

    assertThat(registry.groupOwner(12)).contains("c1");
    assertThat(registry.groupOwners()).containsExactly(Map.entry(7, "c2"), Map.entry(12, "c1"));
    assertThatThrownBy(() -> registry.claimGroup(12, "c2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("group 12 is already in a container");
    registry.releaseGroup(12);
    assertThat(registry.groupOwner(12)).isEmpty();
    registry.claimGroup(12, "c2");
    assertThat(registry.groupOwner(12)).contains("c2");
  }
}
