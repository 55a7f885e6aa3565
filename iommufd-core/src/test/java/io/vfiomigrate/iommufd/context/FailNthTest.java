package io.vfiomigrate.iommufd.context;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.MockDomain;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import io.vfiomigrate.testing.FailNthSweep;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fail-nth study of {@code iommufd_fail_nth.c} (spec D.3) and more: every step of each
 * sequence is rerun with a failure injected at fault point n = 1, 2, ... (after the earlier
 * steps ran clean) until it no longer reaches point n. After each injected failure the step
 * must have failed and the context dump, the accounting and every page's pin count must be
 * what they were before it; invariants must hold; and closing the context afterwards must
 * leave no pin and no kernel warning.
 */
class FailNthTest {
  /** The state a sequence builds up: the ids its steps refer to. */
  static final class Run {
    final IommufdFixture f = new IommufdFixture();
    int ioas;
    int ioas2;
    long iova;
    MockDomain stdev;
    MockDomain stdev2;
    SelftestAccess access;
    int pin;
  }

  record Step(String name, Consumer<Run> action) {
    @Override
    public String toString() {
      return name;
    }
  }

  record Scenario(String name, List<Step> steps) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Step step(String name, Consumer<Run> action) {
    return new Step(name, action);
  }

  private static final Step ALLOC = step("ioas alloc", r -> r.ioas = r.f.ctx.ioasAlloc());
  private static final Step LIMIT_32 =
      step("temp memory limit 32", r -> r.f.ctx.testSetTempMemoryLimit(32));
  private static final Step LIMIT_16 =
      step("temp memory limit 16", r -> r.f.ctx.testSetTempMemoryLimit(16));
  private static final Step MOCK_DOMAIN =
      step("mock domain", r -> r.stdev = r.f.mockDomain(r.ioas));
  private static final Step MOCK_DOMAIN_2 =
      step("second mock domain", r -> r.stdev2 = r.f.mockDomainB(r.ioas));
  private static final Step MAP_256K = step("map 256 KiB", r -> r.iova =
      r.f.ctx.ioasMap(r.f.task, IoasMapRequest.anywhere(r.ioas, BIG, 262144)));
  private static final Step MAP_BUFFER = step("map buffer", r -> r.iova =
      r.f.ctx.ioasMap(r.f.task, IoasMapRequest.anywhere(r.ioas, BIG, BIG_SIZE)));
  private static final Step DESTROY_STDEV =
      step("destroy mock domain", r -> r.f.ctx.deviceUnbind(r.stdev.deviceId()));
  private static final Step DESTROY_STDEV_2 =
      step("destroy second mock domain", r -> r.f.ctx.deviceUnbind(r.stdev2.deviceId()));
  private static final Step ACCESS_CREATE = step("create access", r -> r.access = r.f.access(true));
  private static final Step ACCESS_ATTACH =
      step("attach access", r -> r.access.access().attach(r.ioas));
  private static final Step ACCESS_PIN =
      step("access pin", r -> r.pin = r.access.pin(r.iova, BIG_SIZE, true));
  private static final Step ACCESS_UNPIN = step("access unpin", r -> r.access.unpin(r.pin));
  private static final Step ACCESS_DESTROY =
      step("destroy access", r -> r.access.access().destroy());

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario("basic", List.of(ALLOC,
            step("iova ranges", r -> r.f.ctx.ioasIovaRanges(r.ioas, 10)),
            step("allow iovas", r -> r.f.ctx.ioasAllowIovas(r.ioas,
                List.of(new IovaRange(16 * 1024, BIG_SIZE + 16 * 1024 * 600 - 1)))),
            MAP_BUFFER,
            step("copy", r -> r.f.ctx.ioasCopy(new IoasCopyRequest(r.ioas, r.ioas,
                IoasMapRequest.WRITEABLE | IoasMapRequest.READABLE, r.iova, 0, 160))),
            step("unmap", r -> r.f.ctx.ioasUnmap(r.ioas, r.iova, BIG_SIZE)))),
        new Scenario("map_domain", List.of(ALLOC, LIMIT_32, MOCK_DOMAIN, MAP_256K,
            DESTROY_STDEV, MOCK_DOMAIN)),
        new Scenario("map_two_domains", List.of(ALLOC, LIMIT_32, MOCK_DOMAIN, MOCK_DOMAIN_2,
            MAP_256K, DESTROY_STDEV, DESTROY_STDEV_2, MOCK_DOMAIN, MOCK_DOMAIN_2)),
        new Scenario("access_rw", List.of(ALLOC, LIMIT_32, MAP_256K,
            step("create rw access", r -> r.access = r.f.access(false)),
            ACCESS_ATTACH,
            step("read", r -> r.access.access().rw(r.iova, 64, 0, r.f.task)),
            step("write", r -> r.access.access().rw(r.iova, 64, AccessPages.RW_WRITE, r.f.task)),
            step("slow read", r -> r.access.access().rw(r.iova, 64, AccessPages.RW_SLOW_PATH,
                r.f.task)),
            step("slow write", r -> r.access.access().rw(r.iova, 64,
                AccessPages.RW_SLOW_PATH | AccessPages.RW_WRITE, r.f.task)),
            step("slow big read", r -> r.access.access().rw(r.iova, 4096 * 8,
                AccessPages.RW_SLOW_PATH, r.f.task)),
            ACCESS_DESTROY)),
        new Scenario("access_pin", List.of(ALLOC, LIMIT_32, MAP_BUFFER, ACCESS_CREATE,
            ACCESS_ATTACH, ACCESS_PIN, ACCESS_UNPIN, ACCESS_DESTROY)),
        new Scenario("access_pin_domain", List.of(ALLOC, LIMIT_32, MOCK_DOMAIN, MAP_BUFFER,
            ACCESS_CREATE, ACCESS_ATTACH, ACCESS_PIN, ACCESS_UNPIN, ACCESS_DESTROY,
            DESTROY_STDEV)),
        new Scenario("device", List.of(ALLOC,
            step("second ioas", r -> r.ioas2 = r.f.ctx.ioasAlloc()),
            step("map in the first", r -> r.f.ctx.ioasMap(r.f.task,
                IoasMapRequest.fixed(r.ioas, BUFFER, P, MOCK_APERTURE_START))),
            step("map in the second", r -> r.f.ctx.ioasMap(r.f.task,
                IoasMapRequest.fixed(r.ioas2, BUFFER, P, MOCK_APERTURE_START))),
            MOCK_DOMAIN,
            step("replace to the second ioas",
                r -> r.f.ctx.deviceAttach(r.stdev.deviceId(), r.ioas2)),
            step("replace back", r -> r.f.ctx.deviceAttach(r.stdev.deviceId(), r.ioas)))),
        new Scenario("huge carry with accesses and two domains", List.of(ALLOC, LIMIT_16,
            MOCK_DOMAIN,
            step("map hugetlb", r -> r.iova = r.f.ctx.ioasMap(r.f.task,
                IoasMapRequest.fixed(r.ioas, HUGE, HUGE_SIZE, MOCK_APERTURE_START))),
            ACCESS_CREATE, ACCESS_ATTACH,
            step("pin across the huge page boundary", r -> r.pin = r.access.pin(
                r.iova + (2L << 20) - 2 * P, 4 * P, false)),
            MOCK_DOMAIN_2, DESTROY_STDEV, DESTROY_STDEV_2, MOCK_DOMAIN,
            step("unmap with the access", r -> r.f.ctx.ioasUnmap(r.ioas, r.iova, HUGE_SIZE)))),
        new Scenario("copy between IOASes with accounting", List.of(ALLOC, MOCK_DOMAIN,
            step("second ioas", r -> r.ioas2 = r.f.ctx.ioasAlloc()),
            step("map in the second", r -> r.iova = r.f.ctx.ioasMap(r.f.task,
                IoasMapRequest.anywhere(r.ioas2, BIG, BIG_SIZE))),
            step("copy into the first", r -> r.f.ctx.ioasCopy(IoasCopyRequest.fixed(r.ioas,
                r.ioas2, r.iova, MOCK_APERTURE_START, BIG_SIZE))),
            step("unmap the second", r -> r.f.ctx.ioasUnmap(r.ioas2, r.iova, BIG_SIZE)),
            step("destroy the second", r -> r.f.ctx.destroy(r.ioas2)),
            step("unmap all", r -> r.f.ctx.ioasUnmap(r.ioas, 0, -1L)))),
        new Scenario("disable large pages and cut", List.of(ALLOC,
            step("huge pages off", r -> r.f.ctx.option(r.f.task,
                IommuOption.set(IommuOption.HUGE_PAGES, r.ioas, 0))),
            MOCK_DOMAIN,
            step("map", r -> r.iova = r.f.ctx.ioasMap(r.f.task,
                IoasMapRequest.fixed(r.ioas, HUGE, HUGE_SIZE, MOCK_APERTURE_START))),
            step("cut at the start", r -> r.f.ctx.ioas(r.ioas).iopt().cutIova(r.iova + P - 1)),
            step("cut at the end",
                r -> r.f.ctx.ioas(r.ioas).iopt().cutIova(r.iova + (2L << 20) - 1)),
            step("unmap the middle", r -> r.f.ctx.ioasUnmap(r.ioas, r.iova + P,
                (2L << 20) - P)))));
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyStepIsAllOrNothing(Scenario scenario) {
    int points = 0;
    for (int i = 0; i < scenario.steps().size(); i++) {
      List<Step> prefix = scenario.steps().subList(0, i);
      Step step = scenario.steps().get(i);
      List<Run> runs = new ArrayList<>();
      FailNthSweep<Run> sweep = new FailNthSweep<>(
          () -> {
            Run run = new Run();
            prefix.forEach(s -> s.action().accept(run));
            runs.add(run);
            return run;
          },
          run -> run.f.host,
          run -> run.f.state(),
          run -> {
            run.f.check();
            assertThat(run.f.host.log().warnings()).as("warnings after %s", step).isEmpty();
          });
      points += sweep.run(step.action());
      for (Run run : runs) {
        run.f.teardown();
      }
    }
    assertThat(points).as("fault points reached").isPositive();
  }

  /** The kernel's own points first: every PIN point of a domain fill, counted alone. */
  @ParameterizedTest
  @MethodSource("scenarios")
  void pinFailuresAlone(Scenario scenario) {
    List<Step> steps = scenario.steps();
    Step last = steps.get(steps.size() - 1);
    List<Run> runs = new ArrayList<>();
    new FailNthSweep<Run>(
        () -> {
          Run run = new Run();
          steps.subList(0, steps.size() - 1).forEach(s -> s.action().accept(run));
          runs.add(run);
          return run;
        },
        run -> run.f.host, run -> run.f.state(), run -> run.f.check())
        .only(FaultPoint.PIN)
        .run(last.action());
    runs.forEach(run -> run.f.teardown());
  }
}
