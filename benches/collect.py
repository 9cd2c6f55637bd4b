"""Collects criterion's estimates into benches/results/*.json.

    python benches/collect.py --criterion TARGET/criterion --out-dir benches/results \
        [--alloc core-alloc.json] [--quick]

Writes ``core.json`` (ids ``core/...``, plus the allocation and memory
figures of the ``core-alloc`` binary) and ``adapters.json`` (ids
``axum/...``, ``actix/...``, ``warp/...``). For each benchmark: criterion's
mean and median (ns per iteration) and ``best_ns``, the fastest of its
samples (each sample is a batch of iterations; the best batch is the figure
least disturbed by a shared, noisy machine, and the one the summary uses).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))
import common  # noqa: E402


def load(criterion_dir: str) -> list[dict]:
    rows = []
    for root, _dirs, files in os.walk(criterion_dir):
        if os.path.basename(root) != "new" or "benchmark.json" not in files:
            continue
        with open(os.path.join(root, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(root, "estimates.json")) as f:
            est = json.load(f)
        best = None
        try:
            with open(os.path.join(root, "sample.json")) as f:
                sample = json.load(f)
            per = [t / i for t, i in zip(sample["times"], sample["iters"]) if i]
            best = min(per) if per else None
            samples = len(per)
        except (OSError, KeyError, ValueError):
            samples = None
        full = bench.get("full_id") or f"{bench.get('group_id')}/{bench.get('value_str')}"
        parts = full.split("/")
        rows.append(
            {
                "id": full,
                "parts": parts,
                "mean_ns": est["mean"]["point_estimate"],
                "mean_ci_ns": [est["mean"]["confidence_interval"]["lower_bound"],
                               est["mean"]["confidence_interval"]["upper_bound"]],
                "median_ns": est["median"]["point_estimate"],
                "best_ns": best,
                "samples": samples,
            }
        )
    rows.sort(key=lambda r: (r["parts"][:-1], int(r["parts"][-1]) if r["parts"][-1].isdigit() else 0))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--criterion", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--alloc", default=None, help="JSON printed by the core-alloc binary")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--durations", default=None, help="JSON object of step durations (seconds)")
    args = ap.parse_args()
    rows = load(args.criterion)
    machine = common.machine()
    core = [r for r in rows if r["parts"][0] == "core"]
    adapters = [r for r in rows if r["parts"][0] in ("axum", "actix", "warp")]
    out_core = {
        "benchmark": "core",
        "quick": args.quick,
        "machine": machine,
        "method": "criterion 0.5 (crates/cors-core/benches/evaluate.rs); ids core/<simple|preflight>/<exact|pattern|fst>/<n>; "
        "best_ns = fastest sample (batch) per iteration",
        "results": [
            {"kind": r["parts"][1], "index": r["parts"][2], "n": int(r["parts"][3]), **r} for r in core
        ],
    }
    if args.alloc and os.path.exists(args.alloc):
        with open(args.alloc) as f:
            out_core["allocations"] = json.load(f)
    out_adapters = {
        "benchmark": "adapters",
        "quick": args.quick,
        "machine": machine,
        "method": "criterion 0.5 (benches/benches/{axum,actix,warp}.rs), in-process request loop; "
        "ids <framework>/<simple|preflight>/<none|fastcors|incumbent>/<origins>; "
        "overhead = side - none (same kind); best_ns = fastest sample per iteration",
        "results": [
            {"framework": r["parts"][0], "kind": r["parts"][1], "side": r["parts"][2], "origins": int(r["parts"][3]), **r}
            for r in adapters
        ],
    }
    common.write_json(os.path.join(args.out_dir, "core.json"), out_core)
    common.write_json(os.path.join(args.out_dir, "adapters.json"), out_adapters)
    print(f"collected {len(core)} core and {len(adapters)} adapter benchmarks")


if __name__ == "__main__":
    main()
