package io.vfiomigrate.host;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
  @Test
  void failsExactlyTheNthPointOnce() {
    FaultInjector f = new FaultInjector();
    f.check(FaultPoint.PIN, "unarmed");
    f.arm(3);
    f.check(FaultPoint.ALLOC, "a");
    f.check(FaultPoint.PIN, "b");
    assertThat(f.fired()).isFalse();
    assertErrno(Errno.ENOMEM, () -> f.check(FaultPoint.IOMMU_MAP, "c"));
    assertThat(f.fired()).isTrue();
    assertThat(f.firedSite()).contains("c");
    assertThat(f.armed()).isFalse();
    f.check(FaultPoint.IOMMU_MAP, "d");
    assertThat(f.hits()).isEqualTo(3);
  }

  @Test
  void canCountOneKindOnly() {
    FaultInjector f = new FaultInjector();
    f.arm(FaultPoint.CHARGE, 1);
    f.check(FaultPoint.ALLOC, "x");
    f.check(FaultPoint.PIN, "y");
    assertErrno(Errno.ENOMEM, () -> f.check(FaultPoint.CHARGE, "z"));
    assertThat(f.hits()).isEqualTo(1);
  }

  @Test
  void disarmStops() {
    FaultInjector f = new FaultInjector();
    f.arm(1);
    f.disarm();
    f.check(FaultPoint.ALLOC, "x");
    assertThat(f.fired()).isFalse();
  }
}
