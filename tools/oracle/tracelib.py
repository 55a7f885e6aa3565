"""Small builder for Type1Trace JSON (trace-format.md section 1, protobuf JSON mapping):
uint64 fields as decimal strings, uint32 as numbers, enums by name. Shared by
gen_scenarios.py and gen_random.py (stdlib only)."""
import json

P = 4096
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
U64 = 1 << 64

# Virtual address bases (free in a normal x86-64 process, 2 MiB aligned).
VA = {1: 0x7F0000000000, 2: 0x7E0000000000}
# Group ids used by the traces (any numbers work; the oracle maps them in order of first use).
G_IOMMU = (12, 13)
G_EMUL = (40, 41)


def s(v):
    """uint64 as the protobuf JSON decimal string."""
    assert 0 <= v < U64, v
    return str(v)


def task(pid, uid, limit_bytes=None, unlimited=False, cap=False):
    t = {"pid": pid, "uid": uid}
    if unlimited:
        t["memlockUnlimited"] = True
    else:
        t["memlockLimit"] = s(limit_bytes)
    if cap:
        t["capIpcLock"] = True
    return t


def region(pid, vaddr, size, backing):
    return {"pid": pid, "vaddr": s(vaddr), "size": s(size), "backing": backing}


def _exp(ev, errno=None, unmapped=None):
    if errno is not None or unmapped is not None:
        e = {}
        if errno is not None:
            e["errno"] = errno
        if unmapped is not None:
            e["unmapped"] = s(unmapped)
        ev["expect"] = e
    return ev


class Events(list):
    """Event list with one method per type1 op; `pid` is the calling task."""

    def __init__(self, pid=100):
        super().__init__()
        self.pid = pid

    def _add(self, op, body, pid, errno=None, unmapped=None):
        self.append(_exp({"pid": pid or self.pid, op: body}, errno, unmapped))
        return self

    def open(self, c=1, pid=None, errno=None):
        return self._add("containerOpen", {"container": c}, pid, errno)

    def set_iommu(self, c=1, type="TYPE1V2", pid=None, errno=None):
        return self._add("setIommu", {"container": c, "type": type}, pid, errno)

    def attach(self, g, kind="IOMMU", c=1, pid=None, errno=None):
        return self._add("groupAttach", {"container": c, "group": g, "kind": kind}, pid, errno)

    def detach(self, g, c=1, pid=None, errno=None):
        return self._add("groupDetach", {"container": c, "group": g}, pid, errno)

    def map(self, vaddr, iova, size, c=1, read=True, write=True, pid=None, errno=None):
        body = {"container": c, "vaddr": s(vaddr), "iova": s(iova), "size": s(size)}
        if read:
            body["read"] = True
        if write:
            body["write"] = True
        return self._add("mapDma", body, pid, errno)

    def unmap(self, iova, size, c=1, pid=None, errno=None, unmapped=None):
        return self._add("unmapDma", {"container": c, "iova": s(iova), "size": s(size)}, pid, errno, unmapped)

    def unmap_all(self, c=1, iova=0, size=0, pid=None, errno=None, unmapped=None):
        body = {"container": c, "all": True}
        if iova:
            body["iova"] = s(iova)
        if size:
            body["size"] = s(size)
        return self._add("unmapDma", body, pid, errno, unmapped)

    def pin(self, g, iova, npage, write=True, pid=None, errno=None):
        body = {"group": g, "iova": s(iova), "npage": npage, "read": True}
        if write:
            body["write"] = True
        return self._add("pinPages", body, pid, errno)

    def unpin(self, g, iova, npage, pid=None, errno=None):
        return self._add("unpinPages", {"group": g, "iova": s(iova), "npage": npage}, pid, errno)

    def close(self, c=1, pid=None, errno=None):
        return self._add("containerClose", {"container": c}, pid, errno)


# The oracle's IOMMU: QEMU 7.2 intel-iommu, 39-bit address width (DMAR "Host address width 39"),
# 4K|2M|1G pages (SLLPS 0x3, the default bitmap). Its reserved MSI window 0xfee00000-0xfeefffff
# cannot be expressed in IommuConfig (see the README).
APERTURE_LAST = (1 << 39) - 1


def trace(description, tasks, memory, events, source="hand-written", dma_entry_limit=None):
    h = {"formatVersion": 1, "pageSize": s(P), "description": description, "source": source,
         "kernel": "6.12", "tasks": tasks, "memory": memory,
         "iommu": {"apertureLast": s(APERTURE_LAST)}}
    if dma_entry_limit is not None:
        h["iommu"]["dmaEntryLimit"] = dma_entry_limit
    return {"header": h, "events": list(events)}


def dumps(tr):
    """Header pretty-printed, one event per line (like examples/passthrough-vm.json)."""
    head = json.dumps(tr["header"], indent=2).replace("\n", "\n  ")
    evs = ",\n".join("    " + json.dumps(e) for e in tr["events"])
    return '{\n  "header": ' + head + ',\n  "events": [\n' + evs + "\n  ]\n}\n"


def dump(tr, path):
    text = dumps(tr)
    assert json.loads(text) == tr
    with open(path, "w") as f:
        f.write(text)
