"""In-process ASGI overhead: fastcors vs Starlette's CORSMiddleware.

Each middleware wraps the same trivial ASGI app; the ASGI callable is driven
directly (prebuilt scope, no-op receive/send) in a tight loop inside one
coroutine. Overhead = time(middleware + app) - time(bare app), best of N
repeats, the three callables interleaved within every repeat so that they
see the same machine noise.

Scenarios: ``simple`` (GET with an allowed Origin), ``preflight`` (OPTIONS +
Origin + ACRM PUT + three ACRH), ``no-origin`` (GET without Origin), at 3,
100, 10k and 1M configured origins. The requested origin is the middle entry
of the list (the average case of Starlette's linear scan).

    python benches/python/bench_inprocess.py [--quick] [--out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

from starlette.middleware.cors import CORSMiddleware as StarletteCORS  # noqa: E402

from fastcors import CORSMiddleware as FastCORS  # noqa: E402

BODY = common.BODY


async def bare_app(scope: Any, receive: Any, send: Any) -> None:
    # Fresh messages every call: Starlette's middleware edits them in place.
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"x-total", b"3")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: Any) -> None:
    return None


def scope(kind: str, origin: str) -> dict[str, Any]:
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"user-agent", b"bench/1.0"),
        (b"accept", b"*/*"),
    ]
    method = "GET"
    if kind != "no-origin":
        headers.append((b"origin", origin.encode("latin-1")))
    if kind == "preflight":
        method = "OPTIONS"
        headers.append((b"access-control-request-method", b"PUT"))
        headers.append((b"access-control-request-headers", common.REQUEST_HEADERS.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/data",
        "raw_path": b"/data",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _loop(app: Callable[..., Any], sc: dict[str, Any], n: int) -> int:
    t0 = time.perf_counter_ns()
    for _ in range(n):
        await app(sc, receive, send)
    return time.perf_counter_ns() - t0


def timed(loop: asyncio.AbstractEventLoop, app: Any, sc: dict[str, Any], n: int) -> float:
    """Nanoseconds per call over n calls."""
    gc.collect()
    gc.disable()
    try:
        return loop.run_until_complete(_loop(app, sc, n)) / n
    finally:
        gc.enable()


def check(loop: asyncio.AbstractEventLoop, name: str, app: Any, sc: dict[str, Any], kind: str, origin: str) -> None:
    """Both middlewares must allow the probe (and answer the preflight)."""
    sent: list[Any] = []

    async def record(message: Any) -> None:
        sent.append(message)

    loop.run_until_complete(app(sc, receive, record))
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.lower(): v for k, v in start["headers"]}
    if kind == "no-origin":
        assert b"access-control-allow-origin" not in headers, (name, kind)
        return
    assert headers.get(b"access-control-allow-origin") == origin.encode(), (name, kind, headers)
    assert start["status"] == 200, (name, kind, start["status"])


def run(sizes: list[int], repeats: int, target_s: float, min_iters: int, max_iters: int) -> list[dict[str, Any]]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    rows = []
    for n in sizes:
        allowed = common.origins(n)
        t = time.perf_counter()
        st = StarletteCORS(bare_app, **common.policy(n, allowed))
        st_build = time.perf_counter() - t
        t = time.perf_counter()
        fc = FastCORS(bare_app, **common.policy(n, allowed))
        fc_build = time.perf_counter() - t
        del allowed
        apps = {"bare": bare_app, "starlette": st, "fastcors": fc}
        origin = common.probe(n)
        for kind in ("simple", "preflight", "no-origin"):
            sc = scope(kind, origin)
            for name in ("starlette", "fastcors"):
                check(loop, name, apps[name], sc, kind, origin)
            # Calibrate the iteration count on the slowest callable.
            iters = {}
            for name, app in apps.items():
                per = min(timed(loop, app, sc, 3) for _ in range(2))
                iters[name] = int(min(max_iters, max(min_iters, target_s * 1e9 / max(per, 1.0))))
            best = {name: float("inf") for name in apps}
            for _ in range(repeats):
                for name, app in apps.items():
                    best[name] = min(best[name], timed(loop, app, sc, iters[name]))
            so = best["starlette"] - best["bare"]
            fo = best["fastcors"] - best["bare"]
            row = {
                "origins": n,
                "scenario": kind,
                "bare_ns": best["bare"],
                "starlette_ns": best["starlette"],
                "fastcors_ns": best["fastcors"],
                "starlette_overhead_ns": so,
                "fastcors_overhead_ns": fo,
                "overhead_ratio": (fo / so) if so > 0 else None,
                "iterations": iters,
                "repeats": repeats,
                "build_seconds": {"starlette": st_build, "fastcors": fc_build},
            }
            rows.append(row)
            ratio = f"1/{so / fo:.0f}" if fo > 0 and so > 0 else "n/a"
            print(
                f"{n:>8} {kind:<10} bare {best['bare']:9.0f} ns | starlette +{so:10.0f} ns | "
                f"fastcors +{fo:8.0f} ns | fastcors/starlette overhead {ratio}",
                flush=True,
            )
        del st, fc, apps
        gc.collect()
    loop.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny iteration counts (checks the harness)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "results", "python_inprocess.json"))
    ap.add_argument("--sizes", default="3,100,10000,1000000")
    ap.add_argument("--repeats", type=int, default=None)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.quick:
        repeats, target, lo, hi = args.repeats or 2, 0.003, 3, 2000
    else:
        repeats, target, lo, hi = args.repeats or 11, 0.08, 10, 200_000
    t0 = time.time()
    rows = run(sizes, repeats, target, lo, hi)
    common.write_json(
        args.out,
        {
            "benchmark": "python_inprocess",
            "quick": args.quick,
            "machine": common.machine(),
            "method": "ASGI callable driven directly, prebuilt scope, no-op receive/send; "
            "overhead = best-of-N(middleware+app) - best-of-N(bare app)",
            "duration_seconds": time.time() - t0,
            "results": rows,
        },
    )
    print(f"wrote {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
