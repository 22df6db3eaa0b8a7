#!/usr/bin/env python3
"""Per-request instruction counts from a callgrind dump of chat-service (bench/callgrind.py).

    bench/callgrind_summary.py DUMP REQUESTS [--top 40] [--match REGEX ...]

Prints the total instructions per request, the self cost per shared object, the top functions by
self cost and by inclusive cost (callgrind_annotate --inclusive=yes), all divided by REQUESTS and
with Swift names demangled. Inclusive figures of Swift `async` functions cover one partial
function (up to its next suspension), not the whole call: read them for synchronous work (JSON,
BSON, libmongoc, HTTP parsing, allocation), and the self costs for the rest.
"""

import argparse
import collections
import re
import subprocess


def demangle(names):
    if not names:
        return {}
    out = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), capture_output=True,
                         text=True).stdout.split("\n")
    return {n: (out[i] if i < len(out) and out[i] else n) for i, n in enumerate(names)}


def parse_self(path):
    """Self cost (Ir) per (object, function), from the raw callgrind format (name compression aware)."""
    names = {"ob": {}, "fn": {}, "cob": {}, "cfn": {}, "fl": {}, "fi": {}, "fe": {}, "cfi": {}, "cfl": {}}
    selfcost = collections.Counter()
    total = 0
    ob = fn = None
    skip_next = False

    def resolve(kind, value):
        m = re.match(r"\((\d+)\)(?: (.*))?", value)
        table = names["ob" if kind in ("ob", "cob") else "fn" if kind in ("fn", "cfn") else "fl"]
        if not m:
            return value
        ident, name = m.group(1), m.group(2)
        if name is not None:
            table[ident] = name
            return name
        return table.get(ident, ident)

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    ir = int(parts[1])
                    selfcost[(ob, fn)] += ir
                    total += ir
                continue
            if "=" not in line:
                continue
            key, value = line.split("=", 1)
            if key == "ob":
                ob = resolve("ob", value)
            elif key == "fn":
                fn = resolve("fn", value)
            elif key in ("cob", "cfn", "fl", "fi", "fe", "cfi", "cfl"):
                resolve(key, value)
            elif key == "calls":
                skip_next = True
    return selfcost, total


def inclusive(path):
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path], capture_output=True,
                          text=True).stdout
    rows = []
    for line in text.split("\n"):
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(?:\S*?:)?(.*?)(?:\s+\[(.*)\])?$", line)
        if m and not line.strip().startswith("Ir"):
            fn = m.group(2)
            if ":" in fn and not fn.startswith("$"):
                fn = fn.split(":", 1)[1] if fn.split(":", 1)[0].endswith((".swift", ".c", ".h", "???")) else fn
            rows.append((int(m.group(1).replace(",", "")), fn.strip()))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dump")
    p.add_argument("requests", type=int)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--match", action="append", default=[])
    a = p.parse_args()
    selfcost, total = parse_self(a.dump)
    n = a.requests
    print(f"total: {total / n:,.0f} instructions per request ({total:,} for {n})")
    by_ob = collections.Counter()
    for (ob, _), ir in selfcost.items():
        by_ob[(ob or "?").rsplit("/", 1)[-1]] += ir
    print("\n== self, by shared object (per request)")
    for ob, ir in by_ob.most_common(12):
        print(f"{ir / n:>10,.0f}  {100 * ir / total:5.1f}%  {ob}")
    by_fn = collections.Counter()
    for (_, fn), ir in selfcost.items():
        by_fn[fn] += ir
    top = by_fn.most_common(a.top)
    dm = demangle([fn for fn, _ in top])
    print("\n== self, top functions (per request)")
    for fn, ir in top:
        print(f"{ir / n:>10,.0f}  {100 * ir / total:5.1f}%  {dm[fn][:170]}")
    rows = inclusive(a.dump)
    rows.sort(reverse=True)
    dm = demangle([fn for _, fn in rows[: a.top * 3]])
    print("\n== inclusive, top functions (per request)")
    for ir, fn in rows[: a.top * 3]:
        print(f"{ir / n:>10,.0f}  {100 * ir / total:5.1f}%  {dm[fn][:170]}")
    for pattern in a.match:
        rx = re.compile(pattern)
        names = [fn for _, fn in rows]
        dm = demangle(names)
        print(f"\n== inclusive, matching /{pattern}/")
        for ir, fn in rows:
            if rx.search(dm[fn]):
                print(f"{ir / n:>10,.0f}  {100 * ir / total:5.1f}%  {dm[fn][:170]}")


if __name__ == "__main__":
    main()
