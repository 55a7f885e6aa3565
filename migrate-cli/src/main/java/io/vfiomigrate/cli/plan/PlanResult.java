package io.vfiomigrate.cli.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A memlock plan: what libvirt sets, and for each model its needs and whether libvirt's limit
 * suffices.
 *
 * @param subject what was planned, for the human title: the trace's path or {@code VM description}
 */
record PlanResult(String subject, LibvirtLimits libvirt, List<ModelPlan> models) {
  /** One model's needs and verdict. */
  record ModelPlan(ModelNeeds needs, Verdict verdict) {}

  PlanResult {
    requireNonNull(subject, "subject is null");
    requireNonNull(libvirt, "libvirt is null");
    models = List.copyOf(models);
  }

  static PlanResult of(String subject, LibvirtLimits libvirt, List<ModelNeeds> needs) {
    return new PlanResult(
        subject,
        libvirt,
        needs.stream().map(n -> new ModelPlan(n, Verdict.of(n, libvirt))).toList());
  }
}
