"""Shared helpers: a minimal ASGI driver that records the raw messages."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any, Callable

import pytest

collect_ignore_glob = ["_starlette_suite/*"]

Header = tuple[bytes, bytes]


def make_scope(method: str, headers: Iterable[tuple[Any, Any]], scope_type: str = "http") -> dict[str, Any]:
    raw = [
        (k.encode("latin-1") if isinstance(k, str) else k, v.encode("latin-1") if isinstance(v, str) else v)
        for k, v in headers
    ]
    scope: dict[str, Any] = {
        "type": scope_type,
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "http" if scope_type == "http" else "ws",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    if scope_type == "http":
        scope["method"] = method
    return scope


def trivial_app(app_headers: Sequence[Header] = (), status: int = 200, body: bytes = b"ok") -> Callable[..., Any]:
    """An ASGI app answering ``status``/``body`` with ``app_headers`` (a fresh
    list each time)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status, "headers": list(app_headers)})
        await send({"type": "http.response.body", "body": body})

    return app


async def run_asgi(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    return messages


def call(app: Any, method: str, headers: Iterable[tuple[Any, Any]]) -> list[dict[str, Any]]:
    """Runs one request through ``app`` and returns the sent messages."""
    return asyncio.run(run_asgi(app, make_scope(method, headers)))


def wire(messages: list[dict[str, Any]]) -> tuple[int, list[Header], bytes]:
    """Status, raw header list (as tuples) and body of a response."""
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], [tuple(h) for h in start.get("headers", [])], body


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
