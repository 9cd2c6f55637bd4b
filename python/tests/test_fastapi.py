"""FastAPI integration: TestClient, and a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from typing import Any

import pytest

fastapi = pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from fastapi import FastAPI, HTTPException  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from fastcors import CORSMiddleware  # noqa: E402

ORIGIN = "https://app.example.com"


def build(**extra: Any) -> FastAPI:
    app = FastAPI()

    @app.get("/items")
    def items() -> dict[str, int]:
        return {"n": 1}

    @app.get("/missing")
    def missing() -> None:
        raise HTTPException(status_code=404, detail="nope")

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    app.add_middleware(
        CORSMiddleware,
        allow_origins=[ORIGIN],
        allow_methods=["GET", "POST"],
        allow_headers=["content-type", "x-token"],
        allow_credentials=True,
        **extra,
    )
    return app


def test_fastapi_testclient() -> None:
    client = TestClient(build())
    r = client.get("/items", headers={"Origin": ORIGIN})
    assert r.json() == {"n": 1}
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert r.headers["access-control-allow-credentials"] == "true"
    r = client.options("/items", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "X-Token"})
    assert r.status_code == 200 and r.text == "OK"
    r = client.get("/missing", headers={"Origin": ORIGIN})
    assert r.status_code == 404 and r.headers["access-control-allow-origin"] == ORIGIN
    r = client.get("/items", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_fastapi_unhandled_exception_500() -> None:
    # Starlette's behaviour: the 500 from ServerErrorMiddleware has no CORS headers.
    client = TestClient(build(), raise_server_exceptions=False)
    r = client.get("/crash", headers={"Origin": ORIGIN})
    assert r.status_code == 500 and "access-control-allow-origin" not in r.headers
    # cors_on_errors=True: the 500 carries them for allowed origins.
    client = TestClient(build(cors_on_errors=True), raise_server_exceptions=False)
    r = client.get("/crash", headers={"Origin": ORIGIN})
    assert r.status_code == 500 and r.text == "Internal Server Error"
    assert r.headers["access-control-allow-origin"] == ORIGIN
    r = client.get("/crash", headers={"Origin": "https://evil.example"})
    assert r.status_code == 500 and "access-control-allow-origin" not in r.headers


def test_wrapping_the_whole_app_keeps_custom_500_handlers() -> None:
    from fastapi.responses import JSONResponse

    inner = FastAPI()

    @inner.get("/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    @inner.exception_handler(Exception)
    async def handler(request: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "custom"}, status_code=500)

    app = CORSMiddleware(inner, allow_origins=[ORIGIN])
    r = TestClient(app, raise_server_exceptions=False).get("/crash", headers={"Origin": ORIGIN})
    assert r.status_code == 500 and r.json() == {"error": "custom"}
    assert r.headers["access-control-allow-origin"] == ORIGIN


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_uvicorn_server() -> None:
    port = _free_port()
    config = uvicorn.Config(build(check_websocket_origin=True), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)

        def request(method: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request(method, "/items", headers=headers)
                r = conn.getresponse()
                return r.status, r.getheaders(), r.read()
            finally:
                conn.close()

        for _ in range(20):  # bounded
            status, headers, body = request("GET", {"Origin": ORIGIN})
            assert status == 200 and body == b'{"n":1}'
            assert ("access-control-allow-origin", ORIGIN) in [(k.lower(), v) for k, v in headers]
        status, headers, body = request("OPTIONS", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
        assert status == 200 and body == b"OK"
        lower = [(k.lower(), v) for k, v in headers]
        assert ("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                "Access-Control-Request-Private-Network") in lower
        status, _, body = request("OPTIONS", {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        assert status == 400 and body == b"Disallowed CORS origin"
    finally:
        server.should_exit = True
        thread.join(10)
    assert not thread.is_alive()
