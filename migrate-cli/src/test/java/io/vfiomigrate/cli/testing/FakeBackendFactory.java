package io.vfiomigrate.cli.testing;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hand-made stand-in for a backend, for the replay engine's plumbing only: it is NOT a model of
 * type1 or iommufd, and its figures mean nothing about either. It charges one counter page per
 * mapped page to the caller ({@code VmLck}, or {@code VmPin} when built with {@code pinnedVm}),
 * refuses overlapping maps (EEXIST) and maps of {@code failingSize} bytes (ENOMEM), notifies the
 * emulated devices of unmapped ranges with pins, and, like type1, gives up with a {@link KernelBug}
 * when a driver keeps its pins through ten notifications. With {@code logging} it records every
 * call in {@link #log}.
 */
public final class FakeBackendFactory implements VfioBackendFactory {
  private final String name;
  private final boolean pinnedVm;
  private final long failingSize;
  private final boolean logging;
  public final List<String> log = new ArrayList<>();

  public FakeBackendFactory(String name, boolean pinnedVm, long failingSize, boolean logging) {
    this.name = name;
    this.pinnedVm = pinnedVm;
    this.failingSize = failingSize;
    this.logging = logging;
  }

  private void log(Object... parts) {
    if (logging) {
      StringBuilder line = new StringBuilder();
      for (Object part : parts) {
        line.append(line.length() == 0 ? "" : " ").append(part);
      }
      log.add(line.toString());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public VfioBackend create(Host host) {
    return new VfioBackend() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Host host() {
        return host;
      }

      @Override
      public Type1Container openContainer(Task current) {
        log("open by", current.pid());
        return new FakeContainer(host);
      }

      @Override
      public void checkInvariants() {}

      @Override
      public String dumpState() {
        return "";
      }
    };
  }

  private final class FakeContainer implements Type1Container {
    private final Host host;
    private final TreeMap<Long, long[]> mappings = new TreeMap<>();
    private final Map<Integer, FakeDevice> devices = new LinkedHashMap<>();
    private final java.util.Set<Integer> iommuGroups = new java.util.HashSet<>();

    FakeContainer(Host host) {
      this.host = host;
    }

    @Override
    public int checkExtension(VfioExtension extension) {
      return 0;
    }

    @Override
    public void setIommu(Task current, IommuType type) {
      log("setIommu", type);
    }

    @Override
    public IommuInfo getInfo(Task current, int argsz) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void mapDma(Task current, DmaMapRequest request) {
      if (request.size() == failingSize) {
        throw KernelException.of(Errno.ENOMEM, "fake: refuses maps of %d bytes", failingSize);
      }
      var before = mappings.floorEntry(request.iova() + request.size() - 1);
      if (before != null && before.getKey() + before.getValue()[0] > request.iova()) {
        throw KernelException.of(Errno.EEXIST, "fake: overlap");
      }
      mappings.put(request.iova(), new long[] {request.size(), current.pid()});
      charge(current, request.size() / host.pageSize());
      log("map", request.iova());
    }

    @Override
    public long unmapDma(Task current, DmaUnmapRequest request) {
      long first = request.allFlag() ? 0 : request.iova();
      long last = request.allFlag() ? Long.MAX_VALUE : request.iova() + request.size() - 1;
      long unmapped = 0;
      for (Map.Entry<Long, long[]> entry :
          new ArrayList<>(mappings.subMap(first, true, last, true).entrySet())) {
        long size = entry.getValue()[0];
        if (entry.getKey() + size - 1 > last) {
          throw KernelException.of(Errno.EINVAL, "fake: cuts a mapping")
              .withPartialResult(unmapped);
        }
        notifyDevices(entry.getKey(), size);
        mappings.remove(entry.getKey());
        charge(host.task((int) entry.getValue()[1]), -size / host.pageSize());
        unmapped += size;
      }
      log("unmap", unmapped);
      return unmapped;
    }

    private void notifyDevices(long iova, long size) {
      for (FakeDevice device : devices.values()) {
        for (int tries = 0; device.pins > 0; tries++) {
          if (tries == 10) {
            throw new KernelBug(
                "fake_do_unmap", "device of group " + device.group + " keeps its pins");
          }
          device.driver.dmaUnmap(device, iova, size);
        }
      }
    }

    private void charge(Task task, long pages) {
      if (pinnedVm) {
        task.mm().addPinnedVm(pages);
      } else {
        task.mm().accountLockedVm(Math.abs(pages), pages > 0, task, true);
      }
    }

    @Override
    public void attachIommuGroup(Task current, int groupId) {
      iommuGroups.add(groupId);
      log("attach", groupId);
    }

    @Override
    public VfioDevice attachEmulatedGroup(Task current, int groupId, MdevDriver driver) {
      FakeDevice device = new FakeDevice(groupId, driver);
      devices.put(groupId, device);
      log("attach emulated", groupId);
      return device;
    }

    @Override
    public void detachGroup(Task current, int groupId) {
      if (devices.remove(groupId) == null && !iommuGroups.contains(groupId)) {
        throw KernelException.of(Errno.EINVAL, "fake: group %d is not attached", groupId);
      }
      iommuGroups.remove(groupId);
      log("detach", groupId);
    }

    @Override
    public void close() {
      log("close");
    }
  }

  private final class FakeDevice implements VfioDevice {
    private final int group;
    private final MdevDriver driver;
    private long pins;

    FakeDevice(int group, MdevDriver driver) {
      this.group = group;
      this.driver = driver;
    }

    @Override
    public int groupId() {
      return group;
    }

    @Override
    public PinnedPages pinPages(long iova, int npage, Prot prot) {
      pins += npage;
      log("pin", iova, npage);
      return new PinnedPages(List.of(new PinnedPages.PfnRange(1, npage)));
    }

    @Override
    public void unpinPages(long iova, int npage) {
      pins -= npage;
      log("unpin", iova, npage);
    }

    @Override
    public void dmaRw(long iova, long length, boolean write) {
      log("rw", iova);
    }
  }
}
