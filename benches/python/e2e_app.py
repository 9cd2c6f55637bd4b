"""The app served by uvicorn in the end-to-end benchmark.

A Starlette application with one route, ``GET /data`` (a small JSON body and
an ``x-total`` header), wrapped by no middleware, Starlette's
CORSMiddleware or fastcors' CORSMiddleware with the same policy. Chosen by
environment: ``BENCH_MIDDLEWARE`` = none | starlette | fastcors and
``BENCH_ORIGINS`` = number of configured origins.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402


async def data(request: Request) -> Response:
    return Response(common.BODY, media_type="application/json", headers={"x-total": "3"})


def build() -> Starlette:
    kind = os.environ.get("BENCH_MIDDLEWARE", "none")
    n = int(os.environ.get("BENCH_ORIGINS", "3"))
    middleware = []
    if kind == "starlette":
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, **common.policy(n)))
    elif kind == "fastcors":
        from fastcors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, **common.policy(n)))
    elif kind != "none":
        raise SystemExit(f"BENCH_MIDDLEWARE={kind!r}: none | starlette | fastcors")
    return Starlette(routes=[Route("/data", data, methods=["GET"])], middleware=middleware)


app = build()
