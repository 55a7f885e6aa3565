package io.vfiomigrate.iommufd.context;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.HUGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.iommufd.device.IommufdAccess;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.MockDomain;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A random mix of every operation on two IOASes, with faults injected now and then: after
 * each operation the invariants hold, an atomic operation that failed left the whole state as
 * it was, and closing the context at the end leaves no pin, no charge and no warning.
 */
class RandomOperationsTest {
  private static final long[][] MEMORY = {{BUFFER, BUFFER_SIZE}, {BIG, BIG_SIZE},
      {HUGE, HUGE_SIZE}};

  private final IommufdFixture f = new IommufdFixture();
  private final List<Integer> ioases = new ArrayList<>();
  private final List<MockDomain> devices = new ArrayList<>();
  private final List<SelftestAccess> accesses = new ArrayList<>();
  private final List<Integer> pins = new ArrayList<>();
  private Random random;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomOperationsKeepEveryInvariant(long seed) {
    random = new Random(seed);
    ioases.add(f.ioasAlloc());
    ioases.add(f.ioasAlloc());
    int[] succeeded = new int[17];
    long maxPinned = 0;
    for (int step = 0; step < 400; step++) {
      int choice = random.nextInt(17);
      boolean atomic = choice != 2 && choice != 3;
      String before = f.state();
      if (random.nextInt(8) == 0) {
        f.host.faults().arm(1 + random.nextInt(12));
      }
      try {
        operate(choice);
        succeeded[choice]++;
      } catch (KernelException e) {
        if (atomic) {
          assertThat(f.state()).as("seed %d step %d: failed op %d (%s) changed the state",
              seed, step, choice, e.getMessage()).isEqualTo(before);
        }
      } finally {
        f.host.faults().disarm();
      }
      f.check();
      maxPinned = Math.max(maxPinned, f.host.memory().pinnedPages());
    }
    assertThat(Arrays.stream(succeeded).filter(n -> n > 0).count())
        .as("kinds of operation that succeeded").isGreaterThanOrEqualTo(14);
    assertThat(maxPinned).isPositive();
    f.teardown();
  }

  private void operate(int choice) {
    int ioas = pick(ioases);
    switch (choice) {
      case 0:
        f.ctx.ioasMap(f.task, IoasMapRequest.fixed(ioas, userVa(), length(), iova()));
        break;
      case 1:
        f.ctx.ioasMap(f.task, IoasMapRequest.anywhere(ioas, userVa(), length()));
        break;
      case 2:
        f.ctx.ioasUnmap(ioas, iova(), length());
        break;
      case 3:
        f.ctx.ioasUnmap(ioas, 0, -1L);
        break;
      case 4:
        f.ctx.ioasCopy(IoasCopyRequest.fixed(pick(ioases), ioas, iova(), iova(),
            random.nextInt(3) * 2048L + P));
        break;
      case 5:
        devices.add(random.nextBoolean() ? f.mockDomain(ioas) : f.mockDomainB(ioas));
        break;
      case 6:
        if (!devices.isEmpty()) {
          f.destroyMockDomain(devices.remove(random.nextInt(devices.size())));
        }
        break;
      case 7:
        if (!devices.isEmpty()) {
          f.ctx.deviceAttach(pick(devices).deviceId(), ioas);
        }
        break;
      case 8:
        accesses.add(f.access(random.nextBoolean()));
        break;
      case 9:
        if (!accesses.isEmpty()) {
          SelftestAccess a = pick(accesses);
          if (a.needsPinPages() && a.access().ioas() != null) {
            pins.add(accesses.indexOf(a) * 10000 + a.pin(iova(), length(), random.nextBoolean()));
          }
        }
        break;
      case 10:
        if (!pins.isEmpty()) {
          int pin = pins.remove(random.nextInt(pins.size()));
          accesses.get(pin / 10000).unpin(pin % 10000);
        }
        break;
      case 11:
        if (!accesses.isEmpty()) {
          IommufdAccess a = pick(accesses).access();
          if (a.ioas() != null) {
            a.rw(iova(), 1 + random.nextInt(3 * (int) P),
                random.nextBoolean() ? AccessPages.RW_WRITE : AccessPages.RW_SLOW_PATH, f.task);
          }
        }
        break;
      case 12:
        f.ctx.option(f.task, IommuOption.set(IommuOption.HUGE_PAGES, ioas, random.nextInt(2)));
        break;
      case 13:
        f.ctx.testSetTempMemoryLimit(new long[] {16, 32, 65536}[random.nextInt(3)]);
        break;
      case 14:
        if (!accesses.isEmpty()) {
          SelftestAccess a = pick(accesses);
          if (a.access().ioas() != null) {
            a.access().replace(ioas);
          } else {
            a.access().attach(ioas);
          }
        }
        break;
      case 15:
        if (ioases.size() > 1) {
          f.ctx.destroy(ioas);
          ioases.remove(Integer.valueOf(ioas));
        }
        break;
      default:
        if (ioases.size() < 3) {
          ioases.add(f.ctx.ioasAlloc());
        }
        break;
    }
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private long userVa() {
    long[] region = MEMORY[random.nextInt(MEMORY.length)];
    return region[0] + random.nextInt((int) (region[1] / P)) * P
        + (random.nextInt(4) == 0 ? 2048 : 0);
  }

  private long length() {
    return (1 + random.nextInt(random.nextBoolean() ? 4 : 600)) * P
        + (random.nextInt(4) == 0 ? 2048 : 0);
  }

  private long iova() {
    return MOCK_APERTURE_START + random.nextInt(1024) * P;
  }
}
