"""Turns bench/results/latest.json (bench/bench.py, issue 10) into the Markdown tables of
docs/benchmarks.md (bench/results/latest.md, also printed): one row per scenario, the streaming
table, the issue-10 targets each with its measured value and met / not met; and the plot
docs/benchmark-latency.png.
usage: bench/.venv/bin/python bench/report.py [RESULTS_JSON] [PNG]"""

import json
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1_000_000


def f(v, digits=2):
    return "–" if v is None else f"{v:,.{digits}f}"


def rate_run(runs, rate):
    return next((r for r in runs if r["offered_rps"] == rate), None)


def pq(run, digits=2):
    """'p50 / p99' of an open-loop run, with a mark when requests failed."""
    if not run:
        return "–"
    lat = run["latency_ms"]
    failed = run.get("errors", 0) + run.get("non2xx", 0)
    marks = ([f"{failed} failed"] if failed else []) + (
        [f"{run['unfinished']} unanswered 5 s after the end"] if run.get("unfinished") else [])
    mark = f" ({', '.join(marks)})" if marks else ""
    short = "" if run.get("achieved_rps", run["offered_rps"]) >= 0.98 * run["offered_rps"] else \
        f", {f(run['achieved_rps'], 0)} achieved"
    return f"{f(lat['p50'], digits)} / {f(lat['p99'], digits)}{short}{mark}"


def direct_runs(r):
    """The upstream-direct open-loop runs of every mode block, by rate."""
    out = {}
    for m in r["modes"].values():
        for run in m["open_loop"]["direct"]:
            out.setdefault(run["offered_rps"], []).append(run)
    return out


def median_run(runs, key="p99"):
    if not runs:
        return None
    return sorted(runs, key=lambda x: x["latency_ms"][key])[len(runs) // 2]


def collect(r):
    """Rows of the main table: (label, max-RPS run or None, {rate: open-loop run}, {rate: direct run},
    CPU µs/request at saturation, peak RSS kB, note)."""
    meta = r["meta"]
    rates = meta["rates"]
    rows = []
    direct = direct_runs(r)
    dm = r["direct_max_rps"]
    rows.append(dict(label="upstream directly (nginx, `/api/chat`)", max=dm,
                     runs={rate: median_run(direct.get(rate, [])) for rate in rates}, direct=None,
                     cpu=None, rss=None, note=f"median of the {len(r['modes'])} adjacent runs per rate"))
    for kind, path in (("chat", "/v1/chat"), ("completions", "/v1/chat/completions")):
        for mode, m in r["modes"].items():
            rows.append(dict(label=f"`{path}`, `DURABILITY={mode}`", max=m["max_rps"][kind],
                             runs={x["offered_rps"]: x for x in m["open_loop"][kind]},
                             direct={x["offered_rps"]: x for x in m["open_loop"]["direct"]},
                             cpu=m["max_rps"][kind].get("service_cpu_us_per_request"),
                             rss=m["max_rps"][kind].get("service_hwm_kb"), note=""))
    for mode, m in r["modes"].items():
        for fault, label in (("down", "MongoDB down (stopped)"), ("hung", "MongoDB hung (SIGSTOP)")):
            runs = m.get("faults", {}).get(fault)
            if not runs:
                continue
            ratio = ", ".join(f"p99 ×{f(x.get('p99_vs_mongo_up'))} of MongoDB up at {x['offered_rps']:,}" for x in runs)
            shipped = ", ".join(f"{x['shipped_after_s']} s" for x in runs if x.get("shipped_after_s") is not None)
            rows.append(dict(label=f"`/v1/chat`, `DURABILITY={mode}`, {label}", max=None,
                             runs={x["offered_rps"]: x for x in runs},
                             direct={x["offered_rps"]: x for x in m["open_loop"]["direct"]},
                             cpu=None, rss=None,
                             note=ratio + (f"; log shipped {shipped} after MongoDB was back" if shipped else "")))
    ll = r.get("litellm") or {}
    if ll.get("max_rps"):
        rows.append(dict(label=f"LiteLLM proxy {ll.get('version', '')} (`/v1/chat/completions`, {ll.get('workers', 1)} worker, no database)",
                         max=ll["max_rps"], runs={x["offered_rps"]: x for x in ll.get("open_loop", [])},
                         direct={rate: median_run(direct.get(rate, [])) for rate in rates},
                         cpu=ll["max_rps"].get("cpu_us_per_request"), rss=ll.get("peak_rss_kb"),
                         note=f"open loop at {', '.join(str(x['offered_rps']) for x in ll.get('open_loop', []))} RPS"))
    elif ll:
        rows.append(dict(label="LiteLLM proxy", max=None, runs={}, direct=None, cpu=None, rss=None,
                         note="not measured: " + (ll.get("skipped") or ll.get("error", "?"))))
    return rows


def markdown(r):
    m = r["meta"]
    rates = m["rates"]
    top = max(rates)
    lines = [f"Run {m['date']} (commit {m.get('service_commit') or '?'}"
             + (f", {m['tree_dirty']} uncommitted changes under Sources/" if m.get("tree_dirty") not in (None, "0") else "")
             + f"), {m['cpus']} CPUs ({m['cpu_model']}), kernel {m['kernel']}; {m['bench_seconds']} s per measurement, "
             f"whole run {m.get('run_seconds', '?')} s; load average {f(m['loadavg_at_start'][0])} at start, "
             f"{f((m.get('loadavg_at_end') or [None])[0])} at end.", ""]
    rows = collect(r)
    head = ["scenario", f"max RPS (wrk c={m['wrk_connections']}, {m['bench_seconds']} s)"]
    head += [f"p50 / p99 at {rate:,} RPS (ms)" for rate in rates]
    head += [f"added p50 / p99 at {rate:,} RPS (ms)" for rate in rates]
    head += ["CPU per request at max", "peak RSS at max", "notes"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["label"], f(row["max"]["rps"], 0) if row["max"] else "–"]
        cells += [pq(row["runs"].get(rate)) for rate in rates]
        for rate in rates:
            t, d = row["runs"].get(rate), (row["direct"] or {}).get(rate)
            if t and d:
                cells.append(f"{f(t['latency_ms']['p50'] - d['latency_ms']['p50'], 3)} / "
                             f"{f(t['latency_ms']['p99'] - d['latency_ms']['p99'], 3)}")
            else:
                cells.append("–")
        cells += [f"{f(row['cpu'], 0)} µs" if row["cpu"] else "–",
                  f"{f(row['rss'] * 1024 / MB, 1)} MB" if row["rss"] else "–", row["note"]]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Open-loop latency is measured from each request's scheduled send time "
              f"(bench/openloop.c, {m['open_loop_connections']} keep-alive connections); \"added\" = through minus the "
              "upstream directly, measured seconds apart in the same block. CPU per request = the service's "
              "utime+stime during the max-RPS run ÷ requests answered. Peak RSS = VmHWM after the max-RPS runs "
              "(MB = 10^6 bytes)."]

    # machine load
    lines += ["", "**Who used the CPU** (% of one core, averaged over the measurement; 200 % = both cores):", "",
              "| measurement | chat-service | SecantusDB | nginx | load generator | LiteLLM | everything else on the machine | machine busy |",
              "|---|---|---|---|---|---|---|---|"]

    def cpu_row(label, x):
        c = x["cpu_pct_of_one_core"]
        return (f"| {label} | {f(c.get('chat-service'), 0)} | {f(c.get('secantusdb'), 0)} | "
                f"{f(c.get('upstream (nginx)'), 0)} | {f(c.get('load generator'), 0)} | {f(c.get('litellm'), 0)} | "
                f"{f(x.get('others_cpu_pct_of_one_core'), 0)} | {f(x.get('machine_busy_pct'), 0)} % |")
    lines.append(cpu_row("upstream directly, max RPS", r["direct_max_rps"]))
    for mode, md in r["modes"].items():
        lines.append(cpu_row(f"`/v1/chat` {mode}, max RPS", md["max_rps"]["chat"]))
        run = rate_run(md["open_loop"]["chat"], top)
        if run:
            lines.append(cpu_row(f"`/v1/chat` {mode}, {top:,} RPS open loop", run))
    ll = r.get("litellm") or {}
    if ll.get("max_rps"):
        lines.append(cpu_row("LiteLLM, max RPS", ll["max_rps"]))

    # streaming
    lines += ["", f"**Streaming: time to the first content chunk** ({m['stream_requests']} requests each, "
              "one at a time, alternating direct / through, persistent connections; "
              "upstream nginx `/sse/v1/chat/completions`, service `PROVIDERS=openai`; ms):", "",
              "| `DURABILITY` | direct p50 / p99 | through p50 / p99 | added p50 / p99 |", "|---|---|---|---|"]
    for mode, md in r["modes"].items():
        s = md.get("stream_ttfb")
        if s:
            lines.append(f"| {mode} | {f(s['direct_ms']['p50'], 3)} / {f(s['direct_ms']['p99'], 3)} | "
                         f"{f(s['through_ms']['p50'], 3)} / {f(s['through_ms']['p99'], 3)} | "
                         f"{f(s['added_ms']['p50'], 3)} / {f(s['added_ms']['p99'], 3)} |")

    # soak and shipper
    for mode, md in r["modes"].items():
        so = md.get("soak")
        if so:
            lines += ["", f"**Soak** (`DURABILITY={mode}`, `/v1/chat` at {so['offered_rps']:,} RPS open loop for "
                      f"{so['seconds']} s): p50 / p99 {pq(so)} ms; RSS {f(so['rss_kb_early_mean'] / 1024, 1)} MiB "
                      f"early → {f(so['rss_kb_late_mean'] / 1024, 1)} MiB late (mean of the first / last fifth of "
                      f"the samples); VmHWM {f(so['service_hwm_kb'] / 1024, 1)} MiB"
                      + (f"; shipping lag {f(so['rss_kb_samples'][-1][2], 0)} records at the end"
                         if len(so["rss_kb_samples"][-1]) > 2 else "") + "."]
        sh = md.get("shipper")
        if sh:
            if sh.get("skipped"):
                lines += ["", f"**Shipper** ({mode}): skipped — {sh['skipped']}."]
            else:
                lines += ["", f"**Shipper** (`DURABILITY={mode}`, `/v1/chat` open loop for {m['ship_seconds']} s per "
                          f"rate; bounded = every request answered and /ready's lag ≤ {sh['max_lag_allowed_s']} s "
                          "over the second half):", "",
                          "| offered RPS | answered p50 / p99 (ms) | service kept up | max lag, 2nd half (s / records) | SecantusDB CPU | chat-service CPU | log drained after | bounded |",
                          "|---|---|---|---|---|---|---|---|"]
                for st in sh["steps"]:
                    c = st["cpu_pct_of_one_core"]
                    lines.append(f"| {st['offered_rps']:,} | {pq(st)} | {'yes' if st['service_kept_up'] else 'no'} | "
                                 f"{f(st['max_lag_seconds_second_half'], 2)} / "
                                 f"{f(st['max_lag_records_second_half'], 0)} | {f(c.get('secantusdb'), 0)} % | "
                                 f"{f(c.get('chat-service'), 0)} % | {st.get('drained_after_s')} s | "
                                 f"{'yes' if st['bounded'] else 'no'} |")
                lines += ["", f"Highest rate sustained with bounded lag: **{f(sh['highest_sustained_rps'], 0)} RPS**."]
    ji = r.get("secantus_journaled_insert_ms")
    if ji:
        lines += ["", f"**SecantusDB alone**, `insert_one` with `j: true`, one at a time ({ji['samples']} × 600 B, pymongo): "
                  f"p50 {f(ji['p50'], 3)} ms, p90 {f(ji['p90'], 3)} ms, p99 {f(ji['p99'], 3)} ms "
                  f"(machine {f(ji.get('machine_busy_pct'), 0)} % busy)."]
    lines += ["", "### Issue-10 targets, as measured in this run", ""] + targets(r)
    return "\n".join(lines) + "\n"


def verdict(ok):
    return "—" if ok is None else ("**met**" if ok else "**not met**")


def targets(r):
    m = r["meta"]
    modes = r["modes"]
    out = ["| target | measured | verdict |", "|---|---|---|"]

    def added_at(mode, rate=1000, kind="chat"):
        md = modes.get(mode)
        if not md:
            return None
        return next((a for a in md["added_ms"][kind] if a["offered_rps"] == rate), None)
    a = added_at("disk")
    if a:
        out.append(f"| `disk`: added p50 ≤ 0.3 ms at 1,000 RPS on `/v1/chat` | {f(a['p50'], 3)} ms | {verdict(a['p50'] <= 0.3)} |")
        out.append(f"| `disk`: added p99 ≤ 1 ms at 1,000 RPS | {f(a['p99'], 3)} ms | {verdict(a['p99'] <= 1)} |")
    a = added_at("process")
    if a:
        out.append(f"| `process`: added p99 ≤ 0.5 ms at 1,000 RPS | {f(a['p99'], 3)} ms | {verdict(a['p99'] <= 0.5)} |")
    a, ji = added_at("mongo"), r.get("secantus_journaled_insert_ms")
    if a and ji:
        limit = ji["p99"] + 1
        out.append(f"| `mongo`: added p99 ≤ SecantusDB's journaled-insert p99 + 1 ms at 1,000 RPS | {f(a['p99'], 3)} ms "
                   f"(limit {f(ji['p99'], 3)} + 1 = {f(limit, 3)} ms) | {verdict(a['p99'] <= limit)} |")
    for mode, md in modes.items():
        cpu = md["max_rps"]["chat"].get("service_cpu_us_per_request")
        out.append(f"| service CPU per `/v1/chat` at saturation ≤ 100 µs (`{mode}`) | {f(cpu, 0)} µs | "
                   f"{verdict(cpu is not None and cpu <= 100)} |")
    direct = r["direct_max_rps"]["rps"]
    ll = (r.get("litellm") or {}).get("max_rps")
    for mode, md in modes.items():
        rps = md["max_rps"]["chat"]["rps"]
        out.append(f"| max RPS `/v1/chat` ≥ 25 % of the upstream directly (`{mode}`) | {f(rps, 0)} of {f(direct, 0)} "
                   f"= {f(100 * rps / direct, 1)} % | {verdict(rps >= 0.25 * direct)} |")
        if ll:
            out.append(f"| max RPS `/v1/chat` ≥ 50× the LiteLLM proxy (`{mode}`) | {f(rps, 0)} / {f(ll['rps'], 1)} = "
                       f"{f(rps / ll['rps'], 1)}× | {verdict(rps >= 50 * ll['rps'])} |")
    for mode, md in modes.items():
        sh = md.get("shipper")
        if sh and not sh.get("skipped"):
            best = max((s for s in sh["steps"] if s["bounded"]), key=lambda s: s["offered_rps"], default=None)
            worst = sh["steps"][-1]
            cpu = lambda s: s["cpu_pct_of_one_core"].get("secantusdb")  # noqa: E731
            text = (f"{f(sh['highest_sustained_rps'], 0)} RPS for {m['ship_seconds']} s (SecantusDB "
                    f"{f(cpu(best), 0)} % of a core there)" if best else "no rate tried was sustained")
            if not worst["bounded"]:
                text += (f"; at {worst['offered_rps']:,} RPS lag reached {f(worst['max_lag_seconds_second_half'], 1)} s "
                         f"with SecantusDB at {f(cpu(worst), 0)} % of a core")
            out.append(f"| highest rate the shipper sustains with bounded lag (`{mode}`; report) | {text} | reported |")
        elif sh:
            out.append(f"| highest rate the shipper sustains (`{mode}`) | skipped: {sh['skipped']} | — |")
    for mode, md in modes.items():
        for fault in ("down", "hung"):
            for x in md.get("faults", {}).get(fault, []):
                ratio = x.get("p99_vs_mongo_up")
                bad = x.get("errors", 0) + x.get("non2xx", 0) + x.get("unfinished", 0)
                ok = ratio is not None and ratio <= 1.2 and not bad
                out.append(f"| MongoDB {fault}: p99 within 20 % of MongoDB up (`{mode}`, {x['offered_rps']:,} RPS) | "
                           f"{f(x['latency_ms']['p99'], 2)} ms vs {f(x['latency_ms']['p99'] / ratio if ratio else None, 2)} ms "
                           f"= ×{f(ratio)}" + (f", {bad} requests failed or unanswered" if bad else "") + f" | {verdict(ok)} |")
    for mode, md in modes.items():
        hwm = md.get("hwm_after_max_rps_kb")
        if hwm:
            out.append(f"| peak RSS ≤ 64 MB under the max-RPS load (`{mode}`) | {f(hwm * 1024 / MB, 1)} MB "
                       f"({f(hwm / 1024, 1)} MiB) | {verdict(hwm * 1024 <= 64 * MB)} |")
    for mode, md in modes.items():
        so = md.get("soak")
        if so:
            growth = (so["rss_kb_late_mean"] - so["rss_kb_early_mean"]) / 1024
            note = "" if so["seconds"] >= 300 else f" (a {so['seconds']} s soak, not the issue's 5 minutes: BENCH_SOAK_SECONDS=300)"
            out.append(f"| RSS flat over the soak (`{mode}`) | {f(growth, 2)} MiB from early to late{note} | "
                       f"{verdict(growth <= 1.0) if so['seconds'] >= 300 else ('flat' if growth <= 1.0 else 'growing') + ' (short soak)'} |")
    return out


def plot(r, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    m = r["meta"]
    rates = m["rates"]
    top = max(rates)
    fig, axes = plt.subplots(2, 2, figsize=(15, 10))
    colors = {"mongo": "tab:purple", "disk": "tab:blue", "process": "tab:green"}

    # (a) latency by percentile at the top rate
    ax = axes[0][0]
    ps = ["p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99"]
    xs = [1 / (1 - float(p[1:]) / 100) for p in ps]  # 2, 4, 10, 20, 100, 1000, 10000

    def curve(run, **kw):
        if run:
            ax.plot(xs, [max(run["latency_ms"][p], 0.01) for p in ps], marker="o", markersize=3, **kw)
    direct = direct_runs(r)
    curve(median_run(direct.get(top, [])), color="black", label="upstream directly (nginx)")
    for mode, md in r["modes"].items():
        curve(rate_run(md["open_loop"]["chat"], top), color=colors.get(mode), label=f"/v1/chat {mode}")
        for fault, style in (("down", "--"), ("hung", ":")):
            curve(rate_run(md.get("faults", {}).get(fault, []), top), color=colors.get(mode), linestyle=style,
                  label=f"/v1/chat {mode}, MongoDB {fault}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels(ps)
    ax.set_ylabel("ms from scheduled send (log)")
    ax.set_title(f"Latency by percentile, open loop at {top:,} RPS")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)

    # (b) added latency p50/p99 per mode and rate, with the targets
    ax = axes[0][1]
    labels, p50s, p99s = [], [], []
    for mode, md in r["modes"].items():
        for kind in ("chat", "completions"):
            for a in md["added_ms"][kind]:
                labels.append(f"{mode}\n{'chat' if kind == 'chat' else 'compl.'}\n{a['offered_rps']:,}")
                p50s.append(a["p50"])
                p99s.append(a["p99"])
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], p50s, width=0.4, label="added p50", color="tab:blue")
    ax.bar([i + 0.2 for i in x], p99s, width=0.4, label="added p99", color="tab:orange")
    for y, text in ((0.3, "disk p50 target 0.3 ms"), (1.0, "disk p99 target 1 ms"), (0.5, "process p99 target 0.5 ms")):
        ax.axhline(y, color="grey", linestyle="--", linewidth=0.8)
        ax.text(-0.5, y, text, fontsize=7, ha="left", va="bottom" if y != 0.3 else "top", color="grey")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("ms, through minus direct (symlog)")
    ax.set_title("Added latency (mode / route / offered RPS)")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)

    # (c) max RPS
    ax = axes[1][0]
    names, values, cols = ["upstream\ndirectly"], [r["direct_max_rps"]["rps"]], ["black"]
    for mode, md in r["modes"].items():
        for kind in ("chat", "completions"):
            names.append(f"{'/v1/chat' if kind == 'chat' else 'completions'}\n{mode}")
            values.append(md["max_rps"][kind]["rps"])
            cols.append(colors.get(mode))
    ll = (r.get("litellm") or {}).get("max_rps")
    if ll:
        names.append("LiteLLM\nproxy")
        values.append(ll["rps"])
        cols.append("tab:red")
    ax.bar(names, values, color=cols)
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.axhline(0.25 * r["direct_max_rps"]["rps"], color="grey", linestyle="--", linewidth=0.8)
    ax.text(len(names) - 0.5, 0.25 * r["direct_max_rps"]["rps"], "25 % of direct", fontsize=7, ha="right",
            va="bottom", color="grey")
    ax.set_yscale("log")
    ax.set_ylabel("requests/s (log)")
    ax.set_title(f"Max throughput, closed loop (wrk -c{m['wrk_connections']}, {m['bench_seconds']} s)")
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(True, axis="y", alpha=0.3)

    # (d) soak RSS and shipper lag
    ax = axes[1][1]
    for mode, md in r["modes"].items():
        so = md.get("soak")
        if so:
            s = so["rss_kb_samples"]
            ax.plot([p[0] for p in s], [p[1] * 1024 / MB for p in s], color=colors.get(mode),
                    label=f"RSS, soak {mode} at {so['offered_rps']:,} RPS")
    ax.axhline(64, color="grey", linestyle="--", linewidth=0.8)
    ax.text(0, 64, "64 MB target (peak)", fontsize=7, va="bottom", color="grey")
    ax.set_xlabel("seconds")
    ax.set_ylabel("RSS (MB)")
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    for mode, md in r["modes"].items():
        sh = md.get("shipper")
        for st in (sh or {}).get("steps", []):
            ax2.plot([p[0] for p in st["lag_samples"]], [p[2] or 0 for p in st["lag_samples"]], linestyle=":",
                     label=f"shipping lag at {st['offered_rps']:,} RPS")
    ax2.set_ylabel("shipping lag (s), dotted")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="upper left")
    ax.set_title("Service RSS over the soak; shipping lag per shipper step")
    ax.grid(True, alpha=0.3)

    fig.suptitle(f"chat-service (commit {m.get('service_commit')}) vs nginx as the instant upstream and the LiteLLM "
                 f"proxy — {m['date']}, {m['cpus']} shared cores, load average {m['loadavg_at_start'][0]:.1f} at start")
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bench/results/latest.json")
    png = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "docs/benchmark-latency.png")
    r = json.load(open(src))
    md = markdown(r)
    with open(os.path.splitext(src)[0] + ".md", "w") as out:
        out.write(md)
    print(md)
    plot(r, png)
    print(f"plot: {png}")


if __name__ == "__main__":
    main()
