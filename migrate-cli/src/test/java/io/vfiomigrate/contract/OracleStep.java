package io.vfiomigrate.contract;

import io.vfiomigrate.proto.TaskAccounting;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step as the oracle harness printed it: errno, {@code unmapped} and each task's {@code
 * VmLck/VmPin} in pages, by pid. Its string form is what the fidelity test compares.
 */
record OracleStep(String errno, long unmapped, Map<Integer, String> tasks) {
  static OracleStep of(String errno, long unmapped, Iterable<TaskAccounting> tasks) {
    Map<Integer, String> vm = new TreeMap<>();
    for (TaskAccounting task : tasks) {
      vm.put(task.getPid(), task.getLockedVmPages() + "/" + task.getPinnedVmPages());
    }
    return new OracleStep(errno, unmapped, vm);
  }

  @Override
  public String toString() {
    StringBuilder out =
        new StringBuilder(errno).append(" u=").append(Long.toUnsignedString(unmapped));
    tasks.forEach((pid, vm) -> out.append(' ').append(pid).append(':').append(vm));
    return out.toString();
  }
}
