package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** libvirt 11.3's qemuDomainGetMemLockLimitBytes on x86, with libvirt's own golden values. */
final class LibvirtMemlockRuleTest {
  private static final long GIB = 1L << 30;

  @Test
  void oneHostdevOnA1GiBGuestIs2GiB() {
    assertThat(LibvirtMemlockRule.limit(DomainMemlockInputs.guest(GIB).withVfioHostdevs(1)))
        .isEqualTo(new MemlockLimit.Bytes(2147483648L));
  }

  @Test
  void anNvmeDiskAddsACopyOfGuestRam() {
    assertThat(
            LibvirtMemlockRule.limit(
                DomainMemlockInputs.guest(GIB).withVfioHostdevs(1).withNvmeDisks(1)))
        .isEqualTo(new MemlockLimit.Bytes(3221225472L));
  }

  @Test
  void vfioDevicesCountOnceTogetherWithoutAVirtualIommu() {
    assertThat(LibvirtMemlockRule.limit(DomainMemlockInputs.guest(8 * GIB).withVfioHostdevs(3)))
        .isEqualTo(new MemlockLimit.Bytes(9663676416L));
  }

  @Test
  void withAVirtualIommuEachVfioDeviceCounts() {
    assertThat(
            LibvirtMemlockRule.limit(
                DomainMemlockInputs.guest(8 * GIB).withVfioHostdevs(2).withViommu(true)))
        .isEqualTo(new MemlockLimit.Bytes(17 * GIB));
    assertThat(
            LibvirtMemlockRule.limit(
                DomainMemlockInputs.guest(8 * GIB)
                    .withVfioHostdevs(1)
                    .withNvmeDisks(2)
                    .withViommu(true)))
        .isEqualTo(new MemlockLimit.Bytes(25 * GIB));
  }

  @Test
  void vdpaDevicesCountLikeNvmeDisks() {
    assertThat(
            LibvirtMemlockRule.limit(
                DomainMemlockInputs.guest(8 * GIB).withVfioHostdevs(1).withVdpaDevices(1)))
        .isEqualTo(new MemlockLimit.Bytes(17 * GIB));
  }

  @Test
  void aVirtualIommuAloneChangesNothing() {
    assertThat(LibvirtMemlockRule.limit(DomainMemlockInputs.guest(8 * GIB).withViommu(true)))
        .isEqualTo(new MemlockLimit.Unchanged());
  }

  @Test
  void withoutDevicesLibvirtLeavesTheLimitAlone() {
    assertThat(LibvirtMemlockRule.limit(DomainMemlockInputs.guest(8 * GIB)))
        .isEqualTo(new MemlockLimit.Unchanged());
  }

  @Test
  void aHardLimitWinsOverEverything() {
    assertThat(
            LibvirtMemlockRule.limit(
                DomainMemlockInputs.guest(8 * GIB)
                    .withVfioHostdevs(4)
                    .withLocked(true)
                    .withHardLimit(12345678L)))
        .isEqualTo(new MemlockLimit.Bytes(12345678L));
  }

  @Test
  void lockedMemoryIsUnlimited() {
    assertThat(
            LibvirtMemlockRule.limit(
                DomainMemlockInputs.guest(GIB).withVfioHostdevs(1).withLocked(true)))
        .isEqualTo(new MemlockLimit.Unlimited());
  }

  @Test
  void guestMemoryIsRoundedUpToWholeKib() {
    assertThat(LibvirtMemlockRule.limit(DomainMemlockInputs.guest(GIB + 1).withVfioHostdevs(1)))
        .isEqualTo(new MemlockLimit.Bytes(2147483648L + 1024));
  }

  @Test
  void aLimitBeyond63BitsIsAnError() {
    assertThatThrownBy(
            () ->
                LibvirtMemlockRule.limit(
                    DomainMemlockInputs.guest(Long.MAX_VALUE).withVfioHostdevs(1)))
        .isInstanceOf(ArithmeticException.class);
  }
}
