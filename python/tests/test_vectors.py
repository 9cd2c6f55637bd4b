"""fastcors-core's conformance vectors, run through the ASGI layer."""

from __future__ import annotations

import asyncio
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from conftest import make_scope, run_asgi, trivial_app, wire
from fastcors import CORSConfigError, CORSConfigWarning, CORSMiddleware

VECTOR_DIR = Path(__file__).resolve().parents[2] / "crates" / "cors-core" / "tests"
FILES = sorted(VECTOR_DIR.glob("vectors*.json"))


def load() -> list[Any]:
    out = []
    for f in FILES:
        for v in json.loads(f.read_text(encoding="utf-8"))["vectors"]:
            out.append(pytest.param(v, id=f"{f.stem}:{v['name']}"))
    return out


VECTORS = load()


def ws_echo(mw: Any, app: Any) -> Any:
    """Points the middleware at a WebSocket app that accepts, then runs it."""

    async def ws_app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "websocket.accept"})

    mw.app = ws_app
    return mw


def cors_fields(headers: list[tuple[bytes, bytes]]) -> list[list[str]]:
    return [
        [k.decode("latin-1"), v.decode("latin-1")]
        for k, v in headers
        if k.lower().startswith(b"access-control-") or k.lower() == b"vary"
    ]


@pytest.mark.skipif(not FILES, reason="fastcors-core vectors not found (run from the repository)")
@pytest.mark.parametrize("vector", VECTORS)
def test_vector(vector: dict[str, Any]) -> None:
    config = dict(vector["config"])
    expect = vector["expect"]
    app = trivial_app()
    if expect["kind"] == "config-error":
        with pytest.raises(CORSConfigError) as info:
            CORSMiddleware.from_config(app, config)
        assert any(e.field == expect["field"] for e in info.value.errors), info.value
        assert isinstance(info.value, ValueError)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        mw = CORSMiddleware.from_config(app, config)
    req = vector["request"]
    headers_in = [tuple(h) for h in req["headers"]]
    if any(k.lower() == "upgrade" and v.lower() == "websocket" for k, v in headers_in):
        # A WebSocket handshake is an ASGI "websocket" scope.
        scope = make_scope("GET", headers_in, scope_type="websocket")
        scope["extensions"] = {"websocket.http.response": {}}
        messages = asyncio.run(run_asgi(ws_echo(mw, app), scope))
        start = [m for m in messages if m["type"] == "websocket.http.response.start"]
        if expect["kind"] == "reject":
            assert start and start[0]["status"] == expect["status"]
            assert cors_fields([tuple(h) for h in start[0]["headers"]]) == [list(h) for h in expect["headers"]]
        else:
            assert not start and messages[0]["type"] == "websocket.accept"
        return
    messages = asyncio.run(run_asgi(mw, make_scope(req["method"], headers_in)))
    status, headers, body = wire(messages)
    if expect["kind"] == "actual":
        assert status == 200 and body == b"ok", "the application must answer actual requests"
    else:
        assert status == expect["status"]
        if expect.get("body") is not None:
            assert body == expect["body"].encode("utf-8")
    assert cors_fields(headers) == [list(h) for h in expect["headers"]]
