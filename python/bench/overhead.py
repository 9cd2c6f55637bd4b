"""Rough in-process overhead: middleware around a trivial ASGI app, minus the
bare app, for Starlette's CORSMiddleware and fastcors (same run).

    python bench/overhead.py [n_requests]
"""

from __future__ import annotations

import asyncio
import sys
import time
import warnings
from typing import Any, Callable

from starlette.middleware.cors import CORSMiddleware as StarletteCORS

from fastcors import CORSMiddleware as FastCORS

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


async def app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def receive() -> dict[str, Any]:
    return {"type": "http.request"}


async def send(message: Any) -> None:
    pass


def scope(method: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": "/", "headers": headers}


async def per_request(target: Callable[..., Any], sc: dict[str, Any]) -> float:
    for _ in range(200):
        await target(dict(sc), receive, send)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(N // 5):
            await target(dict(sc), receive, send)
        best = min(best, (time.perf_counter() - t0) / (N // 5))
    return best


async def main() -> None:
    for n in (3, 100, 10_000, 1_000_000):
        origins = [f"https://o{i}.example.com" for i in range(n)]
        target_origin = origins[-1].encode()
        cases = {
            "simple": scope("GET", [(b"host", b"x"), (b"origin", target_origin), (b"accept", b"*/*")]),
            "preflight": scope("OPTIONS", [(b"host", b"x"), (b"origin", target_origin),
                                           (b"access-control-request-method", b"GET")]),
            "no-origin": scope("GET", [(b"host", b"x"), (b"accept", b"*/*")]),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = FastCORS(app, allow_origins=origins)
        ref = StarletteCORS(app, allow_origins=origins)
        for name, sc in cases.items():
            bare = await per_request(app, sc)
            s = await per_request(ref, sc) - bare
            f = await per_request(ours, sc) - bare
            print(f"{n:>8} origins {name:>10}: starlette {s * 1e6:8.2f} us  fastcors {f * 1e6:6.2f} us  "
                  f"ratio {s / f if f > 0 else float('inf'):7.1f}x", flush=True)


asyncio.run(main())
