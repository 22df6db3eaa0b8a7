"""Turns bench/results/latest.json (written by bench/bench.py) into a Markdown table
(bench/results/latest.md, also printed) and the plot docs/benchmark-latency.png.
usage: .venv/bin/python bench/report.py [RESULTS_JSON] [PNG]"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = {"direct": "double directly (`/api/chat`)",
         "through_chat": "through `POST /v1/chat`",
         "through_completions": "through `POST /v1/chat/completions`",
         "through_chat_spooling": "through `POST /v1/chat`, MongoDB down (spooling)"}
PCTS = ("p50", "p90", "p99", "p99.9")


def f(v, digits=2):
    return "–" if v is None else f"{v:,.{digits}f}"


def markdown(r):
    m = r["meta"]
    lines = [f"Run {m['date']}, {m['cpus']} CPUs ({m['cpu_model']}), {m['bench_seconds']} s per measurement, "
             f"whole run {m['run_seconds']} s, load average at start {' / '.join(m['loadavg_at_start'])}.", "",
             "**Max throughput** (wrk, closed loop, %d connections):" % m["wrk_connections"], "",
             "| target | requests/s | p50 | p90 | p99 | p99.9 | errors | service CPU/request | CPU % of a core: service / double / SecantusDB | machine busy |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for k, v in r["max_rps"].items():
        cpu = v["cpu_pct_of_one_core"]
        lines.append(f"| {NAMES[k]} | {f(v['rps'], 0)} | " + " | ".join(f(v["latency_ms"][p]) + " ms" for p in PCTS) +
                     f" | {v['errors']} | {f(v.get('service_cpu_us_per_request'), 0)} µs | "
                     f"{f(cpu.get('chat-service'), 0)} / {f(cpu.get('provider-double'), 0)} / {f(cpu.get('secantusdb'), 0)} | "
                     f"{f(v['machine_busy_pct'], 0)} % |")
    direct = r["max_rps"]["direct"]["rps"]
    lines += ["", "Through / direct: " + ", ".join(
        f"{NAMES[k]} {100 * v['rps'] / direct:.0f} %" for k, v in r["max_rps"].items() if k != "direct"), ""]
    lines += ["**Fixed-rate latency** (hey, 25 requests/s per worker × rate/25 workers; per-request CSV, "
              "0.1 ms resolution; ms):", "",
              "| offered RPS | target | achieved RPS | p50 | p90 | p99 | p99.9 | errors | service CPU/request | CPU %: service / double / SecantusDB |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    rates = m["rates"]
    for i, rate in enumerate(rates):
        for k, runs in r["fixed_rate"].items():
            v = runs[i]
            cpu = v["cpu_pct_of_one_core"]
            lines.append(f"| {rate:,} | {NAMES[k]} | {f(v['achieved_rps'], 0)} | " +
                         " | ".join(f(v["latency_ms"][p]) for p in PCTS) +
                         f" | {v['errors']} | {f(v.get('service_cpu_us_per_request'), 0)} µs | "
                         f"{f(cpu.get('chat-service'), 0)} / {f(cpu.get('provider-double'), 0)} / {f(cpu.get('secantusdb'), 0)} |")
    lines += ["", "**Overhead = through − direct at the same offered rate** (ms):", "",
              "| offered RPS | route | p50 | p90 | p99 | p99.9 |", "|---|---|---|---|---|---|"]
    for k, rows in r["overhead_ms"].items():
        for row in rows:
            lines.append(f"| {row['offered_rps']:,} | {NAMES[k]} | " + " | ".join(f(row[p]) for p in PCTS) + " |")
    s = r["stream_ttfb"]
    lines += ["", f"**Streaming, time to first content chunk** ({s['requests_each']} requests each, alternating, "
              "one persistent connection each; ms):", "",
              "| | p50 | p90 | p99 | p99.9 |", "|---|---|---|---|---|"]
    for k, label in (("direct_ms", "double directly"), ("through_ms", "through chat-service"), ("added_ms", "added")):
        lines.append(f"| {label} | " + " | ".join(f(s[k].get(p)) for p in PCTS) + " |")
    so = r["soak"]
    lines += ["", "**Memory** (MiB): idle RSS %s; peak RSS (VmHWM, whole run) %s; soak of %d s at %d offered RPS "
              "(%s achieved): RSS %s early → %s late; final RSS %s." % (
                  f(r["idle_rss_kb"] / 1024, 1), f(r["peak_rss_kb"] / 1024, 1), so["seconds"], so["offered_rps"],
                  f(so["achieved_rps"], 0), f(so["rss_kb_early_mean"] / 1024, 1), f(so["rss_kb_late_mean"] / 1024, 1),
                  f(r["final_rss_kb"] / 1024, 1))]
    return "\n".join(lines) + "\n"


def plot(r, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter
    rates = r["meta"]["rates"]
    fig, axes = plt.subplots(1, 4, figsize=(16, 4.2), sharex=True)
    styles = {"direct": ("black", "o", "double directly"), "through_chat": ("tab:blue", "s", "through /v1/chat"),
              "through_completions": ("tab:green", "^", "through /v1/chat/completions"),
              "through_chat_spooling": ("tab:red", "v", "through /v1/chat, MongoDB down (spool)")}
    for ax, p in zip(axes, PCTS):
        for k, runs in r["fixed_rate"].items():
            color, marker, label = styles[k]
            ax.plot([x["offered_rps"] for x in runs], [x["latency_ms"][p] for x in runs], color=color, marker=marker,
                    label=label, linestyle="--" if k == "through_chat_spooling" else "-")
        ax.set_title(f"{p} latency")
        ax.set_xlabel("offered rate (requests/s)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(rates)
        ax.set_xticklabels([f"{x:,}" for x in rates])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if str(v)[0] in "25" else ""))
        ax.tick_params(axis="y", which="minor", labelsize=7)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms (log scale)")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"chat-service vs the instant provider double, persistence on ({r['meta']['date']}, "
                 f"{r['meta']['cpus']} shared cores, hey fixed rate, {r['meta']['bench_seconds']} s per point)")
    fig.tight_layout()
    fig.savefig(png, dpi=110)


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
