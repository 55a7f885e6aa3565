#!/usr/bin/env python3
"""Write the hand-designed oracle scenarios (one concept each) as Type1Trace JSON.

Usage: gen_scenarios.py [OUTDIR]      (default migrate-cli/src/test/resources/oracle)
       gen_scenarios.py --list        (markdown table of name and one-line summary)

Deterministic: the same files every run. `expect` is filled only for type1 outcomes that
kernel-semantics.md states unambiguously (and that the Linux 6.12 oracle confirmed).
Oracle limits respected: <= 2 IOMMU and 2 EMULATED groups, no HUGETLB_1G, no dmaRw, no
onUnmap IGNORE, MMIO regions <= 16 MiB (BAR 2 of the task's first IOMMU group)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tracelib import P, KiB, MiB, GiB, U64, VA, G_IOMMU, G_EMUL, Events, dump, region, task, trace  # noqa: E402

GA, GB = G_IOMMU
EA, EB = G_EMUL
V = VA[1]
SCEN = []
_uid = [1000]


def scenario(name, summary):
    def deco(fn):
        SCEN.append((name, summary, fn))
        return fn
    return deco


def uid():
    """A distinct uid per scenario, so per-user counters never carry over between cases."""
    _uid[0] += 1
    return _uid[0]


def pages(n):
    return n * P


# ---------------------------------------------------------------- spec section C examples

@scenario("c1-same-memory-mapped-twice",
          "C1: one 256-page buffer mapped at two IOVAs is pinned and charged twice (L = 1000)")
def c1():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").map(V, 0x200000, MiB, errno="OK")
    e.unmap(0x100000, MiB, errno="OK", unmapped=MiB).unmap(0x200000, MiB, errno="OK", unmapped=MiB).close()
    return trace("Spec C1: the same 256-page ANON buffer is mapped at IOVA 0x100000 and again at 0x200000 "
                 "through a v2 container with one IOMMU group (RLIMIT_MEMLOCK 1000 pages). Both backends "
                 "double-count: type1 VmLck 256 -> 512 -> 256 -> 0; compat (MM) VmLck = VmPin the same; "
                 "iommufd (USER) VmLck 0, VmPin 256 -> 512 -> 256 -> 0.",
                 [task(100, uid(), pages(1000))], [region(100, V, MiB, "ANON")], e)


@scenario("c1-same-memory-mapped-twice-l384",
          "C1 variant: with L = 384 pages the second map of the buffer fails ENOMEM and leaves 256")
def c1b():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").map(V, 0x200000, MiB, errno="ENOMEM")
    e.unmap(0x200000, MiB, errno="OK", unmapped=0).unmap(0x100000, MiB, errno="OK", unmapped=MiB).close()
    return trace("Spec C1 with RLIMIT_MEMLOCK 384 pages: the second MAP of the same 256-page buffer fails "
                 "with ENOMEM in every backend and leaves no residue (VmLck 256 in type1 and compat; "
                 "iommufd VmPin 256). type1 fails while pinning page 129; iommufd pins all 256, then the "
                 "charge fails. The unmap of the failed IOVA is an empty-range unmap (type1/compat OK size 0, "
                 "iommufd ENOENT).",
                 [task(100, uid(), pages(384))], [region(100, V, MiB, "ANON")], e)


@scenario("c3-mdev-pins-no-iommu-domain",
          "C3: mdev pins with only an emulated group: map pins nothing, pins are charged per page")
def c3():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0, pages(1024), errno="OK")
    e.pin(EA, 0, 4, errno="OK").pin(EA, 0, 1, errno="OK").unpin(EA, 0, 1).unpin(EA, 0, 4)
    e.unmap(0, pages(1024), errno="OK", unmapped=pages(1024)).close()
    return trace("Spec C3: a v2 container with only an emulated (mdev) group, RLIMIT_MEMLOCK 1000 pages. MAP of "
                 "1024 pages pins and charges nothing (no IOMMU domain; iommufd is lazy). The mdev pins IOVA "
                 "0..3 (charged 4), pins IOVA 0 again (no new charge), unpins IOVA 0 (still 4) and unpins "
                 "0..3 (0). type1/compat VmLck 0,4,4,4,0; iommufd VmPin the same with VmLck 0.",
                 [task(100, uid(), pages(1000))], [region(100, V, pages(1024), "ANON")], e)


@scenario("c3-mdev-pin-over-rlimit",
          "C3 variant: L = 2 pages, a 4-page mdev pin fails ENOMEM atomically; 2 pages fit, a 3rd fails")
def c3b():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0, pages(1024), errno="OK")
    e.pin(EA, 0, 4, errno="ENOMEM").pin(EA, 0, 2, errno="OK").pin(EA, pages(2), 1, errno="ENOMEM")
    e.unpin(EA, 0, 2).unmap(0, pages(1024), errno="OK", unmapped=pages(1024)).close()
    return trace("Spec C3 over-limit variant: emulated group only, RLIMIT_MEMLOCK 2 pages. A 4-page pin fails "
                 "with ENOMEM and leaves nothing charged (type1 charges page by page and unwinds; iommufd pins "
                 "4 then fails the charge). A 2-page pin succeeds (VmLck/VmPin 2), a further 1-page pin fails "
                 "ENOMEM, unpinning returns to 0.",
                 [task(100, uid(), pages(2))], [region(100, V, pages(1024), "ANON")], e)


@scenario("c4-mdev-pins-with-iommu-domain",
          "C4: mdev pins on top of an IOMMU domain are not charged again; unmap notifies and unpins")
def c4():
    e = Events()
    e.open().attach(GA).attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, pages(1024), errno="OK")
    e.pin(EA, 0x100000, 4, errno="OK")
    e.unmap(0x100000, pages(1024), errno="OK", unmapped=pages(1024)).close()
    return trace("Spec C4: IOMMU group and emulated group in one v2 container. MAP of 1024 pages charges 1024; "
                 "the mdev pins 4 of them: no further charge (type1 do_accounting is false with a domain; "
                 "iommufd copies the PFNs from the domain). UNMAP of the whole range calls the driver's "
                 "dma_unmap, which unpins, then removes the mapping: 0.",
                 [task(100, uid(), 8 * MiB)], [region(100, V, pages(1024), "ANON")], e)


@scenario("c5-hotplug-passthrough-replay-unplug-reaccount",
          "C5: hot-plug a passthrough group under mdev pins (replay charges 1020 more), unplug reaccounts to 4")
def c5():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, pages(1024), errno="OK").pin(EA, 0x100000, 4, errno="OK")
    e.attach(GA, errno="OK").detach(GA, errno="OK")
    e.unpin(EA, 0x100000, 4).unmap(0x100000, pages(1024), errno="OK", unmapped=pages(1024)).close()
    return trace("Spec C5: mdev-only v2 container, MAP 1024 pages (0 charged), mdev pins 4 (4). Hot-plugging "
                 "an IOMMU group replays the mapping into the new domain: 1024 (type1 charges the 1020 pages "
                 "without a vfio_pfn; iommufd fills the domain). Unplugging it reaccounts: 4 (type1 "
                 "vfio_iommu_unmap_unpin_reaccount; iommufd unpins what the access does not hold). The mdev "
                 "unpin returns to 0. RLIMIT_MEMLOCK 8 MiB.",
                 [task(100, uid(), 8 * MiB)], [region(100, V, pages(1024), "ANON")], e)


@scenario("c5-hotplug-passthrough-rlimit-too-small",
          "C5 variant: L = 1000 pages, the hot-plug replay of 1024 pages fails ENOMEM and leaves 4")
def c5b():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, pages(1024), errno="OK").pin(EA, 0x100000, 4, errno="OK")
    e.attach(GA, errno="ENOMEM")
    e.unpin(EA, 0x100000, 4).unmap(0x100000, pages(1024), errno="OK", unmapped=pages(1024)).close()
    return trace("Spec C5 with RLIMIT_MEMLOCK 1000 pages: as c5, but attaching the IOMMU group must charge "
                 "1020 more pages on top of 4 (1024 > 1000): the attach fails with ENOMEM and everything the "
                 "replay pinned is undone, VmLck stays 4 (type1, compat) / VmPin 4 (iommufd).",
                 [task(100, uid(), pages(1000))], [region(100, V, pages(1024), "ANON")], e)


@scenario("c6-mmio-bar-alone",
          "C6: map a 256-page BAR mmap (VM_PFNMAP): type1 maps it uncharged, iommufd fails EFAULT")
def c6a():
    bar = V + GiB
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(bar, 0x100000, MiB, errno="OK")
    e.unmap(0x100000, MiB, errno="OK", unmapped=MiB).close()
    return trace("Spec C6: a 1 MiB (256-page) mmap of BAR 2 of the passthrough device (VM_PFNMAP, reserved "
                 "PFNs) is mapped for peer-to-peer DMA with RLIMIT_MEMLOCK 0. type1 maps it and charges "
                 "nothing (rsvd PFNs are neither pinned nor counted): OK, VmLck 0. compat and iommufd cannot "
                 "pin a PFNMAP (pin_user_pages fails): EFAULT; the unmap then finds nothing.",
                 [task(100, uid(), 0)], [region(100, bar, MiB, "MMIO")], e)


@scenario("c6-mmio-ram-plus-bar-one-range",
          "C6: one map over 16 RAM pages followed by 16 BAR pages: type1 charges 16, iommufd EFAULT")
def c6b():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, pages(32), errno="OK")
    e.unmap(0x100000, pages(32), errno="OK", unmapped=pages(32)).close()
    return trace("Spec C6: one vaddr range of 16 ANON pages immediately followed by 16 pages of the device's "
                 "BAR 2 mmap is mapped with one MAP_DMA. type1 splits the pin runs where reserved-ness "
                 "changes and charges only the 16 RAM pages (VmLck 16); compat and iommufd fail with EFAULT "
                 "and leave nothing pinned. RLIMIT_MEMLOCK 1 MiB.",
                 [task(100, uid(), MiB)],
                 [region(100, V, pages(16), "ANON"), region(100, V + pages(16), pages(16), "MMIO")], e)


@scenario("c6-mmio-bar-mdev-pin",
          "C6: an mdev pin of a mapped BAR page: type1 EINVAL (!pfn_valid); iommufd never mapped it")
def c6c():
    bar = V + GiB
    e = Events()
    e.open().attach(GA).attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, pages(16), errno="OK").map(bar, 0x200000, pages(16), errno="OK")
    e.pin(EA, 0x100000, 1, errno="OK").pin(EA, 0x200000, 1, errno="EINVAL")
    e.unpin(EA, 0x100000, 1).unmap_all(errno="OK", unmapped=pages(32)).close()
    return trace("Spec C6, mdev side: a v2 container with the passthrough device and an mdev maps 16 RAM "
                 "pages and 16 pages of the device's BAR 2 mmap. A mdev pin of a RAM page succeeds (no new "
                 "charge, a domain exists); a pin of a BAR page fails in type1 with EINVAL (the PFN is not "
                 "pfn_valid). In compat/iommufd the BAR map already failed with EFAULT, so its pin finds no "
                 "mapping. RLIMIT_MEMLOCK 1 MiB.",
                 [task(100, uid(), MiB)],
                 [region(100, V, pages(16), "ANON"), region(100, bar, pages(16), "MMIO")], e)


@scenario("c7-two-processes-one-user",
          "C7 scaled: two processes of one uid (L = 64 MiB each) each map 40 MiB: per-user accounting refuses P2")
def c7():
    u = uid()
    V2 = VA[2]
    e = Events()
    e.open(1, pid=100).attach(GA, c=1, pid=100).set_iommu(1, pid=100)
    e.open(2, pid=200).attach(GB, c=2, pid=200).set_iommu(2, pid=200)
    e.map(V, 0x10000000, 40 * MiB, c=1, pid=100, errno="OK")
    e.map(V2, 0x10000000, 40 * MiB, c=2, pid=200, errno="OK")
    e.unmap_all(c=1, pid=100, errno="OK", unmapped=40 * MiB).unmap_all(c=2, pid=200, errno="OK", unmapped=40 * MiB)
    e.close(1, pid=100).close(2, pid=200)
    return trace("Spec C7 scaled down: processes 100 and 200 of the same uid, RLIMIT_MEMLOCK 64 MiB (16384 "
                 "pages) each, each with its own v2 container and passthrough group, each maps 40 MiB (10240 "
                 "pages). type1 and compat (MM accounting) charge each process's mm: both maps succeed, "
                 "VmLck 10240 each. iommufd (USER accounting) charges the shared user: the second map needs "
                 "20480 > 16384 and fails with ENOMEM (VmPin of process 200 stays 0).",
                 [task(100, u, 64 * MiB), task(200, u, 64 * MiB)],
                 [region(100, V, 40 * MiB, "ANON"), region(200, V2, 40 * MiB, "ANON")], e)


@scenario("c8-rlimit-exceeded-mid-map",
          "C8: L = 1000 pages, 900 charged, a 200-page map fails ENOMEM without residue; 100 more fit exactly")
def c8():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, pages(900), errno="OK")
    e.map(V + pages(900), 0x1000000, pages(200), errno="ENOMEM")
    e.map(V + pages(900), 0x1000000, pages(100), errno="OK")
    e.map(V + pages(1000), 0x2000000, pages(1), errno="ENOMEM")
    e.unmap_all(errno="OK", unmapped=pages(1000)).close()
    return trace("Spec C8: RLIMIT_MEMLOCK 1000 pages, a passthrough v2 container. MAP 900 pages (900 charged), "
                 "then MAP 200 pages: the limit is hit part-way (type1 at the 101st page; iommufd after "
                 "pinning all 200), ENOMEM, and the counters stay at 900. MAP 100 pages then succeeds exactly "
                 "at the limit (1000) and a 1-page MAP fails ENOMEM.",
                 [task(100, uid(), pages(1000))], [region(100, V, 8 * MiB, "ANON")], e)


@scenario("c9-cap-ipc-lock",
          "C9: CAP_IPC_LOCK with L = 0: type1 still counts VmLck 256; iommufd counts only VmPin 256")
def c9():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("Spec C9: a task with CAP_IPC_LOCK and RLIMIT_MEMLOCK 0 maps 256 pages. type1 skips the "
                 "limit check but still increments locked_vm: VmLck 256, VmPin 0. iommufd and compat choose "
                 "account mode NONE for a CAP_IPC_LOCK mapper: VmLck 0, VmPin 256.",
                 [task(100, uid(), 0, cap=True)], [region(100, V, MiB, "ANON")], e)


# ---------------------------------------------------------------- device combinations

@scenario("passthrough-only-vm",
          "passthrough only: a 64 MiB THP guest mapped as low and high RAM, unmapped with ALL, closed")
def passthrough_only():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0, 48 * MiB, errno="OK").map(V + 48 * MiB, 4 * GiB, 16 * MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=64 * MiB).close()
    return trace("Passthrough only: a 64 MiB THP-backed guest with one passthrough device maps low RAM (48 MiB "
                 "at IOVA 0) and high RAM (16 MiB at 4 GiB), then unmaps everything with "
                 "VFIO_DMA_UNMAP_FLAG_ALL and closes. type1 and compat VmLck 12288 -> 16384 -> 0 (compat "
                 "also VmPin), iommufd VmPin only.",
                 [task(100, uid(), 128 * MiB)], [region(100, V, 64 * MiB, "THP")], e)


@scenario("mdev-only-unmap-drops-pins",
          "mdev only: pins in two mappings; unmapping a pinned range makes the driver unpin (charge drops)")
def mdev_only():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").map(V + MiB, 0x200000, MiB, errno="OK")
    e.pin(EA, 0x100000, 8, errno="OK").pin(EA, 0x200000, 16, errno="OK")
    e.unmap(0x100000, MiB, errno="OK", unmapped=MiB)
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("mdev only: an emulated group in a v2 container maps two 1 MiB ranges (nothing charged), "
                 "pins 8 pages in the first and 16 in the second (24 charged). UNMAP of the first range calls "
                 "the driver's dma_unmap, which unpins its 8 pages (16 left); UNMAP ALL drops the rest (0).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("hotplug-mdev-into-passthrough-then-unplug",
          "hot-plug an mdev into a passthrough container: its pins are free; unplug keeps the mappings")
def hotplug_mdev():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, pages(1024), errno="OK")
    e.attach(EA, "EMULATED", errno="OK").pin(EA, 0x100000, 8, errno="OK").pin(EA, 0x180000, 8, write=False, errno="OK")
    e.detach(EA, errno="OK")
    e.unmap(0x100000, pages(1024), errno="OK", unmapped=pages(1024)).close()
    return trace("Passthrough first, mdev hot-plugged: MAP 1024 pages (1024 charged), attach an emulated group, "
                 "it pins 8 pages for write and 8 read-only: no extra charge because the domain already pins "
                 "and charges them. Unplugging the mdev (its device is closed, its pins released) leaves the "
                 "mappings and the 1024 charged; UNMAP returns to 0.",
                 [task(100, uid(), 8 * MiB)], [region(100, V, pages(1024), "ANON")], e)


@scenario("two-passthrough-groups-share-domain",
          "two passthrough groups behind one IOMMU share a domain: the second attach pins nothing new")
def two_pt():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, 2 * MiB, errno="OK")
    e.attach(GB, errno="OK").map(V + 2 * MiB, 0x400000, 2 * MiB, errno="OK")
    e.detach(GA, errno="OK").unmap_all(errno="OK", unmapped=4 * MiB).close()
    return trace("Two passthrough groups behind the same (emulated Intel) IOMMU in one v2 container: MAP 2 MiB "
                 "(512), attach the second group (type1 joins the existing domain, iommufd reuses the HWPT: "
                 "no replay, no charge), MAP 2 MiB more (1024), detach the first group (nothing changes), "
                 "UNMAP ALL (0).",
                 [task(100, uid(), 8 * MiB)], [region(100, V, 4 * MiB, "ANON")], e)


@scenario("two-mdevs-pin-same-pages",
          "two mdevs pin the same 8 pages: charged once (type1 vfio_pfn refcount, iommufd shared xarray)")
def two_mdev():
    e = Events()
    e.open().attach(EA, "EMULATED").attach(EB, "EMULATED").set_iommu()
    e.map(V, 0x100000, pages(1024), errno="OK")
    e.pin(EA, 0x100000, 8, errno="OK").pin(EB, 0x100000, 8, errno="OK").pin(EB, 0x104000, 8, errno="OK")
    e.unpin(EA, 0x100000, 8).unpin(EB, 0x100000, 8).unpin(EB, 0x104000, 8)
    e.unmap_all(errno="OK", unmapped=pages(1024)).close()
    return trace("Two emulated groups in one v2 container, no IOMMU domain. Both pin IOVA 0x100000 (8 pages); "
                 "the second also pins 8 overlapping pages at 0x104000 (4 shared, 4 new). type1 charges each "
                 "page once (vfio_pfn reference count): 8, 8, 12; iommufd likewise (the access xarray holds "
                 "the PFN once). Unpins: 12 (page still held by the other mdev) -> 8 -> 0.",
                 [task(100, uid(), 8 * MiB)], [region(100, V, pages(1024), "ANON")], e)


@scenario("detach-last-group-drops-mappings",
          "unplug of the last group: type1 releases the backend (mappings gone), compat keeps the IOAS")
def detach_last():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.detach(GA, errno="OK")
    e.map(V, 0x100000, MiB, errno="EINVAL")
    e.attach(GA, errno="OK").set_iommu(errno="OK")
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("Detaching the last group of a type1 container releases its IOMMU backend (container.c): "
                 "every mapping is unmapped and uncharged (256 -> 0) and MAP_DMA fails with EINVAL until a "
                 "group is attached and VFIO_SET_IOMMU is done again. With iommufd the (compat) IOAS and its "
                 "area survive the detach unpinned: the second MAP of the same IOVA fails EEXIST, and "
                 "re-attaching the device re-pins the old mapping (256 charged again).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("container-close-releases-everything",
          "closing the container with mappings and mdev pins outstanding returns every counter to 0")
def close_all():
    e = Events()
    e.open().attach(GA).attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, 2 * MiB, errno="OK").map(V, 0x400000, MiB, errno="OK")
    e.pin(EA, 0x100000, 32, errno="OK").pin(EA, 0x400000, 4, errno="OK")
    e.close(errno="OK")
    return trace("A container with a passthrough group and an mdev maps 2 MiB and (the same memory again) 1 MiB "
                 "(768 charged), the mdev pins 36 pages, then the container fd is closed without unmapping: "
                 "the devices are closed (pins released), the groups detached and all mappings removed, every "
                 "counter returns to 0.",
                 [task(100, uid(), 8 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


# ---------------------------------------------------------------- MAP errno paths

@scenario("map-overlap-eexist",
          "MAP overlapping an existing mapping (tail, head, inside, around, same IOVA) fails EEXIST")
def overlap():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x200000, MiB, errno="OK")
    e.map(V + MiB, 0x280000, MiB, errno="EEXIST")
    e.map(V + MiB, 0x180000, MiB, errno="EEXIST")
    e.map(V + MiB, 0x240000, 256 * KiB, errno="EEXIST")
    e.map(V + MiB, 0x100000, 4 * MiB, errno="EEXIST")
    e.map(V + MiB, 0x200000, MiB, errno="EEXIST")
    e.map(V + MiB, 0x300000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=2 * MiB).close()
    return trace("MAP 1 MiB at IOVA 0x200000, then five maps whose IOVA range overlaps it (its tail, its head, "
                 "inside it, around it, exactly it): all fail with EEXIST and charge nothing; an adjacent map "
                 "at 0x300000 succeeds. Overlap is by IOVA only (the vaddrs are different).",
                 [task(100, uid(), 8 * MiB)], [region(100, V, 4 * MiB, "ANON")], e)


@scenario("map-misaligned-iova",
          "MAP with an IOVA not page aligned fails EINVAL")
def mis_iova():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100800, MiB, errno="EINVAL").map(V, 0x100200, pages(4), errno="EINVAL")
    e.map(V, 0x100000, MiB, errno="OK").unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP at IOVA 0x100800 and 0x100200 (not 4 KiB aligned, the minimum IOMMU page size) fails "
                 "with EINVAL in every backend (type1 pgsize check; iommufd iova_alignment is 4 KiB once a "
                 "domain is attached); the aligned map then succeeds.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("map-misaligned-vaddr",
          "MAP with a vaddr not page aligned fails EINVAL")
def mis_vaddr():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V + 0x800, 0x100000, MiB, errno="EINVAL").map(V + 0x800, 0x100800, MiB, errno="EINVAL")
    e.map(V, 0x100000, MiB, errno="OK").unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP with vaddr = region + 0x800 fails EINVAL: type1 needs vaddr aligned to the minimum IOMMU "
                 "page size; iommufd rejects a user address whose in-page offset is not a multiple of the "
                 "IOVA alignment (4 KiB with a domain), also when the IOVA has the same offset.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("map-misaligned-size",
          "MAP with a size not a multiple of the page size fails EINVAL")
def mis_size():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB + 0x800, errno="EINVAL").map(V, 0x100000, 0x800, errno="EINVAL")
    e.map(V, 0x100000, MiB, errno="OK").unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP of 1 MiB + 2 KiB and of 2 KiB fails EINVAL (type1 size alignment; iommufd length not a "
                 "multiple of the 4 KiB IOVA alignment with a domain attached); the aligned map succeeds.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("map-zero-size",
          "MAP of size 0 fails EINVAL")
def zero_size():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, 0, errno="EINVAL").map(V, 0x100000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP with size 0 fails with EINVAL in every backend; a real map then succeeds.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("map-wrap-iova",
          "MAP whose iova + size wraps past 2^64 fails (type1 EINVAL)")
def wrap_iova():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, U64 - P, 2 * P, errno="EINVAL").map(V, 0x100000, U64 - P, errno="EINVAL")
    e.map(V, 0x100000, MiB, errno="OK").unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP at IOVA 2^64-4096 with size 8192, and at IOVA 0x100000 with size 2^64-4096: iova + size "
                 "- 1 wraps. type1 checks the wrap and returns EINVAL for both; iommufd returns EOVERFLOW for the "
                 "first (iova + length - 1 overflows) and EINVAL for the second (a length above SIZE_MAX - "
                 "PAGE_SIZE is refused before the overflow checks). Needs the project harness "
                 "(tools/oracle/replay.c parses values >= 2^63).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("map-wrap-vaddr",
          "MAP whose vaddr + size wraps past 2^64 fails (type1 EINVAL)")
def wrap_vaddr():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(U64 - P, 0x100000, 2 * P, errno="EINVAL")
    e.map(V, 0x100000, MiB, errno="OK").unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP with vaddr 2^64-4096 and size 8192 (vaddr + size - 1 wraps): type1 EINVAL, iommufd "
                 "EOVERFLOW expected (uptr + length overflows). Needs the project harness "
                 "(tools/oracle/replay.c parses values >= 2^63).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("map-no-read-no-write",
          "MAP with neither READ nor WRITE: type1/native EINVAL; compat accepts it where no IOMMU domain maps it")
def no_prot():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, read=False, write=False, errno="EINVAL")
    e.map(V, 0x200000, MiB, errno="OK")
    e.open(2).attach(EA, "EMULATED", c=2).set_iommu(2)
    e.map(V, 0x100000, MiB, c=2, read=False, write=False, errno="EINVAL")
    e.pin(EA, 0x100000, 1, write=False, errno="EINVAL")
    e.unmap_all(errno="OK", unmapped=MiB).unmap_all(c=2, errno="OK", unmapped=0).close().close(2)
    return trace("MAP_DMA with neither VFIO_DMA_MAP_FLAG_READ nor WRITE: type1 rejects it (EINVAL). The "
                 "iommufd compat layer does not check that a permission is set (spec B.7) and passes "
                 "IOMMU_CACHE only: with a passthrough group the Intel IOMMU driver then refuses the "
                 "mapping (EINVAL from __domain_mapping), but in a second container with only an emulated "
                 "group nothing is mapped into an IOMMU and compat accepts it (a read pin of it then fails "
                 "EPERM). Native IOAS_MAP with neither READABLE nor WRITEABLE is EINVAL.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("map-outside-iova-aperture",
          "MAP into the MSI window or above the 39-bit aperture fails EINVAL with a domain, not without")
def aperture():
    e = Events()
    e.open(1).attach(GA, c=1).set_iommu(1)
    e.map(V, 0xFEE00000, MiB, c=1, errno="EINVAL")
    e.map(V, 1 << 39, MiB, c=1, errno="EINVAL")
    e.map(V, (1 << 39) - MiB, MiB, c=1, errno="OK")
    e.open(2).attach(EA, "EMULATED", c=2).set_iommu(2)
    e.map(V + MiB, 0xFEE00000, MiB, c=2, errno="OK")
    e.map(V + MiB, 1 << 39, MiB, c=2, errno="OK")
    e.unmap_all(c=1, errno="OK", unmapped=MiB).unmap_all(c=2, errno="OK", unmapped=2 * MiB).close(1).close(2)
    return trace("The guest's emulated Intel IOMMU has a 39-bit address width and reserves the MSI window "
                 "0xfee00000-0xfeefffff. A container with a passthrough group cannot map there or at 2^39 "
                 "(type1: outside iova_list, EINVAL; iommufd: reserved IOVA, EINVAL) but can map the last MiB "
                 "below 2^39. A second container with only an emulated group has no IOVA restrictions: both "
                 "maps succeed (nothing pinned).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("map-before-set-iommu",
          "MAP after attaching a group but before VFIO_SET_IOMMU: type1 EINVAL, compat/iommufd accept it")
def before_set():
    e = Events()
    e.open().attach(GA)
    e.map(V, 0x100000, MiB, errno="EINVAL")
    e.set_iommu(errno="OK")
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("A group is attached but VFIO_SET_IOMMU not yet done: type1 (container.c) has no backend and "
                 "returns EINVAL for MAP_DMA. The iommufd compat layer only needs the compat IOAS, created "
                 "when the group was attached, so the first MAP succeeds (and pins: the device is attached) "
                 "and the second, after SET_IOMMU, fails EEXIST. Native iommufd has no SET_IOMMU.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("map-before-group-attach",
          "MAP on a fresh container with no group: type1 EINVAL, compat ENODEV, native iommufd maps lazily")
def before_attach():
    e = Events()
    e.open()
    e.map(V, 0x100000, MiB, errno="EINVAL")
    e.attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("MAP_DMA on a container with no group and no backend: type1 EINVAL; compat has no compat IOAS "
                 "yet (ENODEV); native iommufd maps into the IOAS without pinning (no domain). Then the "
                 "passthrough group is attached (iommufd: pins the earlier mapping) and the same map is done "
                 "again (type1 OK; iommufd EEXIST).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("dma-entry-limit",
          "dma_entry_limit = 3: the 4th type1 mapping fails ENOSPC; iommufd has no count limit")
def entry_limit():
    e = Events()
    e.open().attach(GA).set_iommu()
    for i in range(3):
        e.map(V + i * 16 * KiB, 0x100000 + i * 0x10000, 16 * KiB, errno="OK")
    e.map(V + 3 * 16 * KiB, 0x130000, 16 * KiB, errno="ENOSPC")
    e.unmap(0x100000, 16 * KiB, errno="OK", unmapped=16 * KiB)
    e.map(V + 3 * 16 * KiB, 0x130000, 16 * KiB, errno="OK")
    e.map(V + 4 * 16 * KiB, 0x140000, 16 * KiB, errno="ENOSPC")
    e.unmap_all(errno="OK").close()
    return trace("header.iommu.dmaEntryLimit = 3 (the oracle writes it to vfio_iommu_type1's dma_entry_limit "
                 "before the run): three 4-page maps succeed, the fourth fails ENOSPC in type1 (no charge), "
                 "after one unmap it fits, a fifth fails again. compat and iommufd have no entry limit (all "
                 "maps succeed).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e, dma_entry_limit=3)


# ---------------------------------------------------------------- UNMAP errno paths

@scenario("unmap-v2-bisect-start-inside",
          "v2 UNMAP starting inside a mapping: type1 EINVAL, iommufd ENOENT; nothing removed")
def bisect_start():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap(0x180000, MiB, errno="EINVAL").unmap(0x180000, 512 * KiB, errno="EINVAL")
    e.unmap(0x100000, MiB, errno="OK", unmapped=MiB).close()
    return trace("TYPE1v2: MAP 1 MiB at 0x100000; UNMAP [0x180000, +1 MiB) and [0x180000, +512 KiB) start "
                 "inside the mapping: type1 refuses a bisecting unmap with EINVAL, iommufd (compat and native) "
                 "with ENOENT; the mapping stays (256 charged) until the exact unmap.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("unmap-v2-bisect-end-inside",
          "v2 UNMAP covering mapping A and ending inside B: type1 EINVAL atomically; iommufd removes A, ENOENT")
def bisect_end():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").map(V + MiB, 0x200000, MiB, errno="OK")
    e.unmap(0x0, 0x180000, errno="EINVAL")
    e.unmap(0x100000, 0x180000, errno="EINVAL")
    e.unmap_all(errno="OK").close()
    return trace("TYPE1v2: MAP A = 1 MiB at 0x100000 and B = 1 MiB at 0x200000. UNMAP [0, 0x180000) ends "
                 "inside A: type1 EINVAL, iommufd ENOENT, nothing removed. UNMAP [0x100000, 0x280000) covers A "
                 "and ends inside B: type1 checks before removing anything (EINVAL, 512 still charged); "
                 "iommufd is not atomic: it removes A, then fails on B with ENOENT (256 left; compat copies "
                 "the 1 MiB already unmapped back to user space).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("unmap-v1-start-inside",
          "TYPE1 (v1) UNMAP starting inside a mapping: type1 succeeds with size 0; compat splits exactly")
def v1_inside():
    e = Events()
    e.open().attach(GA).set_iommu(type="TYPE1")
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap(0x180000, 512 * KiB, errno="OK", unmapped=0)
    e.unmap(0x180000, 2 * MiB, errno="OK", unmapped=0)
    e.unmap_all(errno="OK").close()
    return trace("TYPE1 (v1) container: MAP 1 MiB at 0x100000, then UNMAP [0x180000, +512 KiB) and "
                 "[0x180000, +2 MiB): type1 v1 stops at a mapping that starts before the request and returns "
                 "success with size 0 (nothing removed, 256 charged). compat emulates v1 by cutting the area "
                 "at the request boundaries and unmaps exactly the request (512 KiB, 128 pages uncharged); "
                 "native iommufd has no v1 mode (ENOENT).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("unmap-v1-covers-start",
          "TYPE1 (v1) UNMAP covering the start of a mapping removes the whole mapping in type1")
def v1_start():
    e = Events()
    e.open().attach(GA).set_iommu(type="TYPE1")
    e.map(V, 0x100000, MiB, errno="OK").map(V + MiB, 0x400000, MiB, errno="OK")
    e.unmap(0x0, 0x180000, errno="OK", unmapped=MiB)
    e.unmap(0x400000, P, errno="OK", unmapped=MiB)
    e.unmap_all(errno="OK").close()
    return trace("TYPE1 (v1) container: MAP 1 MiB at 0x100000 and 1 MiB at 0x400000. UNMAP [0, 0x180000) "
                 "covers the start of the first mapping: type1 removes the whole mapping and reports 1 MiB. "
                 "UNMAP of one page at 0x400000 removes the whole second mapping (1 MiB). compat cuts and "
                 "removes only the requested part (512 KiB, then 4 KiB), leaving the rest mapped; native "
                 "iommufd refuses partial unmaps (ENOENT).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("unmap-empty-range",
          "UNMAP of a range with no mapping: type1 and compat OK with size 0, native iommufd ENOENT")
def empty_range():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").map(V + MiB, 0x400000, MiB, errno="OK")
    e.unmap(0x800000, MiB, errno="OK", unmapped=0)
    e.unmap(0x200000, 0x200000, errno="OK", unmapped=0)
    e.unmap_all(errno="OK", unmapped=2 * MiB).close()
    return trace("MAP 1 MiB at 0x100000 and at 0x400000; UNMAP [0x800000, +1 MiB) and the gap [0x200000, "
                 "0x400000) touch no mapping: type1 returns success and size 0; compat too (6.12.y has the "
                 "'make vfio_compat's unmap succeed if the range is already empty' fix); native IOAS_UNMAP "
                 "returns ENOENT.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, 2 * MiB, "ANON")], e)


@scenario("unmap-all",
          "UNMAP ALL removes every mapping and reports their total size; again on an empty container: 0")
def unmap_all():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").map(V + MiB, 0x400000, 2 * MiB, errno="OK").map(V, 0x10000000, MiB, errno="OK")
    e.unmap_all(errno="OK", unmapped=4 * MiB).unmap_all(errno="OK", unmapped=0).close()
    return trace("Three maps (1 MiB, 2 MiB and the first MiB again elsewhere: 1024 charged); UNMAP with "
                 "VFIO_DMA_UNMAP_FLAG_ALL removes all and reports 4 MiB; a second ALL on the empty container "
                 "succeeds with 0.",
                 [task(100, uid(), 8 * MiB)], [region(100, V, 3 * MiB, "ANON")], e)


@scenario("unmap-all-with-iova-or-size-einval",
          "UNMAP ALL with a non-zero iova or size fails EINVAL (type1, compat)")
def all_einval():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap_all(iova=0x100000, errno="EINVAL").unmap_all(size=MiB, errno="EINVAL")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("VFIO_DMA_UNMAP_FLAG_ALL requires iova = size = 0: with iova 0x100000 or with size 1 MiB it "
                 "fails EINVAL in type1 and compat, and nothing is removed. Native IOAS_UNMAP has no ALL "
                 "flag: the harness sends iova 0 / length U64_MAX whatever the trace says, so native unmaps "
                 "everything at the first of these events (harness quirk, see README).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("unmap-invalid-args",
          "UNMAP with unaligned iova, unaligned size, size 0 or a wrapping range: type1 EINVAL")
def unmap_invalid():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.unmap(0x100800, P, errno="EINVAL").unmap(0x100000, 0x800, errno="EINVAL")
    e.unmap(0x100000, MiB + 0x800, errno="EINVAL").unmap(0x100000, 0, errno="EINVAL")
    e.unmap(0x100000, U64 - P, errno="EINVAL")
    e.unmap(0x100000, MiB, errno="OK", unmapped=MiB).close()
    return trace("MAP 1 MiB at 0x100000, then UNMAPs type1 rejects with EINVAL before looking at mappings: "
                 "iova 0x100800, size 2 KiB, size 1 MiB + 2 KiB, size 0, and size 2^64-4096 (wraps). "
                 "iommufd does no alignment check on unmap: iova 0x100800 and size 2 KiB cover the mapping "
                 "only partly (ENOENT), size 1 MiB + 2 KiB covers it whole and removes it (OK, 1 MiB); size 0 "
                 "is EINVAL and the wrap EOVERFLOW; the final exact unmap then finds nothing (compat OK 0, "
                 "native ENOENT).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


# ---------------------------------------------------------------- pin errno paths

@scenario("pin-more-than-512-e2big",
          "mdev pin of 513 pages: type1 E2BIG (VFIO_PIN_PAGES_MAX_ENTRIES); iommufd has no such limit")
def e2big():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0, 4 * MiB, errno="OK")
    e.pin(EA, 0, 513, errno="E2BIG").pin(EA, pages(512), 512, errno="OK")
    e.unmap_all(errno="OK", unmapped=4 * MiB).close()
    return trace("Emulated group only: MAP 4 MiB; a 513-page vfio_pin_pages fails E2BIG in the container "
                 "path (limit 512); the iommufd path (compat and native) has no such limit and pins 513 "
                 "pages at IOVA 0. A 512-page pin at IOVA 2 MiB succeeds everywhere; UNMAP ALL makes the driver drop its pins (0).",
                 [task(100, uid(), 8 * MiB)], [region(100, V, 4 * MiB, "ANON")], e)


@scenario("pin-unmapped-iova",
          "mdev pin outside any mapping (or crossing its end): type1 EINVAL, iommufd ENOENT; atomic")
def pin_unmapped():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, MiB, errno="OK")
    e.pin(EA, 0x400000, 1, errno="EINVAL").pin(EA, 0x1FE000, 4, errno="EINVAL").pin(EA, 0x1FE000, 2, errno="OK")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("Emulated group only, MAP 1 MiB at 0x100000. A pin at 0x400000 (nothing mapped) fails: type1 "
                 "EINVAL, iommufd ENOENT. A 4-page pin at 0x1fe000 runs past the end of the mapping: it fails "
                 "the same way and the 2 pages inside are not left pinned (0 charged). A 2-page pin there "
                 "succeeds (2).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("pin-write-on-readonly-map",
          "mdev write pin of a read-only mapping fails EPERM; a read pin succeeds")
def pin_ro():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, MiB, write=False, errno="OK")
    e.pin(EA, 0x100000, 4, write=True, errno="EPERM").pin(EA, 0x100000, 4, write=False, errno="OK")
    e.unpin(EA, 0x100000, 4).unmap_all(errno="OK", unmapped=MiB).close()
    return trace("Emulated group only, MAP 1 MiB read-only (VFIO_DMA_MAP_FLAG_READ). A pin asking for write "
                 "fails EPERM in every backend (prot not a subset of the mapping's). A read-only pin of the "
                 "same 4 pages succeeds and is charged 4 in every backend although the memory was never "
                 "touched (no zero-page special case with FOLL_LONGTERM).",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("pin-through-type1-v1-eacces",
          "mdev pin through a TYPE1 (v1) container: type1 EACCES; compat and iommufd allow it")
def pin_v1():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu(type="TYPE1")
    e.map(V, 0x100000, MiB, errno="OK")
    e.pin(EA, 0x100000, 4, errno="EACCES")
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("Emulated group in a TYPE1 (v1) container: vfio_iommu_type1_pin_pages refuses non-v2 "
                 "containers with EACCES. The compat layer's TYPE1 only disables large IOPTEs, so the pin "
                 "succeeds (4 charged until the unmap); native iommufd has no v1.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


@scenario("unpin-never-pinned",
          "unpin of ranges the driver never pinned is a no-op (vfio_unpin_pages returns void)")
def unpin_never():
    e = Events()
    e.open().attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x100000, MiB, errno="OK").pin(EA, 0x100000, 4, errno="OK")
    e.unpin(EA, 0x100000, 8).unpin(EA, 0x180000, 1).unpin(EA, 0x900000, 1).unpin(EA, 0x100000, 4)
    e.unmap_all(errno="OK", unmapped=MiB).close()
    return trace("Emulated group only: pin 4 pages at 0x100000 (4 charged). Unpin 8 pages there, 1 page at "
                 "0x180000 (mapped, never pinned) and 1 page at 0x900000 (not mapped): the oracle's driver "
                 "only releases exactly what it pinned, so these are no-ops reported as OK and nothing moves; "
                 "the exact unpin returns to 0.",
                 [task(100, uid(), 4 * MiB)], [region(100, V, MiB, "ANON")], e)


# ---------------------------------------------------------------- backings

def _backing(backing, name):
    e = Events()
    e.open().attach(GA).attach(EA, "EMULATED").set_iommu()
    e.map(V, 0x10000000, 16 * MiB, errno="OK").map(V + 4 * MiB, 0x20000000, 4 * MiB, errno="OK")
    e.pin(EA, 0x10000000, 16, errno="OK").pin(EA, 0x20000000 + 2 * MiB, 16, errno="OK")
    e.unmap(0x20000000, 4 * MiB, errno="OK", unmapped=4 * MiB)
    e.unmap_all(errno="OK", unmapped=16 * MiB).close()
    return trace(f"{backing} backing: a 16 MiB {name} region with a passthrough group and an mdev. MAP all 16 "
                 "MiB (4096 charged) and its 4..8 MiB part again at another IOVA (5120), the mdev pins 16 pages "
                 "in each mapping (no charge: a domain exists), UNMAP of the second mapping notifies the mdev "
                 "(4096), UNMAP ALL (0). Accounting is in 4 KiB pages whatever the backing.",
                 [task(100, uid(), 32 * MiB)], [region(100, V, 16 * MiB, backing)], e)


@scenario("backing-anon", "ANON (4 KiB pages, MADV_NOHUGEPAGE) guest RAM: map, remap part, mdev pins, unmap")
def b_anon():
    return _backing("ANON", "anonymous 4 KiB-page")


@scenario("backing-thp", "THP (MADV_HUGEPAGE) guest RAM: same steps as backing-anon")
def b_thp():
    return _backing("THP", "transparent-huge-page")


@scenario("backing-hugetlb-2m", "HUGETLB_2M (MAP_HUGETLB 2 MiB) guest RAM: same steps as backing-anon")
def b_huge():
    return _backing("HUGETLB_2M", "2 MiB hugetlbfs")


@scenario("readonly-map-untouched-memory",
          "read-only maps of never-touched ANON/THP/HUGETLB_2M memory: every page is charged (no zero-page case)")
def ro_untouched():
    e = Events()
    e.open().attach(GA).set_iommu()
    e.map(V, 0x100000, 2 * MiB, write=False, errno="OK")
    e.map(V + GiB, 0x400000, 2 * MiB, write=False, errno="OK")
    e.map(V + 2 * GiB, 0x800000, 2 * MiB, write=False, errno="OK")
    e.map(V + 3 * GiB, 0xC00000, 2 * MiB, write=True, errno="OK")
    e.unmap_all(errno="OK", unmapped=8 * MiB).close()
    return trace("Read-only MAP_DMA (READ only) of 2 MiB of never-touched ANON, THP and HUGETLB_2M memory, "
                 "then a read-write map of never-touched ANON memory, with a passthrough group. A read-only "
                 "long-term pin of untouched anonymous memory can resolve to the shared zero page, which type1 "
                 "treats as reserved (not charged) while iommufd counts every pinned page. Linux 6.12 does not "
                 "hand the zero page to these FOLL_LONGTERM pins: every backend charges all 512 pages of "
                 "each map (type1 and compat VmLck 512, 1024, 1536, 2048; iommufd VmPin the same).",
                 [task(100, uid(), 32 * MiB)],
                 [region(100, V, 2 * MiB, "ANON"), region(100, V + GiB, 2 * MiB, "THP"),
                  region(100, V + 2 * GiB, 2 * MiB, "HUGETLB_2M"), region(100, V + 3 * GiB, 2 * MiB, "ANON")], e)


def main():
    if sys.argv[1:] == ["--list"]:
        print("| scenario | what it shows |\n| --- | --- |")
        for name, summary, _ in SCEN:
            print(f"| `{name}` | {summary} |")
        return
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "migrate-cli/src/test/resources/oracle")
    os.makedirs(out, exist_ok=True)
    names = set()
    for name, _, fn in SCEN:
        assert name not in names, name
        names.add(name)
        dump(fn(), os.path.join(out, name + ".json"))
    print(f"{len(SCEN)} scenarios written to {out}")


if __name__ == "__main__":
    main()
