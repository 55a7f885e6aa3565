#!/usr/bin/env python3
"""Randomised oracle traces: random-SEED.json for seeds 1..10 (deterministic output).

Usage: gen_random.py [OUTDIR] [--seeds 1-10]   (default OUTDIR migrate-cli/src/test/resources/oracle)

Each trace mixes, with 30-80 events: maps and unmaps of random sizes and alignments including
invalid ones (misaligned iova/vaddr/size, size 0, wrap, overlap, same memory twice), v2 bisecting
and v1 partial unmaps, empty-range unmaps, UNMAP ALL (also with a non-zero iova/size), mdev pins and
unpins (also > 512 pages, outside any mapping, write on a read-only mapping, never-pinned unpins),
attach and detach of IOMMU and EMULATED groups (hot-plug, unplug, last-group detach), maps before
VFIO_SET_IOMMU, TYPE1 and TYPE1V2 containers, one or two tasks of one uid, and RLIMIT_MEMLOCK
values small enough to bite. Oracle limits respected: at most 2 IOMMU and 2 EMULATED groups, no
MMIO, no HUGETLB_1G, no dmaRw, no onUnmap IGNORE, a group is in one container at a time, pins
only through attached groups of a container whose backend is set.

The generator keeps a rough type1-style belief of the state (which mappings and pins exist) only to
aim its events; the kernel decides the outcomes, so no `expect` is written."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tracelib import P, MiB, GiB, U64, VA, G_IOMMU, G_EMUL, Events, dump, region, task, trace  # noqa: E402


class Cont:
    def __init__(self, cid, pid, v1):
        self.cid, self.pid, self.v1 = cid, pid, v1
        self.groups = []          # attached group ids, in attach order
        self.backend = False      # believed: VFIO_SET_IOMMU done and not released since
        self.maps = []            # believed mappings: (iova, size, vaddr, write)


class Gen:
    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        r = self.r
        self.two = seed % 3 == 0 or seed == 10
        self.pids = [100, 200] if self.two else [100]
        uid = 3000 + seed
        self.tasks, self.regions = [], {}
        for i, pid in enumerate(self.pids):
            choice = r.choice(["p256", "p1024", "p3000", "m16", "m64", "unl"])
            cap = r.random() < 0.12
            if choice == "unl":
                self.tasks.append(task(pid, uid, unlimited=True, cap=cap))
            else:
                lim = {"p256": 256 * P, "p1024": 1024 * P, "p3000": 3000 * P, "m16": 16 * MiB, "m64": 64 * MiB}[choice]
                self.tasks.append(task(pid, uid, lim, cap=cap))
            regs = []
            for k in range(r.randint(2, 3)):
                backing = r.choice(["ANON", "ANON", "THP", "HUGETLB_2M"])
                size = r.choice([2, 4, 8]) * MiB if backing == "HUGETLB_2M" else r.choice([1, 2, 4, 6, 8]) * MiB
                regs.append((VA[i + 1] + k * GiB, size, backing))
            self.regions[pid] = regs
        # Group ownership: with two tasks each gets one IOMMU and one EMULATED group.
        if self.two:
            self.owned = {100: [G_IOMMU[0], G_EMUL[0]], 200: [G_IOMMU[1], G_EMUL[1]]}
        else:
            self.owned = {100: list(G_IOMMU) + list(G_EMUL)}
        self.kind = {g: "IOMMU" for g in G_IOMMU}
        self.kind.update({g: "EMULATED" for g in G_EMUL})
        self.where = {}           # group -> Cont it is attached to
        self.pins = {g: [] for g in G_EMUL}   # believed pins (iova, npage)
        self.conts = {}
        self.e = Events()
        self.next_cid = 1

    # ------------------------------------------------------------ helpers
    def pages(self):
        return self.r.choice([1, 1, 2, 4, 8, 16, 16, 64, 128, 256, 256, 512, 1024, 2048])

    def new_cont(self, pid):
        c = Cont(self.next_cid, pid, self.r.random() < 0.25)
        self.next_cid += 1
        self.conts[c.cid] = c
        self.e.open(c.cid, pid=pid)
        return c

    def conts_of(self, pid):
        return [c for c in self.conts.values() if c.pid == pid]

    def free_groups(self, pid):
        return [g for g in self.owned[pid] if g not in self.where]

    def attach(self, c, g):
        self.e.attach(g, self.kind[g], c=c.cid, pid=c.pid)
        self.where[g] = c
        c.groups.append(g)

    def detach(self, c, g):
        self.e.detach(g, c=c.cid, pid=c.pid)
        del self.where[g]
        c.groups.remove(g)
        if g in self.pins:
            self.pins[g] = []     # the device is closed: its pins are released
        if not c.groups:          # type1: the last group takes the backend and all mappings with it
            c.backend = False
            c.maps = []

    def set_iommu(self, c):
        typ = "TYPE1" if c.v1 else "TYPE1V2"
        self.e.set_iommu(c.cid, typ, pid=c.pid)
        if c.groups:
            c.backend = True

    def rand_vaddr(self, pid, npages):
        base, size, _ = self.r.choice(self.regions[pid])
        npages = min(npages, size // P)
        off = self.r.randrange(0, size // P - npages + 1) * P
        return base + off, npages

    def rand_iova(self):
        r = self.r
        if r.random() < 0.1:
            return 4 * GiB + r.randrange(0, 64) * MiB
        return r.randrange(0, 96) * MiB // 2 + r.choice([0, 0, 0, r.randrange(1, 128) * P])

    # ------------------------------------------------------------ event kinds
    def ev_map(self, c):
        r = self.r
        n = self.pages()
        vaddr, n = self.rand_vaddr(c.pid, n)
        size = n * P
        iova = self.rand_iova()
        write = r.random() < 0.85
        x = r.random()
        if c.maps and x < 0.12:                       # overlap an existing mapping
            mi, ms, _, _ = r.choice(c.maps)
            iova = mi + r.randrange(0, ms // P) * P
        elif c.maps and x < 0.22:                     # the same memory again elsewhere
            _, ms, mv, _ = r.choice(c.maps)
            vaddr, size = mv, ms
        elif x < 0.27:                                # invalid arguments
            bad = r.choice(["iova", "vaddr", "size", "zero", "wrap-iova", "wrap-vaddr", "noprot"])
            if bad == "iova":
                iova += r.choice([0x200, 0x800, 0xC00])
            elif bad == "vaddr":
                vaddr += r.choice([0x200, 0x800])
            elif bad == "size":
                size += r.choice([0x200, 0x800])
            elif bad == "zero":
                size = 0
            elif bad == "wrap-iova":
                iova = U64 - P * r.randint(1, 4)
            elif bad == "wrap-vaddr":
                vaddr = U64 - P
                size = 2 * P
            if bad == "noprot":
                self.e.map(vaddr, iova, size, c=c.cid, read=False, write=False, pid=c.pid)
            else:
                self.e.map(vaddr, iova, size, c=c.cid, write=write, pid=c.pid)
            return
        self.e.map(vaddr, iova, size, c=c.cid, write=write, pid=c.pid)
        if c.backend and not any(mi < iova + size and iova < mi + ms for mi, ms, _, _ in c.maps):
            c.maps.append((iova, size, vaddr, write))

    def forget_maps(self, c, lo, hi):
        c.maps = [m for m in c.maps if not (m[0] < hi and lo < m[0] + m[1])]
        for g in c.groups:
            if g in self.pins:
                self.pins[g] = [p for p in self.pins[g] if not (p[0] < hi and lo < p[0] + p[1] * P)]

    def ev_unmap(self, c):
        r = self.r
        x = r.random()
        if x < 0.08 or not c.maps:
            if r.random() < 0.15:
                self.e.unmap_all(c=c.cid, iova=r.choice([0x100000, 0]), size=r.choice([0, MiB]) or P, pid=c.pid)
                return
            self.e.unmap_all(c=c.cid, pid=c.pid)
            self.forget_maps(c, 0, U64)
            return
        mi, ms, _, _ = r.choice(c.maps)
        y = r.random()
        if y < 0.45:                                  # exact
            lo, hi = mi, mi + ms
        elif y < 0.60 and ms > P:                     # start inside
            lo = mi + r.randrange(1, ms // P) * P
            hi = lo + r.randrange(1, 2 * ms // P) * P
        elif y < 0.72:                                # end inside / covers the start
            lo = max(0, mi - r.randrange(0, 64) * P)
            hi = mi + r.randrange(1, ms // P + 1) * P
        elif y < 0.82:                                # a wide range over several mappings
            lo = max(0, mi - r.randrange(0, 16) * MiB)
            hi = mi + ms + r.randrange(0, 16) * MiB
        elif y < 0.90:                                # empty range
            lo = 0x7000000 + r.randrange(0, 64) * P
            hi = lo + P * r.randint(1, 16)
        else:                                         # invalid arguments
            bad = r.choice(["iova", "size", "zero", "wrap"])
            if bad == "iova":
                self.e.unmap(mi + 0x800, ms, c=c.cid, pid=c.pid)
            elif bad == "size":
                self.e.unmap(mi, ms + 0x800, c=c.cid, pid=c.pid)
            elif bad == "zero":
                self.e.unmap(mi, 0, c=c.cid, pid=c.pid)
            else:
                self.e.unmap(mi, U64 - P, c=c.cid, pid=c.pid)
            return
        self.e.unmap(lo, hi - lo, c=c.cid, pid=c.pid)
        self.forget_maps(c, lo, hi)

    def ev_pin(self, c, g):
        r = self.r
        x = r.random()
        write = r.random() < 0.8
        if not c.maps or x < 0.08:                    # nothing mapped there
            self.e.pin(g, 0x7800000 + r.randrange(0, 64) * P, r.randint(1, 4), write=write, pid=c.pid)
            return
        mi, ms, _, mw = r.choice(c.maps)
        if x < 0.14:                                  # too many pages for the container path
            n = r.choice([513, 600])
            iova = mi
        elif x < 0.20:                                # runs past the end of the mapping
            n = r.randint(2, 8)
            iova = mi + ms - P * (n - 1)
        else:
            n = min(r.choice([1, 1, 2, 4, 8, 16, 32, 64]), ms // P)
            iova = mi + r.randrange(0, ms // P - n + 1) * P
            if not mw and r.random() < 0.5:
                write = True                          # write pin of a read-only mapping
        self.e.pin(g, iova, n, write=write, pid=c.pid)
        if n <= 512:
            self.pins[g].append((iova, n))

    def ev_unpin(self, c, g):
        r = self.r
        if self.pins[g] and r.random() < 0.75:
            iova, n = self.pins[g].pop(r.randrange(len(self.pins[g])))
        else:
            iova, n = r.randrange(0, 64) * MiB // 4, r.randint(1, 8)
        self.e.unpin(g, iova, n, pid=c.pid)

    # ------------------------------------------------------------ driver
    def step(self, pid):
        r = self.r
        conts = self.conts_of(pid)
        c = r.choice(conts)
        if not c.groups:
            free = self.free_groups(pid)
            if free:
                self.attach(c, r.choice(free))
                if r.random() < 0.85:
                    self.set_iommu(c)
            return
        if not c.backend and r.random() < 0.5:
            if r.random() < 0.3:
                self.ev_map(c)                        # a map before VFIO_SET_IOMMU
            self.set_iommu(c)
            return
        emul = [g for g in c.groups if self.kind[g] == "EMULATED"]
        held = any(self.pins[g] for g in emul)
        w = [("map", 30 + (25 if len(c.maps) < 2 else 0)), ("unmap", 18 if c.maps else 3),
             ("pin", (26 if c.maps else 3) if emul and c.backend else 0),
             ("unpin", (10 if held else 2) if emul and c.backend else 0),
             ("attach", 7 if self.free_groups(pid) else 0), ("detach", 5), ("setiommu", 1)]
        op = r.choices([k for k, _ in w], [v for _, v in w])[0]
        if op == "map":
            self.ev_map(c)
        elif op == "unmap":
            self.ev_unmap(c)
        elif op == "pin":
            self.ev_pin(c, r.choice(emul))
        elif op == "unpin":
            self.ev_unpin(c, r.choice(emul))
        elif op == "attach":
            self.attach(c, r.choice(self.free_groups(pid)))
            if not c.backend and r.random() < 0.8:
                self.set_iommu(c)
        elif op == "detach":
            self.detach(c, r.choice(c.groups))
        else:
            self.set_iommu(c)                         # repeated SET_IOMMU

    def run(self):
        r = self.r
        target = r.randint(30, 80)
        for pid in self.pids:
            ncont = 2 if (not self.two and r.random() < 0.3) else 1
            for _ in range(ncont):
                c = self.new_cont(pid)
                free = self.free_groups(pid)
                g = r.choice(free)
                self.attach(c, g)
                other = [h for h in self.free_groups(pid) if self.kind[h] != self.kind[g]]
                if other and r.random() < 0.6:        # usually a passthrough device and an mdev
                    self.attach(c, r.choice(other))
                if r.random() < 0.15:
                    self.ev_map(c)                    # a map before VFIO_SET_IOMMU
                self.set_iommu(c)
        tail = len(self.conts) * 2
        while len(self.e) < target - tail:
            self.step(r.choice(self.pids))
        for c in self.conts.values():
            if len(self.e) < 80 and r.random() < 0.7:
                self.e.unmap_all(c=c.cid, pid=c.pid)
            if len(self.e) < 80:
                self.e.close(c.cid, pid=c.pid)
        assert 30 <= len(self.e) <= 80, len(self.e)
        kinds = {}
        for ev in self.e:
            op = next(k for k in ev if k not in ("pid", "expect"))
            kinds[op] = kinds.get(op, 0) + 1
        desc = (f"Randomised trace, seed {self.seed} (tools/oracle/gen_random.py): {len(self.pids)} task(s) of uid "
                f"{3000 + self.seed}, {len(self.conts)} container(s), {len(self.e)} events "
                f"({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}). Mixes valid and invalid "
                "maps/unmaps, mdev pins/unpins, group hot-plug/unplug, v1/v2 and small RLIMIT_MEMLOCK values; "
                "the outcomes are whatever the kernel does (no expect).")
        memory = [region(pid, v, s, b) for pid in self.pids for v, s, b in self.regions[pid]]
        return trace(desc, self.tasks, memory, self.e, source="synthetic")


def main():
    args = sys.argv[1:]
    seeds = range(1, 11)
    if "--seeds" in args:
        i = args.index("--seeds")
        a, b = args[i + 1].split("-")
        seeds = range(int(a), int(b) + 1)
        del args[i:i + 2]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = args[0] if args else os.path.join(root, "migrate-cli/src/test/resources/oracle")
    os.makedirs(out, exist_ok=True)
    for seed in seeds:
        dump(Gen(seed).run(), os.path.join(out, f"random-{seed:02d}.json"))
    print(f"{len(seeds)} random traces written to {out}")


if __name__ == "__main__":
    main()
