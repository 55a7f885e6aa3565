#!/usr/bin/env python3
"""Print oracle results side by side, one line per event, and check the traces' `expect`.

Usage: summarize.py GOLDEN.json TRACEDIR [NAME...] [--diff] [--check]
  --diff   only the events where the backends disagree (errno, unmapped, VmLck, VmPin)
  --check  only report expect mismatches against the type1 results (exit 1 if any)
Columns per backend: errno, unmapped (bytes, only when non-zero), then per task lck/pin pages."""
import json
import os
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
flags = {a for a in sys.argv[1:] if a.startswith("--")}
gold = json.load(open(args[0]))
tdir = args[1]
names = args[2:] or sorted(gold["results"])
BACKENDS = ("type1", "compat", "iommufd")


def cell(step):
    u = f" u={step['unmapped']}" if step["unmapped"] else ""
    acct = " ".join(f"{t['lockedVmPages']}/{t['pinnedVmPages']}" for t in step["tasks"])
    return f"{step['errno']}{u} [{acct}]"


def key(step):
    return (step["errno"], step["unmapped"], tuple((t["lockedVmPages"], t["pinnedVmPages"]) for t in step["tasks"]))


bad = 0
for name in names:
    tr = json.load(open(os.path.join(tdir, name + ".json")))
    res = gold["results"][name]
    lines = []
    for i, ev in enumerate(tr["events"]):
        op = next(k for k in ev if k not in ("pid", "expect"))
        args_ = ",".join(f"{k}={v}" for k, v in ev[op].items() if k not in ("container",))
        steps = [res[b][i] if i < len(res.get(b, [])) else None for b in BACKENDS]
        exp = ev.get("expect")
        if exp and steps[0]:
            want_errno = exp.get("errno") or "OK"
            if steps[0]["errno"] != want_errno or ("unmapped" in exp and int(exp["unmapped"]) != steps[0]["unmapped"]):
                bad += 1
                print(f"EXPECT MISMATCH {name} #{i} {op}: expect {exp} got {steps[0]['errno']} u={steps[0]['unmapped']}")
        if "--check" in flags:
            continue
        differ = len({key(s) for s in steps if s}) > 1 or None in steps
        if "--diff" in flags and not differ:
            continue
        mark = "*" if differ else " "
        lines.append(f"{mark}{i:3d} p{ev['pid']} {op}({args_})\n       " +
                     " | ".join(f"{b}: {cell(s) if s else '-'}" for b, s in zip(BACKENDS, steps)))
    if lines:
        print(f"== {name}")
        print("\n".join(lines))
sys.exit(1 if bad else 0)
