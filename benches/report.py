"""Charts and the summary table from benches/results/*.json.

    python benches/report.py [--results benches/results]

Writes into the results directory:
- ``core.svg``: fastcors-core evaluate (ns/op) against the number of origins or patterns;
- ``adapters.svg``: per-request CORS overhead of each Rust adapter vs its incumbent;
- ``python_inprocess.svg``: fastcors vs Starlette CORSMiddleware overhead;
- ``e2e.svg``: end-to-end requests/s, Python and Rust;
- ``summary.md``: the machine, the date and the tables of ratios (the README embeds it).
Missing inputs are skipped (and said so in the summary).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FW = {"axum": "axum + tower-http CorsLayer", "actix": "actix-web + actix-cors", "warp": "warp + warp::cors()"}
INCUMBENT = {"axum": "tower-http", "actix": "actix-cors", "warp": "warp::cors()"}
BLUE, GREY, RED = "#1f6feb", "#8b949e", "#d1242f"


def load(d: str, name: str) -> dict[str, Any] | None:
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def human(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def ns(v: float | None) -> str:
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.2f} µs"
    return f"{v:.0f} ns"


def ratio(a: float | None, b: float | None) -> str:
    """a / b as "N×" (how many times b fits in a)."""
    if a is None or b is None or b <= 0:
        return "–"
    r = a / b
    return f"{r:.0f}×" if r >= 10 else f"{r:.1f}×"


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✅" if ok else "❌")


# ------------------------------------------------------------------- core


def core_section(core: dict[str, Any], out: str, lines: list[str]) -> None:
    rows = core["results"]
    get = lambda kind, index, n: next(  # noqa: E731
        (r["best_ns"] for r in rows if r["kind"] == kind and r["index"] == index and r["n"] == n), None
    )
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, kind in zip(axes, ("simple", "preflight")):
        for index, color, label in (("exact", BLUE, "exact origins (hash)"), ("pattern", RED, "wildcard patterns"),
                                    ("fst", GREY, "exact origins (fst)")):
            pts = sorted((r["n"], r["best_ns"]) for r in rows if r["kind"] == kind and r["index"] == index)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color=color, label=label)
        ax.axhline(60 if kind == "simple" else 150, ls="--", color="black", lw=0.8, label="target")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_title(f"fastcors-core evaluate: {kind}")
        ax.set_xlabel("origins / patterns configured")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("ns per evaluation (best sample)")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "core.svg"))
    plt.close(fig)

    lines += ["### fastcors-core `evaluate`", "",
              "| request | 1 origin | 100 | 10k | 1M | growth 1→1M | 1 pattern | 100 | 100k | growth 1→100k | fst, 1M |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for kind in ("simple", "preflight"):
        e = [get(kind, "exact", n) for n in (1, 100, 10_000, 1_000_000)]
        p = [get(kind, "pattern", n) for n in (1, 100, 100_000)]
        f = get(kind, "fst", 1_000_000)
        lines.append(
            f"| {kind} | " + " | ".join(ns(v) for v in e) + f" | {ratio(e[3], e[0]) if e[3] else '–'} | "
            + " | ".join(ns(v) for v in p) + f" | {ratio(p[2], p[0]) if p[2] else '–'} | {ns(f)} |"
        )
    alloc = core.get("allocations")
    if alloc:
        per = alloc["allocations_per_evaluation"]
        worst = max(max(a["simple"], a["preflight"]) for a in per)
        mem = alloc["memory"]
        lines += [
            "",
            f"Allocations per evaluation (simple and preflight, every index and size, refused and no-Origin "
            f"requests; {alloc['rounds']} evaluations each): **{worst:g}** at most.",
            "",
            f"Memory for {human(mem['n'])} origins: hash set **{mem['hash']['heap_bytes'] / 2**20:.1f} MiB** of heap "
            f"(RSS +{mem['hash']['rss_growth_bytes'] / 2**20:.0f} MiB); fst file "
            f"**{mem['fst']['file_bytes'] / 2**20:.1f} MiB** (memory-mapped) + {mem['fst']['heap_bytes'] / 1024:.1f} KiB "
            f"of heap (RSS +{mem['fst']['rss_growth_bytes'] / 2**20:.1f} MiB after 1000 lookups).",
        ]
    lines.append("")


# --------------------------------------------------------------- adapters


def adapters_section(ad: dict[str, Any], out: str, lines: list[str]) -> None:
    rows = ad["results"]

    def t(fw: str, kind: str, side: str, n: int) -> float | None:
        return next((r["best_ns"] for r in rows if (r["framework"], r["kind"], r["side"], r["origins"]) == (fw, kind, side, n)), None)

    fws = [fw for fw in FW if any(r["framework"] == fw for r in rows)]
    sizes = sorted({r["origins"] for r in rows if r["side"] != "none"})
    fig, axes = plt.subplots(2, max(1, len(fws)), figsize=(4 * max(1, len(fws)), 6.5), squeeze=False)
    for j, fw in enumerate(fws):
        for i, kind in enumerate(("simple", "preflight")):
            ax = axes[i][j]
            base = t(fw, kind, "none", 3) or 0
            for side, color, label in (("fastcors", BLUE, f"fastcors-{fw}"), ("incumbent", GREY, INCUMBENT[fw])):
                pts = [(n, t(fw, kind, side, n)) for n in sizes]
                pts = [(n, max(v - base, 1.0)) for n, v in pts if v is not None]
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color=color, label=label)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{fw}: {kind}", fontsize=10)
            ax.grid(alpha=0.3, which="both")
            if j == 0:
                ax.set_ylabel("CORS overhead, ns/request")
            if i == 1:
                ax.set_xlabel("origins configured")
            ax.legend(fontsize=8)
    fig.suptitle("Rust adapters vs incumbents, in-process (overhead over no CORS layer)", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "adapters.svg"))
    plt.close(fig)

    lines += ["### Rust adapters vs incumbents (in-process, per request)", "",
              "Time per request through the framework (best sample), and the CORS overhead over the same "
              "app without a CORS layer. *speed-up* = incumbent's overhead / fastcors' overhead (> 1: fastcors is faster).", "",
              "| framework | request | origins | no CORS | fastcors | incumbent | fastcors overhead | incumbent overhead | speed-up |",
              "|---|---|---|---|---|---|---|---|---|"]
    for fw in fws:
        for kind in ("simple", "preflight"):
            base = t(fw, kind, "none", 3)
            for n in sizes:
                f, inc = t(fw, kind, "fastcors", n), t(fw, kind, "incumbent", n)
                fo = f - base if f is not None and base is not None else None
                io = inc - base if inc is not None and base is not None else None
                lines.append(
                    f"| {FW[fw]} | {kind} | {human(n)} | {ns(base)} | {ns(f)} | {ns(inc)} | {ns(fo)} | {ns(io)} | "
                    f"{ratio(io, fo) if fo and fo > 0 else '–'} |"
                )
    lines.append("")


# ----------------------------------------------------------------- python


def python_section(py: dict[str, Any], out: str, lines: list[str]) -> None:
    rows = py["results"]
    sizes = sorted({r["origins"] for r in rows})
    kinds = ("simple", "preflight", "no-origin")
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
    for ax, kind in zip(axes, kinds):
        for key, color, label in (("fastcors_overhead_ns", BLUE, "fastcors"), ("starlette_overhead_ns", GREY, "Starlette")):
            pts = sorted((r["origins"], max(r[key], 1.0)) for r in rows if r["scenario"] == kind)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color=color, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{kind}", fontsize=10)
        ax.set_xlabel("origins configured")
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("middleware overhead, ns/request")
    axes[0].legend(fontsize=8)
    fig.suptitle("Python: fastcors vs Starlette CORSMiddleware, in-process ASGI overhead", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "python_inprocess.svg"))
    plt.close(fig)

    lines += ["### Python: fastcors vs Starlette `CORSMiddleware` (in-process ASGI overhead)", "",
              "Overhead = middleware around a trivial ASGI app minus the bare app (best of N). "
              "*fraction* = fastcors' overhead / Starlette's.", "",
              "| request | origins | bare app | Starlette overhead | fastcors overhead | fraction |",
              "|---|---|---|---|---|---|"]
    for kind in kinds:
        for n in sizes:
            r = next((r for r in rows if r["scenario"] == kind and r["origins"] == n), None)
            if not r:
                continue
            so, fo = r["starlette_overhead_ns"], r["fastcors_overhead_ns"]
            frac = f"1/{so / fo:.0f}" if fo > 0 and so > 0 and so / fo >= 10 else (
                f"1/{so / fo:.1f}" if fo > 0 and so > 0 else "–")
            lines.append(f"| {kind} | {human(n)} | {ns(r['bare_ns'])} | {ns(so)} | {ns(fo)} | {frac} |")
    lines.append("")


# -------------------------------------------------------------------- e2e


def e2e_section(pye: dict[str, Any] | None, rse: dict[str, Any] | None, out: str, lines: list[str]) -> None:
    bars: list[tuple[str, float, str]] = []
    if pye:
        for r in pye["results"]:
            label = "uvicorn, no CORS" if r["middleware"] == "none" else f"uvicorn, {r['middleware']}, {human(r['origins'])}"
            bars.append((label, r["rps"], BLUE if r["middleware"] == "fastcors" else GREY))
    if rse:
        for r in rse["results"]:
            name = {"none": "no CORS", "fastcors": f"fastcors-{r['framework']}", "incumbent": INCUMBENT[r["framework"]],
                    "example": f"{r['framework']}-serve example"}[r["mode"]]
            label = f"{r['framework']}, {name}" + (f", {human(r['origins'])}" if r["mode"] in ("fastcors", "incumbent") else "")
            bars.append((label, r["rps"], BLUE if r["mode"] in ("fastcors", "example") else GREY))
    if bars:
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(bars) + 1.2))
        ax.barh(range(len(bars)), [b[1] for b in bars], color=[b[2] for b in bars])
        ax.set_yticks(range(len(bars)))
        ax.set_yticklabels([b[0] for b in bars], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("requests/s (wrk, loopback, 1 server worker, best round)")
        ax.set_title("End to end: GET /data with an allowed Origin", fontsize=11)
        ax.grid(alpha=0.3, axis="x")
        fig.tight_layout()
        fig.savefig(os.path.join(out, "e2e.svg"))
        plt.close(fig)
    if pye:
        lines += ["### End to end, Python (uvicorn)", "", pye["method"], "",
                  "| middleware | origins | requests/s | vs no middleware |", "|---|---|---|---|"]
        for r in pye["results"]:
            lines.append(f"| {r['middleware']} | {human(r['origins']) if r['origins'] else '–'} | {r['rps']:,.0f} | {r['vs_none']:.1%} |")
        lines.append("")
    if rse:
        lines += ["### End to end, Rust servers", "", rse["method"], "",
                  "| framework | CORS | origins | requests/s | vs no CORS |", "|---|---|---|---|---|"]
        for r in rse["results"]:
            name = {"none": "none", "fastcors": f"fastcors-{r['framework']}", "incumbent": INCUMBENT[r["framework"]],
                    "example": f"`{r['framework']}-serve` example"}[r["mode"]]
            vs = f"{r['vs_none']:.1%}" if r.get("vs_none") else "–"
            lines.append(f"| {r['framework']} | {name} | {human(r['origins']) if r['origins'] else '–'} | {r['rps']:,.0f} | {vs} |")
        if rse.get("unavailable"):
            lines.append("")
            lines.append("Not measured: " + "; ".join(f"`{k}` ({v})" for k, v in rse["unavailable"].items()) + ".")
        lines.append("")


# ---------------------------------------------------------------- targets


def targets(core, ad, py, pye) -> list[str]:
    out = ["### Targets", "", "| target | result | met |", "|---|---|---|"]
    if core:
        rows = core["results"]
        g = lambda k, i, n: next((r["best_ns"] for r in rows if (r["kind"], r["index"], r["n"]) == (k, i, n)), None)  # noqa: E731
        s1, p1 = g("simple", "exact", 1), g("preflight", "exact", 1)
        out.append(f"| core simple ≤ 60 ns | {ns(s1)} | {mark(s1 <= 60 if s1 else None)} |")
        out.append(f"| core preflight (3 headers) ≤ 150 ns | {ns(p1)} | {mark(p1 <= 150 if p1 else None)} |")
        for kind in ("simple", "preflight"):
            for index, lo, hi in (("exact", 1, 1_000_000), ("pattern", 1, 100_000)):
                a, b = g(kind, index, lo), g(kind, index, hi)
                r = b / a if a and b else None
                out.append(f"| {kind}: {index} {human(lo)}→{human(hi)} growth ≤ 1.3× | "
                           f"{'–' if r is None else f'{r:.2f}×'} | {mark(r <= 1.3 if r else None)} |")
        alloc = core.get("allocations")
        if alloc:
            worst = max(max(a["simple"], a["preflight"]) for a in alloc["allocations_per_evaluation"])
            fst = alloc["memory"]["fst"]["resident_bound_bytes"]
            out.append(f"| 1M origins ≤ 32 MB (fst mode) | {fst / 2**20:.1f} MiB | {mark(fst <= 32 * 2**20)} |")
            out.append(f"| 0 allocations per evaluation | {worst:g} | {mark(worst == 0)} |")
    if py:
        rows = py["results"]
        r3 = next((r for r in rows if r["scenario"] == "simple" and r["origins"] == 3), None)
        r10 = next((r for r in rows if r["scenario"] == "simple" and r["origins"] == 10_000), None)
        if r3:
            f = r3["fastcors_overhead_ns"] / r3["starlette_overhead_ns"]
            out.append(f"| Python overhead ≤ 1/4 of Starlette's at 3 origins (simple) | 1/{1 / f:.1f} | {mark(f <= 0.25)} |")
        if r10:
            f = r10["fastcors_overhead_ns"] / r10["starlette_overhead_ns"]
            out.append(f"| Python overhead ≤ 1/100 of Starlette's at 10k origins (simple) | 1/{1 / f:.0f} | {mark(f <= 0.01)} |")
        sm = sorted((r["origins"], r["fastcors_overhead_ns"]) for r in rows if r["scenario"] == "simple")
        if len(sm) > 1:
            g = sm[-1][1] / sm[0][1]
            out.append(f"| Python flat {human(sm[0][0])}→{human(sm[-1][0])} origins (simple) | {g:.2f}× | {mark(g <= 1.3)} |")
    if pye:
        f = next((r for r in pye["results"] if r["middleware"] == "fastcors" and r["origins"] == 3), None)
        if f:
            out.append(f"| uvicorn e2e with fastcors ≥ 97% of no middleware (3 origins) | {f['vs_none']:.1%} | {mark(f['vs_none'] >= 0.97)} |")
    if ad:
        rows = ad["results"]
        for fw in FW:
            t = lambda k, s, n: next((r["best_ns"] for r in rows if (r["framework"], r["kind"], r["side"], r["origins"]) == (fw, k, s, n)), None)  # noqa: E731
            for kind in ("simple", "preflight"):
                f, i = t(kind, "fastcors", 3), t(kind, "incumbent", 3)
                if f and i:
                    out.append(f"| fastcors-{fw} at or ahead of {INCUMBENT[fw]} at 3 origins ({kind}) | "
                               f"{ns(f)} vs {ns(i)} | {mark(f <= i * 1.02)} |")
                a, b = t(kind, "fastcors", 3), t(kind, "fastcors", 10_000)
                if a and b:
                    out.append(f"| fastcors-{fw} flat 3→10k origins ({kind}) | {b / a:.2f}× | {mark(b / a <= 1.3)} |")
    out.append("")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    d = args.results
    core, ad = load(d, "core.json"), load(d, "adapters.json")
    py, pye, rse = load(d, "python_inprocess.json"), load(d, "python_e2e.json"), load(d, "rust_e2e.json")
    any_ = next((x for x in (core, ad, py, pye, rse) if x), None)
    if any_ is None:
        raise SystemExit(f"no results in {d}")
    m = any_["machine"]
    quick = any(x and x.get("quick") for x in (core, ad, py, pye, rse))
    lines = [
        "<!-- generated by benches/report.py from benches/results/*.json; do not edit -->",
        "## Benchmarks",
        "",
        f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {((m.get('memory_bytes') or 0) / 2**30):.0f} GiB, "
        f"{m.get('os')}; Python {m.get('python')}, Starlette {m.get('starlette')}, fastcors {m.get('fastcors')}, "
        f"uvicorn {m.get('uvicorn')}. Date: {m.get('date')} (commit {m.get('commit')}). "
        "A shared, noisy 2-core machine: every figure is the best of several samples or runs, and only the "
        "ratios between frontends measured side by side in the same run are meaningful. Reproduce with `scripts/bench.sh`.",
        "",
    ]
    if quick:
        lines += ["**Quick mode (harness check): these figures are not measurements.**", ""]
    lines += targets(core, ad, py, pye)
    if core:
        core_section(core, d, lines)
        lines += ["![fastcors-core evaluate](core.svg)", ""]
    if ad:
        adapters_section(ad, d, lines)
        lines += ["![Rust adapters](adapters.svg)", ""]
    if py:
        python_section(py, d, lines)
        lines += ["![Python in-process](python_inprocess.svg)", ""]
    if pye or rse:
        e2e_section(pye, rse, d, lines)
        lines += ["![End to end](e2e.svg)", ""]
    missing = [n for n, x in (("core.json", core), ("adapters.json", ad), ("python_inprocess.json", py),
                               ("python_e2e.json", pye), ("rust_e2e.json", rse)) if x is None]
    if missing:
        lines += ["Missing from this run: " + ", ".join(missing) + ".", ""]
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {os.path.join(d, 'summary.md')} and charts in {d}")


if __name__ == "__main__":
    main()
