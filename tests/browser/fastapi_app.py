"""The FastAPI backend of the browser tests: the same API as the Rust example
servers (``/data``, ``/boom``, ``/ws``) behind ``fastcors.CORSMiddleware``.

Served by uvicorn as a factory (``uvicorn fastapi_app:create_app --factory``);
the policy comes from environment variables set by the harness:

* ``BROWSER_PAGE_PORT``: the port of the page server (part of every origin).
* ``BROWSER_PRESET``: ``starlette`` (the drop-in default) or ``standard``
  (``strict=True``).
* ``BROWSER_POLICY``: ``main`` (explicit lists, credentials, exposed
  ``x-total``, CORS headers on 500s) or ``alt`` (``allow_headers=["*"]``,
  nothing exposed, no credentials, no ``cors_on_errors``).

Both policies mirror ``configs/main.toml`` and ``configs/alt.toml``, which the
Rust example servers use, so that every backend faces the same scenarios.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request, Response, WebSocket, WebSocketDisconnect
from fastcors import CORSMiddleware

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]


class RequestLog:
    """Records every request before CORS sees it, so that the tests can check
    what Chromium actually sent (preflights, Private Network Access headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.entries: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            if scope["path"] == "/__log":
                await self._answer_log(send)
                return
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
            self.entries.append(
                {
                    "type": scope["type"],
                    "method": scope.get("method", "GET"),
                    "path": scope["path"],
                    "headers": headers,
                }
            )
        await self.app(scope, receive, send)

    async def _answer_log(self, send: Any) -> None:
        body = json.dumps(self.entries).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def cors_options(page_port: int, preset: str, policy: str) -> dict[str, Any]:
    """``CORSMiddleware`` keyword arguments for one policy (see the module docstring)."""
    app_origin = f"http://app.test:{page_port}"
    strict = preset == "standard"
    if policy == "main":
        return {
            "allow_origins": [app_origin],
            # One or more labels: matches a.b.app.test, not app.test or evilapp.test.
            "allow_origin_patterns": ["http://*.app.test:*"],
            "allow_methods": ["GET", "POST", "PUT"],
            "allow_headers": ["content-type", "x-token", "authorization"],
            "expose_headers": ["x-total"],
            "allow_credentials": True,
            "check_websocket_origin": True,
            # Without it an exception in a handler becomes Starlette's 500
            # without CORS headers, which the browser hides from the page.
            "cors_on_errors": True,
            "strict": strict,
        }
    if policy == "alt":
        return {
            "allow_origins": [app_origin],
            "allow_methods": ["GET", "POST", "PUT"],
            "allow_headers": ["*"],
            "check_websocket_origin": True,
            "strict": strict,
        }
    raise ValueError(f"BROWSER_POLICY={policy!r}: expected main or alt")


def create_app() -> ASGIApp:
    """The application, configured from the environment (uvicorn ``--factory``)."""
    page_port = int(os.environ["BROWSER_PAGE_PORT"])
    preset = os.environ.get("BROWSER_PRESET", "starlette")
    policy = os.environ.get("BROWSER_POLICY", "main")

    api = FastAPI()
    items: list[Any] = []

    def listing(response: Response) -> dict[str, Any]:
        response.headers["x-total"] = str(len(items))
        return {"items": items}

    @api.get("/data")
    async def get_data(response: Response) -> dict[str, Any]:
        return listing(response)

    @api.post("/data", status_code=201)
    async def post_data(request: Request, response: Response) -> dict[str, Any]:
        items.append(await request.json())
        return listing(response)

    @api.put("/data")
    async def put_data(request: Request, response: Response) -> dict[str, Any]:
        body = await request.json()
        items[:] = body if isinstance(body, list) else [body]
        return listing(response)

    @api.delete("/data")
    async def delete_data(response: Response) -> dict[str, Any]:
        items.clear()
        return listing(response)

    @api.get("/boom")
    async def boom() -> None:
        # An unhandled handler error, as in the Rust examples.
        raise RuntimeError("boom (intentional, browser tests)")

    @api.websocket("/ws")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        try:
            while True:
                await ws.send_text(await ws.receive_text())
        except WebSocketDisconnect:
            pass

    api.add_middleware(CORSMiddleware, **cors_options(page_port, preset, policy))
    return RequestLog(api)
