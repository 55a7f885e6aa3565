package io.vfiomigrate.cli.plan;

import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.replay.Backends;
import java.util.ArrayList;
import java.util.List;

/**
 * The accounting models a plan covers, each with the backend it replays on and the counter whose
 * RLIMIT_MEMLOCK check decides whether a pin succeeds (kernel-semantics A.4, B.5, C7, C9).
 */
public enum PlanModel {
  /** type1-legacy: every pin charged to the mapping task's mm.locked_vm, checked per process. */
  TYPE1("type1", Backends.TYPE1, Accounting.MM, CheckedCounter.TASK),
  /** vfio_compat (the /dev/vfio/vfio iommufd provides): MM accounting, as type1 but iommufd's. */
  COMPAT("compat", Backends.COMPAT, Accounting.MM, CheckedCounter.TASK),
  /** Native /dev/iommu by default: user_struct.locked_vm of the uid, against the mapper's limit. */
  IOMMUFD_USER("iommufd-user", Backends.IOMMUFD, Accounting.USER, CheckedCounter.USER),
  /** Native /dev/iommu with IOMMU_OPTION_RLIMIT_MODE=1 (libvirt's iommufd series). */
  IOMMUFD_MM("iommufd-mm", Backends.IOMMUFD, Accounting.MM, CheckedCounter.TASK);

  /** Which counter a model compares with RLIMIT_MEMLOCK. */
  public enum CheckedCounter {
    /** {@code mm->locked_vm} (VmLck) of one process. */
    TASK,
    /** {@code user_struct->locked_vm}: every process of a uid together. */
    USER
  }

  private final String id;
  private final String backend;
  private final Accounting accounting;
  private final CheckedCounter counter;

  PlanModel(String id, String backend, Accounting accounting, CheckedCounter counter) {
    this.id = id;
    this.backend = backend;
    this.accounting = accounting;
    this.counter = counter;
  }

  /** The name in the output and in {@code --models}. */
  public String id() {
    return id;
  }

  /** The {@link Backends} name it replays on. */
  public String backend() {
    return backend;
  }

  /** For the iommufd backend: the accounting the converted program selects. */
  public Accounting accounting() {
    return accounting;
  }

  public CheckedCounter counter() {
    return counter;
  }

  /**
   * Parses {@code --models type1,compat,...}.
   *
   * @throws UsageException for an unknown or repeated name, or an empty list
   */
  public static List<PlanModel> parseList(String value) {
    List<PlanModel> models = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      PlanModel model = byId(name.strip());
      if (models.contains(model)) {
        throw new UsageException("plan: --models: " + model.id + " is named twice");
      }
      models.add(model);
    }
    return List.copyOf(models);
  }

  private static PlanModel byId(String name) {
    for (PlanModel model : values()) {
      if (model.id.equals(name)) {
        return model;
      }
    }
    throw new UsageException(
        "plan: --models: unknown model \""
            + name
            + "\" (expected type1, compat, iommufd-user or iommufd-mm)");
  }
}
