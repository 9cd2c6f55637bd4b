"""End-to-end requests/s under uvicorn: no middleware / Starlette / fastcors.

One uvicorn process per variant (1 worker, 127.0.0.1, access log off, the
best installed loop and HTTP parser), all started up front; wrk (1 thread,
loopback) then measures them in turn, interleaved, for R rounds; each
variant's figure is its best round. Requests are ``GET /data`` with an
allowed ``Origin``; the middleware variants run at 3 and 10k origins.

    python benches/python/bench_e2e.py [--quick] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "results", "python_e2e.json"))
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--sizes", default="3,10000")
    ap.add_argument("--logs", default=os.path.join(HERE, "..", "results", "tmp"))
    args = ap.parse_args()
    seconds = args.seconds or (1 if args.quick else 5)
    rounds = args.rounds or (1 if args.quick else 3)
    sizes = [int(s) for s in args.sizes.split(",")]
    os.makedirs(args.logs, exist_ok=True)

    variants = [("none", 3)] + [(mw, n) for n in sizes for mw in ("starlette", "fastcors")]
    servers = {}
    t0 = time.time()
    try:
        for mw, n in variants:
            port = common.free_port()
            proc = common.start(
                [
                    sys.executable, "-m", "uvicorn", "e2e_app:app",
                    "--host", "127.0.0.1", "--port", str(port),
                    "--no-access-log", "--log-level", "warning",
                ],
                env={"BENCH_MIDDLEWARE": mw, "BENCH_ORIGINS": str(n), "PYTHONPATH": HERE},
                log=os.path.join(args.logs, f"uvicorn-{mw}-{n}.log"),
            )
            servers[(mw, n)] = (proc, port)
        for (mw, n), (proc, port) in servers.items():
            if not common.wait_ready(proc, port):
                raise SystemExit(f"uvicorn {mw} {n} did not start (see {args.logs})")
            origin = common.probe(n)
            status, headers = common.get(port, headers={"Origin": origin})
            assert status == 200, (mw, n, status)
            if mw != "none":
                assert headers.get("access-control-allow-origin") == origin, (mw, n, headers)
        best: dict[tuple[str, int], dict] = {}
        runs: dict[str, list[float]] = {}
        for r in range(rounds):
            for (mw, n), (proc, port) in servers.items():
                origin = common.probe(n)
                if r == 0:  # a short warm-up before the first measured run
                    common.wrk(port, 1, args.connections, {"Origin": origin})
                res = common.wrk(port, seconds, args.connections, {"Origin": origin})
                runs.setdefault(f"{mw}/{n}", []).append(res["rps"])
                if (mw, n) not in best or res["rps"] > best[(mw, n)]["rps"]:
                    best[(mw, n)] = res
                print(f"round {r + 1}/{rounds} {mw:>9} {n:>6} origins: {res['rps']:10.0f} req/s", flush=True)
    finally:
        for proc, _ in servers.values():
            common.stop(proc)

    base = best[("none", 3)]["rps"]
    rows = []
    for (mw, n), res in best.items():
        rows.append(
            {
                "middleware": mw,
                "origins": n if mw != "none" else 0,
                "rps": res["rps"],
                "p50_seconds": res["p50_seconds"],
                "non_2xx": res["non_2xx"],
                "vs_none": res["rps"] / base if base else None,
                "runs": runs[f"{mw}/{n}"],
            }
        )
    import importlib.util

    common.write_json(
        args.out,
        {
            "benchmark": "python_e2e",
            "quick": args.quick,
            "machine": common.machine(),
            "method": f"uvicorn (1 process, loop={'uvloop' if importlib.util.find_spec('uvloop') else 'asyncio'}, "
            f"http={'httptools' if importlib.util.find_spec('httptools') else 'h11'}), "
            f"wrk -t1 -c{args.connections} -d{seconds}s on 127.0.0.1, GET /data with an allowed Origin; "
            f"best of {rounds} interleaved rounds",
            "wrk": common.wrk_version(),
            "duration_seconds": time.time() - t0,
            "results": rows,
        },
    )
    for row in rows:
        print(f"{row['middleware']:>9} {row['origins']:>6}: {row['rps']:10.0f} req/s  ({row['vs_none']:.3f} of none)")
    print(f"wrote {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
