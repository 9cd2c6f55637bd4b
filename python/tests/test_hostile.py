"""The hostile-input set (``crates/cors-core/tests/hostile.json``, shared
with the Rust crates) through the ASGI layer: every case, in every preset it
lists, is allowed or refused as it says.

Allowed: ``Access-Control-Allow-Origin`` is the first ``Origin`` field (and a
preflight does not reach the application). Refused: a simple request gets no
``Access-Control-Allow-Origin`` (nor, in the standard preset,
``Access-Control-Allow-Credentials``); a refused preflight never reaches the
application, gets no ``Access-Control-Allow-Origin`` nor
``Access-Control-Allow-Headers`` in the standard preset and an error status
in the starlette preset.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from conftest import make_scope, run_asgi, wire
from fastcors import CORSMiddleware
from testdata import fields, load

ACAO = b"access-control-allow-origin"
ACAC = b"access-control-allow-credentials"
ACAH = b"access-control-allow-headers"

CORS_NAMES = {b"origin", b"access-control-request-method", b"access-control-request-headers",
              b"access-control-request-private-network"}
STARLETTE_KEYS = ("allow_origins", "allow_methods", "allow_headers", "allow_credentials",
                  "allow_private_network", "expose_headers", "max_age")

HOSTILE = load("hostile.json")


def starlette_answer(config: dict[str, Any], method: str, request: list[tuple[bytes, bytes]]) -> Any:
    from starlette.middleware.cors import CORSMiddleware as Ref

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    if set(config) - set(STARLETTE_KEYS):
        pytest.skip(f"configuration Starlette cannot express: {sorted(set(config) - set(STARLETTE_KEYS))}")
    ref = Ref(app, **config)
    status, headers, _ = wire(asyncio.run(run_asgi(ref, make_scope(method, request))))
    return status, headers
RUNS = [(case, preset) for case in HOSTILE["cases"] for preset in sorted(case["expect"])]


@pytest.mark.parametrize(("case", "preset"), RUNS, ids=[f"{c['name']}-{p}" for c, p in RUNS])
def test_hostile_case(case: dict[str, Any], preset: str) -> None:
    called: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        called.append(True)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    mw = CORSMiddleware.from_config(app, {**HOSTILE["configs"][case["config"]], "preset": preset})
    request = fields(case)
    status, headers, _ = wire(asyncio.run(run_asgi(mw, make_scope(case["method"], request))))
    if preset == "starlette" and any(n.lower() in CORS_NAMES and n != n.lower() for n, _ in request):
        # Through ASGI, Starlette reads lowercase names only (servers send
        # them lowercase): the drop-in must answer exactly as Starlette does.
        assert (status, headers) == starlette_answer(HOSTILE["configs"][case["config"]], case["method"], request)
        return
    got = dict(headers)
    preflight = case["method"] == "OPTIONS" and any(n.lower() == b"access-control-request-method" for n, _ in request)
    first_origin = next(v for n, v in request if n.lower() == b"origin")
    what = (case["name"], preset, status, headers[:8])
    if case["expect"][preset] == "allowed":
        assert got.get(ACAO) == first_origin, what
        if preflight:
            assert not called, what
    elif not preflight:
        assert ACAO not in got, what
        if preset == "standard":
            assert ACAC not in got, what
    else:
        assert not called, what
        if preset == "standard":
            assert ACAO not in got and ACAH not in got, what
        else:
            assert status >= 400, what
