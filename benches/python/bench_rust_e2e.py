"""End-to-end requests/s of the Rust servers, with and without CORS.

For each framework (axum, actix-web, warp) the harness's own server
(``cors-bench-serve``: ``GET /data``, one worker thread) runs with no CORS
layer, with the fastcors adapter and with the framework's own CORS layer
(tower-http ``CorsLayer``, actix-cors, ``warp::cors()``), at 3 and 10k
origins. Each adapter's example server (``<fw>-serve --config FILE --port N``)
is measured too, with a configuration file holding the same policy, when it
is built and starts. All servers are started up front and measured in turn
by wrk (1 thread, 127.0.0.1), interleaved, for R rounds; best round wins.

    python benches/python/bench_rust_e2e.py --bin-dir TARGET/release [--quick] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FRAMEWORKS = ("axum", "actix", "warp")


def config_toml(n: int) -> str:
    q = lambda xs: ", ".join(json.dumps(x) for x in xs)  # noqa: E731
    return (
        'preset = "standard"\n'
        f"allow_origins = [{q(common.origins(n))}]\n"
        f"allow_methods = [{q(common.METHODS)}]\n"
        f"allow_headers = [{q(common.HEADERS)}]\n"
        f"expose_headers = [{q(common.EXPOSE)}]\n"
        "allow_credentials = true\n"
        f"max_age = {common.MAX_AGE}\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", required=True, help="cargo's release directory (with examples/)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "results", "rust_e2e.json"))
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--sizes", default="3,10000")
    ap.add_argument("--logs", default=os.path.join(HERE, "..", "results", "tmp"))
    args = ap.parse_args()
    seconds = args.seconds or (1 if args.quick else 4)
    rounds = args.rounds or (1 if args.quick else 3)
    sizes = [int(s) for s in args.sizes.split(",")]
    os.makedirs(args.logs, exist_ok=True)
    serve = os.path.join(args.bin_dir, "cors-bench-serve")
    cfg = os.path.join(args.logs, "cors-3.toml")
    with open(cfg, "w") as f:
        f.write(config_toml(3))

    variants: list[tuple[str, str, int, list[str]]] = []
    for fw in FRAMEWORKS:
        variants.append((fw, "none", 0, [serve, "--framework", fw, "--mode", "none", "--origins", "3"]))
        for n in sizes:
            for mode in ("fastcors", "incumbent"):
                variants.append((fw, mode, n, [serve, "--framework", fw, "--mode", mode, "--origins", str(n)]))
        example = os.path.join(args.bin_dir, "examples", f"{fw}-serve")
        variants.append((fw, "example", 3, [example, "--config", cfg]))

    servers = {}
    unavailable = {}
    t0 = time.time()
    try:
        for fw, mode, n, cmd in variants:
            if not os.path.exists(cmd[0]):
                unavailable[f"{fw}/{mode}/{n}"] = f"{cmd[0]} not built"
                continue
            port = common.free_port()
            proc = common.start(cmd + ["--port", str(port)], log=os.path.join(args.logs, f"{fw}-{mode}-{n}.log"))
            servers[(fw, mode, n)] = (proc, port)
        for key, (proc, port) in list(servers.items()):
            fw, mode, n = key
            ok = common.wait_ready(proc, port, timeout=30)
            origin = common.probe(max(n, 3))
            if ok:
                try:
                    status, headers = common.get(port, headers={"Origin": origin})
                    ok = status == 200 and (
                        mode == "none" or headers.get("access-control-allow-origin") == origin
                    )
                    if not ok:
                        unavailable[f"{fw}/{mode}/{n}"] = f"unexpected answer {status} {headers}"
                except OSError as e:
                    ok = False
                    unavailable[f"{fw}/{mode}/{n}"] = f"request failed: {e}"
            else:
                unavailable.setdefault(f"{fw}/{mode}/{n}", "did not start or serve GET /data (see its log)")
            if not ok:
                common.stop(proc)
                del servers[key]
        if unavailable:
            print("unavailable:", json.dumps(unavailable, indent=1), flush=True)
        best: dict = {}
        runs: dict = {}
        for r in range(rounds):
            for (fw, mode, n), (proc, port) in servers.items():
                origin = common.probe(max(n, 3))
                if r == 0:
                    common.wrk(port, 1, args.connections, {"Origin": origin})
                res = common.wrk(port, seconds, args.connections, {"Origin": origin})
                runs.setdefault((fw, mode, n), []).append(res["rps"])
                if (fw, mode, n) not in best or res["rps"] > best[(fw, mode, n)]["rps"]:
                    best[(fw, mode, n)] = res
                print(f"round {r + 1}/{rounds} {fw:>5} {mode:>9} {n:>6}: {res['rps']:10.0f} req/s", flush=True)
    finally:
        for proc, _ in servers.values():
            common.stop(proc)

    rows = []
    for (fw, mode, n), res in best.items():
        base = best.get((fw, "none", 0), {}).get("rps")
        rows.append(
            {
                "framework": fw,
                "mode": mode,
                "origins": n,
                "rps": res["rps"],
                "p50_seconds": res["p50_seconds"],
                "non_2xx": res["non_2xx"],
                "vs_none": res["rps"] / base if base else None,
                "runs": runs[(fw, mode, n)],
            }
        )
        print(f"{fw:>5} {mode:>9} {n:>6}: {res['rps']:10.0f} req/s ({(rows[-1]['vs_none'] or 0):.3f} of none)")
    common.write_json(
        args.out,
        {
            "benchmark": "rust_e2e",
            "quick": args.quick,
            "machine": common.machine(),
            "method": f"one server per variant (1 worker thread), wrk -t1 -c{args.connections} -d{seconds}s "
            f"on 127.0.0.1, GET /data with an allowed Origin; best of {rounds} interleaved rounds. "
            "mode 'example' is the adapter's example server (<fw>-serve --config) with the same policy.",
            "wrk": common.wrk_version(),
            "unavailable": unavailable,
            "duration_seconds": time.time() - t0,
            "results": rows,
        },
    )
    print(f"wrote {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
