"""Subclasses: the same subclass bodies over Starlette 1.10.0's
CORSMiddleware and fastcors', compared on status, body and the raw header
list (names, values, order), and on the calls made to the overridden
methods; classes overriding nothing keep the native path."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from conftest import make_scope, run_asgi, trivial_app, wire
from test_differential import APP_HEADERS, configs, requests

starlette_cors = pytest.importorskip("starlette.middleware.cors")
from starlette.datastructures import Headers, MutableHeaders  # noqa: E402
from starlette.responses import JSONResponse, PlainTextResponse, Response  # noqa: E402
from starlette.types import Message, Receive, Scope, Send  # noqa: E402

import fastcors  # noqa: E402

DB = {"https://example.org", "https://db.example", "https://good.test", "null"}


# The subclass bodies: mixins put in front of either base class. Each
# records the calls it sees in self.calls (compared between the two).


class Recording:
    calls: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls = []
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


class DatabaseOrigins(Recording):
    """The canonical recipe: origins from a database, allow_origins ignored."""

    def is_allowed_origin(self, origin: str) -> bool:
        self.calls.append(("is_allowed_origin", origin))
        return origin in DB


class SuperOrFnmatch(Recording):
    def is_allowed_origin(self, origin: str) -> bool:
        self.calls.append(("is_allowed_origin", origin))
        return super().is_allowed_origin(origin) or fnmatch.fnmatch(origin, "https://*.x.io")  # type: ignore[misc]


class PreflightExtraHeader(Recording):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)  # type: ignore[misc]
        self.calls.append(("preflight", response.status_code, bytes(response.body)))
        response.headers["X-Preflight"] = "1"
        response.headers.append("Vary", "Cookie")
        return response


class PreflightJSONError(Recording):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers=request_headers)  # type: ignore[misc]
        if response.status_code != 400:
            return response
        cors = {k: v for k, v in response.headers.items() if k.startswith("access-control-") or k == "vary"}
        return JSONResponse({"error": response.body.decode(), "origin": request_headers["origin"]},
                            status_code=403, headers=cors)


class SendFixesHeaders(Recording):
    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            message["headers"] = list(message["headers"]) + [(b"x-before", b"1")]

        async def after(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                h = MutableHeaders(scope=msg)
                h["X-After"] = h.get("access-control-allow-origin", "-")
                self.calls.append(("send", msg["status"], list(msg["headers"])))
            await send(msg)

        await super().send(message, after, request_headers)  # type: ignore[misc]


class SimpleResponseCatches(Recording):
    async def simple_response(self, scope: Scope, receive: Receive, send: Send, request_headers: Headers) -> None:
        try:
            await super().simple_response(scope, receive, send, request_headers)  # type: ignore[misc]
        except RuntimeError as exc:
            self.calls.append(("caught", str(exc)))
            await PlainTextResponse("caught", status_code=500)(scope, receive, send)


class ExplicitOriginNoVary(Recording):
    @staticmethod
    def allow_explicit_origin(headers: MutableHeaders, origin: str) -> None:
        headers["Access-Control-Allow-Origin"] = origin
        headers["X-Explicit"] = origin


class AsyncCallAwaitsFirst(Recording):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0)
        self.calls.append(("call", scope["method"]))
        await super().__call__(scope, receive, send)  # type: ignore[misc]


class AsyncCallRewritesOrigin(Recording):
    """Awaits a lookup, then maps a trusted proxy header onto Origin."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0)
        headers = [(k, v) for k, v in scope["headers"] if k != b"x-forwarded-origin"]
        forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-origin"]
        if forwarded:
            headers = [(k, v) for k, v in headers if k != b"origin"] + [(b"origin", forwarded[0])]
        await super().__call__({**scope, "headers": headers}, receive, send)  # type: ignore[misc]


class Everything(DatabaseOrigins):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0)
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)  # type: ignore[misc]
        response.headers["X-Everything"] = "1"
        return response

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        self.calls.append(("send", message["type"]))
        await super().send(message, send, request_headers)  # type: ignore[misc]


BODIES = [
    DatabaseOrigins,
    SuperOrFnmatch,
    PreflightExtraHeader,
    PreflightJSONError,
    SendFixesHeaders,
    SimpleResponseCatches,
    ExplicitOriginNoVary,
    AsyncCallAwaitsFirst,
    AsyncCallRewritesOrigin,
    Everything,
]


def subclass(body: type, base: type) -> type:
    return type(f"{body.__name__}Over{base.__module__.split('.')[0].title()}", (body, base), {})


def raising_app(app_headers: Any = ()) -> Any:
    inner = trivial_app(app_headers)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if any(k == b"x-boom" for k, _ in scope["headers"]):
            raise RuntimeError("boom")
        await inner(scope, receive, send)

    return app


def subclass_requests() -> list[tuple[str, list[tuple[str, str]]]]:
    out = requests()
    out += [
        ("GET", [("origin", "https://example.org"), ("x-boom", "1")]),
        ("GET", [("x-boom", "1")]),
        ("GET", [("origin", "https://evil.test"), ("x-forwarded-origin", "https://db.example")]),
        ("OPTIONS", [("origin", "https://evil.test"), ("x-forwarded-origin", "https://good.test"),
                     ("access-control-request-method", "GET")]),
        ("GET", [("origin", "https://db.example")]),
        ("OPTIONS", [("origin", "https://db.example"), ("access-control-request-method", "GET")]),
        ("GET", [("origin", "https://preview.x.io")]),
    ]
    return out


async def compare(body: type, cfg: dict[str, Any], reqs: list[Any], app_headers: Any) -> list[str]:
    app = raising_app(app_headers)
    ref = subclass(body, starlette_cors.CORSMiddleware)(app, **cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the drop-in warns about nothing Starlette accepts
        ours = subclass(body, fastcors.CORSMiddleware)(app, **cfg)
    failures = []
    for method, headers in reqs:
        ref.calls.clear()
        ours.calls.clear()
        outcome = []
        for mw in (ref, ours):
            try:
                outcome.append(wire(await run_asgi(mw, make_scope(method, headers))))
            except RuntimeError as exc:
                outcome.append(("raised", str(exc)))
        if outcome[0] != outcome[1] or ref.calls != ours.calls:
            failures.append(
                f"{body.__name__} {cfg} app={app_headers} {method} {headers}:\n  starlette={outcome[0]} "
                f"{ref.calls}\n  fastcors ={outcome[1]} {ours.calls}"
            )
    return failures


@pytest.mark.parametrize("body", BODIES, ids=lambda b: b.__name__)
def test_subclass_matches_starlette_byte_for_byte(body: type) -> None:
    reqs = subclass_requests()
    cfgs = configs(16, seed=11)

    async def main() -> list[str]:
        out: list[str] = []
        for i, cfg in enumerate(cfgs):
            out += await compare(body, cfg, reqs if i < 4 else reqs[::5], APP_HEADERS[i % len(APP_HEADERS)])
        return out

    failures = asyncio.run(main())
    assert not failures, f"{len(failures)} differences; first:\n" + "\n".join(failures[:4])


def test_database_recipe_is_not_ignored() -> None:
    """The override decides: an origin it allows gets CORS headers (and a
    preflight 200) although allow_origins does not list it; one it refuses
    does not, although allow_origins lists it."""
    cls = subclass(DatabaseOrigins, fastcors.CORSMiddleware)
    mw = cls(trivial_app(), allow_origins=["https://listed.example"], allow_methods=["GET", "PUT"])
    got = wire(asyncio.run(run_asgi(mw, make_scope("GET", [("origin", "https://db.example")]))))
    assert (b"access-control-allow-origin", b"https://db.example") in got[1]
    got = wire(asyncio.run(run_asgi(mw, make_scope("OPTIONS", [("origin", "https://db.example"),
                                                               ("access-control-request-method", "PUT")]))))
    assert got[0] == 200
    got = wire(asyncio.run(run_asgi(mw, make_scope("GET", [("origin", "https://listed.example")]))))
    assert not any(k == b"access-control-allow-origin" for k, _ in got[1])
    # Called per request as Starlette calls it: no caching behind its back.
    mw.calls.clear()
    for _ in range(3):
        asyncio.run(run_asgi(mw, make_scope("GET", [("origin", "https://db.example")])))
    assert mw.calls == [("is_allowed_origin", "https://db.example")] * 3


def test_methods_exist_with_starlettes_signatures() -> None:
    import inspect

    for name in ("is_allowed_origin", "preflight_response", "simple_response", "send", "allow_explicit_origin"):
        ours = inspect.signature(getattr(fastcors.CORSMiddleware, name))
        theirs = inspect.signature(getattr(starlette_cors.CORSMiddleware, name))
        assert list(ours.parameters) == list(theirs.parameters), name
        assert inspect.iscoroutinefunction(getattr(fastcors.CORSMiddleware, name)) == \
            inspect.iscoroutinefunction(getattr(starlette_cors.CORSMiddleware, name)), name
    assert isinstance(fastcors.CORSMiddleware.__dict__["allow_explicit_origin"], staticmethod)
    mw = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://a.example"])
    response = mw.preflight_response(Headers(raw=[(b"origin", b"https://a.example"),
                                                  (b"access-control-request-method", b"GET")]))
    assert isinstance(response, PlainTextResponse)
    assert response.status_code == 200 and response.body == b"OK"


def test_preflight_response_is_a_fresh_response_each_time() -> None:
    mw = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://a.example"])
    hdrs = Headers(raw=[(b"origin", b"https://a.example"), (b"access-control-request-method", b"GET")])
    first = mw.preflight_response(hdrs)
    first.headers["X-Mutated"] = "1"
    second = mw.preflight_response(hdrs)
    assert "x-mutated" not in second.headers
    got = wire(asyncio.run(run_asgi(mw, make_scope("OPTIONS", hdrs.raw))))
    assert not any(k == b"x-mutated" for k, _ in got[1])


def test_override_detection_once_per_class() -> None:
    class Plain(fastcors.CORSMiddleware):
        pass

    class OnlyCall(fastcors.CORSMiddleware):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await super().__call__(scope, receive, send)

    class Db(fastcors.CORSMiddleware):
        def is_allowed_origin(self, origin: str) -> bool:
            return True

    class DbChild(Db):
        pass

    assert Plain._overrides == frozenset() and not Plain._starlette_methods
    assert OnlyCall._overrides == {"__call__"} and not OnlyCall._starlette_methods
    assert Db._overrides == {"is_allowed_origin"} and Db._starlette_methods
    assert DbChild._overrides == {"is_allowed_origin"}
    # The native entry point (a bound builtin, no Python frame) for classes
    # overriding nothing, or only __call__.
    for cls in (fastcors.CORSMiddleware, Plain, OnlyCall):
        mw = cls(trivial_app(), allow_origins=["https://a.example"])
        assert type(mw._http).__name__ == "builtin_function_or_method", cls
    assert type(Db(trivial_app())._http).__name__ == "function"


def test_async_predicate_with_subclass_is_asked_once_per_request() -> None:
    asked: list[str] = []

    async def predicate(origin: str) -> bool:
        asked.append(origin)
        await asyncio.sleep(0)
        return origin == "https://tenant.example"

    class Extra(fastcors.CORSMiddleware):
        def preflight_response(self, request_headers: Headers) -> Response:
            response = super().preflight_response(request_headers)
            response.headers["X-Extra"] = "1"
            return response

    mw = Extra(trivial_app(), origin_predicate=predicate, origin_cache_ttl=0, allow_methods=["GET", "PUT"])
    pre = make_scope("OPTIONS", [("origin", "https://tenant.example"), ("access-control-request-method", "PUT")])
    status, headers, _ = wire(asyncio.run(run_asgi(mw, pre)))
    assert status == 200 and (b"access-control-allow-origin", b"https://tenant.example") in headers
    assert (b"x-extra", b"1") in headers
    status, headers, _ = wire(asyncio.run(run_asgi(mw, make_scope("GET", [("origin", "https://tenant.example")]))))
    assert (b"access-control-allow-origin", b"https://tenant.example") in headers
    assert asked == ["https://tenant.example"] * 2


def test_fastcors_subclasses_work_without_starlette(tmp_path: Path) -> None:
    """Without Starlette importable, fastcors imports, the methods exist and
    a subclass calling super().preflight_response gets the same bytes."""
    script = tmp_path / "no_starlette.py"
    script.write_text(textwrap.dedent('''
        import asyncio, json, sys
        sys.modules["starlette"] = None  # ImportError for every starlette import
        import fastcors
        from fastcors import _compat
        assert not _compat.HAVE_STARLETTE

        class Sub(fastcors.CORSMiddleware):
            def is_allowed_origin(self, origin):
                return origin.endswith(".db") or super().is_allowed_origin(origin)
            def preflight_response(self, request_headers):
                r = super().preflight_response(request_headers)
                r.headers["X-Sub"] = "1"
                return r

        async def app(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": [(b"vary", b"Cookie")]})
            await send({"type": "http.response.body", "body": b"ok"})

        async def run(mw, method, headers):
            sent = []
            async def receive():
                return {"type": "http.request"}
            async def send(m):
                sent.append(m)
            await mw({"type": "http", "method": method, "headers": headers}, receive, send)
            start = sent[0]
            return [start["status"], [[k.decode(), v.decode()] for k, v in start["headers"]],
                    b"".join(m.get("body", b"") for m in sent[1:]).decode()]

        out = []
        for cls in (fastcors.CORSMiddleware, Sub):
            mw = cls(app, allow_origins=["https://a.example"], allow_methods=["GET", "PUT"])
            for origin in (b"https://a.example", b"https://x.db", b"https://evil.example"):
                out.append(asyncio.run(run(mw, "GET", [(b"origin", origin)])))
                out.append(asyncio.run(run(mw, "OPTIONS", [(b"origin", origin),
                                                           (b"access-control-request-method", b"PUT")])))
        print(json.dumps(out))
    '''), encoding="utf-8")
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    without = json.loads(proc.stdout)

    class Sub(fastcors.CORSMiddleware):
        def is_allowed_origin(self, origin: str) -> bool:
            return origin.endswith(".db") or super().is_allowed_origin(origin)

        def preflight_response(self, request_headers: Headers) -> Response:
            r = super().preflight_response(request_headers)
            r.headers["X-Sub"] = "1"
            return r

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"vary", b"Cookie")]})
        await send({"type": "http.response.body", "body": b"ok"})

    expected = []
    for cls in (starlette_cors.CORSMiddleware, subclass_of_starlette(Sub)):
        mw = cls(app, allow_origins=["https://a.example"], allow_methods=["GET", "PUT"])
        for origin in ("https://a.example", "https://x.db", "https://evil.example"):
            for method, extra in (("GET", []), ("OPTIONS", [("access-control-request-method", "PUT")])):
                s, h, b = wire(asyncio.run(run_asgi(mw, make_scope(method, [("origin", origin)] + extra))))
                expected.append([s, [[k.decode(), v.decode()] for k, v in h], b.decode()])
    assert without == expected


def subclass_of_starlette(cls: type) -> type:
    """The same class body over Starlette's class."""
    body = {k: v for k, v in cls.__dict__.items() if k in ("is_allowed_origin", "preflight_response")}
    # Zero-argument super() is bound to the original class: re-create the
    # methods with explicit super over the new class instead.
    new = type(cls.__name__, (starlette_cors.CORSMiddleware,), {})

    def is_allowed_origin(self: Any, origin: str) -> bool:
        return origin.endswith(".db") or super(new, self).is_allowed_origin(origin)

    def preflight_response(self: Any, request_headers: Headers) -> Response:
        r = super(new, self).preflight_response(request_headers)
        r.headers["X-Sub"] = "1"
        return r

    assert set(body) == {"is_allowed_origin", "preflight_response"}
    new.is_allowed_origin = is_allowed_origin  # type: ignore[attr-defined]
    new.preflight_response = preflight_response  # type: ignore[attr-defined]
    return new
