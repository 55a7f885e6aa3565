package io.vfiomigrate.host;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A simulated host: tasks with their address spaces and users, physical memory with pin
 * counts, IOMMU hardware, a fault injector and a kernel log. Both backends of a comparison
 * run on their own host built from the same {@link HostConfig}, so identical operations meet
 * identical page frames. Single-threaded.
 */
public final class Host {
  private final HostConfig config;
  private final FaultInjector faults = new FaultInjector();
  private final KernelLog log = new KernelLog();
  private final PhysicalMemory memory;
  private final TreeMap<Integer, Task> tasks = new TreeMap<>();
  private final TreeMap<Integer, UserStruct> users = new TreeMap<>();
  private int nextDomainId = 1;

  public Host(HostConfig config) {
    this.config = requireNonNull(config, "config is null");
    this.memory = new PhysicalMemory(config.pageSize(), faults);
    Map<Integer, Mm> mms = new TreeMap<>();
    for (TaskSpec spec : config.tasks()) {
      UserStruct user = users.computeIfAbsent(spec.uid(), uid -> new UserStruct(uid, faults, log));
      Mm mm = new Mm(spec.pid(), faults, log);
      mms.put(spec.pid(), mm);
      tasks.put(spec.pid(), new Task(spec, mm, user));
    }
    for (Vma vma : memory.layOut(config)) {
      mms.get(vma.spec().pid()).addVma(vma);
    }
  }

  public HostConfig config() {
    return config;
  }

  public long pageSize() {
    return config.pageSize();
  }

  /**
   * @throws IllegalArgumentException if the host has no task {@code pid}
   */
  public Task task(int pid) {
    Task task = tasks.get(pid);
    if (task == null) {
      throw new IllegalArgumentException("no task with pid " + pid);
    }
    return task;
  }

  /** Tasks sorted by pid. */
  public Collection<Task> tasks() {
    return List.copyOf(tasks.values());
  }

  public PhysicalMemory memory() {
    return memory;
  }

  public FaultInjector faults() {
    return faults;
  }

  public KernelLog log() {
    return log;
  }

  /** The IOMMU hardware behind {@code group}'s devices. */
  public IommuSpec iommuForGroup(int group) {
    return config.iommuForGroup(group);
  }

  /**
   * {@code iommu_paging_domain_alloc}: a new, empty domain on {@code spec}'s hardware.
   *
   * @throws io.vfiomigrate.api.KernelException ENOMEM (injected)
   */
  public IommuDomain allocDomain(IommuSpec spec) {
    faults.check(FaultPoint.ALLOC, "iommu_paging_domain_alloc");
    return new IommuDomain(nextDomainId++, spec, faults);
  }

  /** Every counter of the host now: tasks by pid, users by uid, zeros included. */
  public AccountingSnapshot snapshot() {
    List<TaskAccounting> taskFigures = new ArrayList<>();
    for (Task t : tasks.values()) {
      taskFigures.add(new TaskAccounting(t.pid(), t.mm().lockedVm(), t.mm().pinnedVm()));
    }
    List<UserAccounting> userFigures = new ArrayList<>();
    for (UserStruct u : users.values()) {
      userFigures.add(new UserAccounting(u.uid(), u.lockedVm()));
    }
    return new AccountingSnapshot(taskFigures, userFigures, memory.pinnedPages(), memory.pinRefs());
  }
}
