package io.vfiomigrate.cli.examples;

import io.vfiomigrate.cli.testing.Traces;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.trace.MessageFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * What type1 and native iommufd (USER accounting) must report for each example, step by step,
 * worked out from the spec's rules and worked examples (section references in each). These are
 * expected kernel figures, the contract the models will be held to, not model output.
 */
enum ExampleFigures {
  /** Passthrough only: every mapped page pinned and charged at map time (A.3, B.2, C1). */
  PASSTHROUGH_VM(
      "passthrough-vm",
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 196608/0 | 0 | 196608/196608",
        "OK 0 | 262144/0 | 0 | 262144/262144",
        "OK 1073741824 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/196608 | 196608 | 196608/196608",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 1073741824 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      }),
  /** mdev only: maps pin nothing, pins charge per page, a repeated pin is shared (C3). */
  VGPU_VM(
      "vgpu-vm",
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 1/0 | 0 | 1/1",
        "OK 0 | 2/0 | 0 | 2/2",
        "OK 0 | 2/0 | 0 | 2/2",
        "OK 0 | 6/0 | 0 | 6/6",
        "OK 0 | 6/0 | 0 | 6/6",
        "OK 0 | 6/0 | 0 | 6/6",
        "OK 0 | 5/0 | 0 | 5/5",
        "OK 2147483648 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/1 | 1 | 1/1",
        "OK 0 | 0/2 | 2 | 2/2",
        "OK 0 | 0/2 | 2 | 2/2",
        "OK 0 | 0/6 | 6 | 6/6",
        "OK 0 | 0/6 | 6 | 6/6",
        "OK 0 | 0/6 | 6 | 6/6",
        "OK 0 | 0/5 | 5 | 5/5",
        "OK 2147483648 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      }),
  /** mdev pins on a domain: not charged again, pinned twice by type1 only (C4); shared domain. */
  PASSTHROUGH_VGPU_HOTPLUG(
      "passthrough-vgpu-hotplug",
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 262144/0 | 0 | 262144/262144",
        "OK 0 | 262144/0 | 0 | 262144/262144",
        "OK 0 | 262144/0 | 0 | 262144/262148",
        "OK 0 | 262144/0 | 0 | 262144/262149",
        "OK 0 | 262144/0 | 0 | 262144/262144",
        "OK 0 | 262144/0 | 0 | 262144/262144",
        "OK 0 | 262144/0 | 0 | 262144/262144",
        "OK 1073741824 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/262144 | 262144 | 262144/262144",
        "OK 1073741824 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      }),
  /** Two processes of one uid: per-mm limits in type1, the uid's total in iommufd USER (C7). */
  TWO_VMS_ONE_UID(
      "two-vms-one-uid",
      new String[] {
        "OK 0 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 786432/0 0/0 | 0 | 786432/786432",
        "OK 0 | 1048576/0 0/0 | 0 | 1048576/1048576",
        "OK 0 | 1048576/0 0/0 | 0 | 1048576/1048576",
        "OK 0 | 1048576/0 0/0 | 0 | 1048576/1048576",
        "OK 0 | 1048576/0 0/0 | 0 | 1048576/1048576",
        "OK 0 | 1048576/0 786432/0 | 0 | 1835008/1835008",
        "OK 0 | 1048576/0 1048576/0 | 0 | 2097152/2097152",
        "OK 4294967296 | 0/0 1048576/0 | 0 | 1048576/1048576",
        "OK 0 | 0/0 1048576/0 | 0 | 1048576/1048576",
        "OK 4294967296 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/0 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/786432 0/0 | 786432 | 786432/786432",
        "OK 0 | 0/1048576 0/0 | 1048576 | 1048576/1048576",
        "OK 0 | 0/1048576 0/0 | 1048576 | 1048576/1048576",
        "OK 0 | 0/1048576 0/0 | 1048576 | 1048576/1048576",
        "OK 0 | 0/1048576 0/0 | 1048576 | 1048576/1048576",
        "ENOMEM 0 | 0/1048576 0/0 | 1048576 | 1048576/1048576",
        "OK 0 | 0/1048576 0/262144 | 1310720 | 1310720/1310720",
        "OK 4294967296 | 0/0 0/262144 | 262144 | 262144/262144",
        "OK 0 | 0/0 0/262144 | 262144 | 262144/262144",
        "OK 1073741824 | 0/0 0/0 | 0 | 0/0",
        "OK 0 | 0/0 0/0 | 0 | 0/0"
      }),
  /** RLIMIT_MEMLOCK reached part way: the same maps fail on both sides, no residue (C8). */
  RLIMIT_MEMLOCK_FAILURE(
      "rlimit-memlock-failure",
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 900/0 | 0 | 900/900",
        "ENOMEM 0 | 900/0 | 0 | 900/900",
        "OK 0 | 1000/0 | 0 | 1000/1000",
        "ENOMEM 0 | 1000/0 | 0 | 1000/1000",
        "OK 4096000 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/900 | 900 | 900/900",
        "ENOMEM 0 | 0/900 | 900 | 900/900",
        "OK 0 | 0/1000 | 1000 | 1000/1000",
        "ENOMEM 0 | 0/1000 | 1000 | 1000/1000",
        "OK 4096000 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      }),
  /** CAP_IPC_LOCK: type1 counts VmLck anyway, iommufd maps with accounting NONE (C9). */
  CAP_IPC_LOCK_VM(
      "cap-ipc-lock-vm",
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 65536/0 | 0 | 65536/65536",
        "OK 268435456 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/65536 | 0 | 65536/65536",
        "OK 268435456 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      }),
  /** TYPE1 v1 unmaps (A.5), which convert translates to what type1 did (V1_PARTIAL_UNMAP). */
  V1_LEGACY_UNMAPS(
      "v1-legacy-unmaps",
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 256/0 | 0 | 256/256",
        "OK 0 | 512/0 | 0 | 512/512",
        "OK 0 | 512/0 | 0 | 512/512",
        "OK 1048576 | 256/0 | 0 | 256/256",
        "OK 1048576 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      },
      new String[] {
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0",
        "OK 0 | 0/256 | 256 | 256/256",
        "OK 0 | 0/512 | 512 | 512/512",
        "OK 0 | 0/512 | 512 | 512/512",
        "OK 1048576 | 0/256 | 256 | 256/256",
        "OK 1048576 | 0/0 | 0 | 0/0",
        "OK 0 | 0/0 | 0 | 0/0"
      });

  final String name;
  private final String[] type1;
  private final String[] iommufd;

  ExampleFigures(String name, String[] type1, String[] iommufd) {
    this.name = name;
    this.type1 = type1;
    this.iommufd = iommufd;
  }

  Path path() {
    return Traces.EXAMPLES.resolve(name + ".json");
  }

  Type1Trace trace() {
    return MessageFiles.read(path(), Type1Trace.getDefaultInstance());
  }

  List<StepResult> type1() {
    return ExpectedSteps.of(trace(), type1);
  }

  List<StepResult> iommufd() {
    return ExpectedSteps.of(trace(), iommufd);
  }
}
