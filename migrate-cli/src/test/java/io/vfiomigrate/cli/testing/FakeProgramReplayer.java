package io.vfiomigrate.cli.testing;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.cli.replay.ProgramReplayer;
import io.vfiomigrate.cli.replay.ProgramSession;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.proto.IommufdOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-made stand-in for the iommufd integration, for the plumbing of program replays only: NOT a
 * model of iommufd. An ioasMap charges its pages to the caller's VmPin and user (like USER
 * accounting would), an ioasUnmap of a whole map (or ALL) uncharges it and returns its length, any
 * other unmap fails ENOENT; an accessRw of length {@link #BUG_LENGTH} raises a KernelBug and an
 * accessPin of length {@link #FAILING_LENGTH} fails ENOMEM. Every op is logged by name.
 */
public final class FakeProgramReplayer implements ProgramReplayer {
  public static final long BUG_LENGTH = 13;
  public static final long FAILING_LENGTH = 3 * 4096;

  public final List<String> log = new ArrayList<>();

  @Override
  public ProgramSession start(Host host) {
    Map<Long, long[]> maps = new HashMap<>();
    return op -> {
      log.add(op.getOpCase().name());
      Task task = host.task(op.getPid());
      switch (op.getOpCase()) {
        case IOASMAP -> {
          long pages = op.getIoasMap().getLength() / host.pageSize();
          maps.put(
              op.getIoasMap().getIova(), new long[] {op.getIoasMap().getLength(), op.getPid()});
          charge(host.task(op.getPid()), pages);
        }
        case IOASUNMAP -> {
          return unmap(host, maps, op);
        }
        case ACCESSPIN -> {
          if (op.getAccessPin().getLength() == FAILING_LENGTH) {
            throw KernelException.of(Errno.ENOMEM, "fake: refuses this pin of pid %d", task.pid());
          }
        }
        case ACCESSRW -> {
          if (op.getAccessRw().getLength() == BUG_LENGTH) {
            throw new KernelBug("fake_rw", "asked to crash");
          }
        }
        default -> {
          // Accepted, without effect.
        }
      }
      return 0;
    };
  }

  private static long unmap(Host host, Map<Long, long[]> maps, IommufdOp op) {
    long unmapped = 0;
    for (Long iova : new ArrayList<>(maps.keySet())) {
      if (op.getIoasUnmap().getAll() || iova == op.getIoasUnmap().getIova()) {
        long[] map = maps.remove(iova);
        charge(host.task((int) map[1]), -map[0] / host.pageSize());
        unmapped += map[0];
      }
    }
    if (unmapped == 0 && !op.getIoasUnmap().getAll()) {
      throw KernelException.of(Errno.ENOENT, "fake: nothing at %d", op.getIoasUnmap().getIova());
    }
    return unmapped;
  }

  private static void charge(Task task, long pages) {
    task.mm().addPinnedVm(pages);
    if (pages > 0) {
      task.user().incrLockedVm(pages, Long.MAX_VALUE);
    } else {
      task.user().decrLockedVm(-pages);
    }
  }
}
