"""The extras beyond Starlette, validation, diagnostics and robustness."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from conftest import call, make_scope, run_asgi, trivial_app, wire
import fastcors
from fastcors import CORSConfigError, CORSConfigWarning, CORSMiddleware, Rule
from fastcors._regex import to_rust

ACAO = b"access-control-allow-origin"
ACAH = b"access-control-allow-headers"


def acao(messages: list[dict[str, Any]]) -> Any:
    return dict(wire(messages)[1]).get(ACAO)


def quiet(*args: Any, **kwargs: Any) -> CORSMiddleware:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return CORSMiddleware(*args, **kwargs)


# ------------------------------------------------------------- signature


def test_positional_parameters_are_starlettes() -> None:
    import inspect

    from starlette.middleware.cors import CORSMiddleware as Ref

    ours = list(inspect.signature(CORSMiddleware.__init__).parameters.values())
    ref = list(inspect.signature(Ref.__init__).parameters.values())
    positional = [p for p in ours if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert [(p.name, p.default) for p in positional] == [(p.name, p.default) for p in ref]
    assert all(p.kind is p.KEYWORD_ONLY for p in ours[len(ref):])


def test_public_attributes_match_starlette() -> None:
    from starlette.middleware.cors import CORSMiddleware as Ref

    kwargs: dict[str, Any] = dict(
        allow_origins=["https://a.example"], allow_methods=["*"], allow_headers=["X-Token"],
        allow_credentials=True, allow_origin_regex=r"https://.*\.b\.example", expose_headers=["X-T"], max_age=30,
    )
    app = trivial_app()
    ours, ref = quiet(app, **kwargs), Ref(app, **kwargs)
    for name in ("allow_origins", "allow_methods", "allow_headers", "allow_all_origins", "allow_all_headers",
                 "allow_credentials", "preflight_explicit_allow_origin", "allow_private_network",
                 "simple_headers", "preflight_headers", "app"):
        assert getattr(ours, name) == getattr(ref, name), name
    assert ours.allow_origin_regex.pattern == ref.allow_origin_regex.pattern
    for origin in ("https://a.example", "https://x.b.example", "https://evil.example"):
        assert ours.is_allowed_origin(origin=origin) == ref.is_allowed_origin(origin=origin)


# ------------------------------------------------------------- validation


def test_lints_are_logged_not_warned_in_the_starlette_preset(caplog: pytest.LogCaptureFixture) -> None:
    # Starlette emits no warning for these: neither does the drop-in (a
    # project running its tests with warnings as errors must not break).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING, logger="fastcors"):
            CORSMiddleware(trivial_app(), allow_origin_regex="https://.*example.com")
            mw = CORSMiddleware(trivial_app(), allow_origins=["https://example.com/"])
    assert isinstance(mw, CORSMiddleware)
    lines = [r for r in caplog.records if r.name == "fastcors" and r.levelno == logging.WARNING]
    assert any("evilexample.com" in r.getMessage() for r in lines)
    assert any("allow_origins[0]" in r.getMessage() for r in lines)


def test_lints_are_warnings_when_asked_or_strict() -> None:
    with pytest.warns(CORSConfigWarning) as record:
        CORSMiddleware(trivial_app(), allow_origin_regex="https://.*example.com", warn=True)
    assert any("evilexample.com" in str(w.message) for w in record)
    assert all(w.filename == __file__ for w in record)  # reported at the caller's line
    with pytest.warns(CORSConfigWarning) as record:
        mw = CORSMiddleware(trivial_app(), allow_origins=["https://example.com/"], warn=True)
    assert any(w.message.field.startswith("allow_origins") for w in record)  # type: ignore[union-attr]
    assert isinstance(mw, CORSMiddleware)
    with pytest.warns(CORSConfigWarning, match="evilexample.com"):
        CORSMiddleware(trivial_app(), allow_origin_regex=r"https://.*example\.com", strict=True)
    with pytest.warns(CORSConfigWarning, match="evilexample.com"):
        CORSMiddleware.from_config(trivial_app(), {"allow_origin_regex": [r"https://.*example\.com"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSMiddleware(trivial_app(), allow_origin_regex=r"https://.*example\.com", strict=True, warn=False)


def test_errors_in_the_standard_preset_name_parameter_and_value() -> None:
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware(trivial_app(), allow_origins=["*"], allow_credentials=True, strict=True)
    assert isinstance(info.value, ValueError)
    assert info.value.errors and info.value.errors[0].field
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware(trivial_app(), allow_origins=["example.com"], strict=True)
    assert any("example.com" in e.value for e in info.value.errors)
    with pytest.raises(CORSConfigError):
        CORSMiddleware(trivial_app(), allow_origin_patterns=["https://*.com"])


@pytest.mark.parametrize(
    "kwargs,field",
    [
        (dict(allow_headers=["x-ok\r\nSet-Cookie: pwned=1"]), "allow_headers[0]"),
        (dict(allow_methods=["GET\r\nX: y"]), "allow_methods[0]"),
        (dict(expose_headers=["x-a\x00"]), "expose_headers[0]"),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_invalid_tokens_are_errors_in_every_preset(kwargs: dict[str, Any], field: str, strict: bool) -> None:
    # Before: a CORSConfigWarning in the starlette preset. A CR/LF can never
    # reach a response header, whatever the preset.
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware(trivial_app(), allow_origins=["https://a.example"], strict=strict, **kwargs)
    assert [(e.field, e.kind) for e in info.value.errors] == [(field, "InvalidToken")]


def test_error_kinds_reach_python() -> None:
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware.from_config(trivial_app(), {"allow_orgins": ["https://a.example"]})
    assert [(e.field, e.kind) for e in info.value.errors] == [("allow_orgins", "UnknownKey")]
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware(trivial_app(), allow_origins=["https://a.example/"], strict=True)
    assert [(e.field, e.kind) for e in info.value.errors] == [("allow_origins[0]", "InvalidOrigin")]


@pytest.mark.parametrize("max_age", [1.5, -1, True, "600"])
def test_max_age_is_validated_by_the_engine(max_age: Any) -> None:
    # Before: written as str(max_age), as Starlette does. Now the engine
    # refuses what is not a whole number of seconds.
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware(trivial_app(), max_age=max_age)
    assert [e.field for e in info.value.errors] == ["max_age"]


def test_invalid_python_regex_raises_like_starlette() -> None:
    with pytest.raises(re.error):
        CORSMiddleware(trivial_app(), allow_origin_regex="https://(")


def test_string_instead_of_list_warns() -> None:
    with pytest.warns(CORSConfigWarning, match="not a list"):
        mw = CORSMiddleware(trivial_app(), allow_origins="https://a.example", warn=True)
    assert acao(call(mw, "GET", [("origin", "https://a.example")])) == b"https://a.example"
    assert acao(call(mw, "GET", [("origin", "https://a.exampl")])) is None


# ------------------------------------------------------------- regex semantics


@pytest.mark.parametrize(
    "pattern,rust",
    [
        (r"https://[a-z0-9-]+\.example\.com", True),
        (r"https://(foo|bar)\.example\.org$", True),
        (r"https://pr-\d+\.example\.org", False),  # \d: Unicode tables differ
        (r"https://(?!evil)\w+\.test", False),  # look-ahead
        (r"(?i)https://A\.test", False),
        (r"https://(a)\1\.test", False),  # back-reference
        (r"https://a\.test$\n", False),
    ],
)
def test_regex_translation_keeps_python_meaning(pattern: str, rust: bool) -> None:
    assert (to_rust(pattern) is not None) == rust
    mw = quiet(trivial_app(), allow_origin_regex=pattern)
    compiled = re.compile(pattern)
    for origin in ["https://foo.example.org", "https://pr-12.example.org", "https://pr-x.example.org",
                   "https://good.test", "https://evil.test", "https://a.test", "https://aa.test",
                   "https://x.example.com", "https://A.test", "https://a.test"]:
        expected = origin if compiled.fullmatch(origin) and origin == origin.lower() and origin.isascii() else None
        got = acao(call(mw, "GET", [("origin", origin)]))
        assert (got.decode() if got else None) == expected, (pattern, origin)


# ------------------------------------------------------------- extras


def test_allow_origin_patterns() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origin_patterns=["https://*.example.com", "http://localhost:*"])
    assert acao(call(mw, "GET", [("origin", "https://a.b.example.com")])) == b"https://a.b.example.com"
    assert acao(call(mw, "GET", [("origin", "http://localhost:5173")])) == b"http://localhost:5173"
    assert acao(call(mw, "GET", [("origin", "https://evilexample.com")])) is None


def test_strict_preset_preflight() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"], allow_methods=["GET", "PUT"], strict=True)
    status, headers, body = wire(call(mw, "OPTIONS", [("origin", "https://a.example"),
                                                      ("access-control-request-method", "PUT")]))
    assert status == 204 and body == b""
    assert dict(headers)[ACAO] == b"https://a.example"
    assert mw.preset == "standard"


def test_block_disallowed() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"], strict=True, block_disallowed=True)
    status, headers, _ = wire(call(mw, "GET", [("origin", "https://evil.example")]))
    assert status == 403 and (b"vary", b"Origin") in headers


def test_rules() -> None:
    mw = CORSMiddleware(
        trivial_app(),
        allow_origins=["https://app.example"],
        allow_methods=["GET"],
        rules=[Rule(allow_origins=["https://admin.example"], allow_methods=["GET", "DELETE"], allow_credentials=True),
               {"allow_origin_patterns": ["https://*.partner.example"], "allow_methods": ["POST"]}],
    )
    pre = [("access-control-request-method", "DELETE")]
    assert wire(call(mw, "OPTIONS", [("origin", "https://admin.example"), *pre]))[0] == 200
    assert wire(call(mw, "OPTIONS", [("origin", "https://app.example"), *pre]))[0] == 400
    h = dict(wire(call(mw, "GET", [("origin", "https://admin.example")]))[1])
    assert h[b"access-control-allow-credentials"] == b"true"
    assert b"access-control-allow-credentials" not in dict(wire(call(mw, "GET", [("origin", "https://app.example")]))[1])
    assert acao(call(mw, "GET", [("origin", "https://x.partner.example")])) == b"https://x.partner.example"


def test_dynamic_origins() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"])
    assert acao(call(mw, "GET", [("origin", "https://b.example")])) is None
    mw.origins.add("https://b.example")
    assert acao(call(mw, "GET", [("origin", "https://b.example")])) == b"https://b.example"
    assert "https://b.example" in mw.origins and "https://b.example" in mw.allow_origins
    assert mw.origins.remove("https://a.example")
    assert acao(call(mw, "GET", [("origin", "https://a.example")])) is None
    mw.origins.replace(["https://c.example"])
    assert mw.origins.list() == ["https://c.example"]
    mw.origins.add_pattern("https://*.d.example")
    assert acao(call(mw, "GET", [("origin", "https://x.d.example")])) == b"https://x.d.example"
    with pytest.raises(CORSConfigError):
        mw.origins.add("not an origin")
    mw.allow_origins = ["https://e.example"]
    assert mw.is_allowed_origin("https://e.example") and not mw.is_allowed_origin("https://c.example")


@pytest.mark.parametrize("is_async", [False, True])
def test_origin_predicate(is_async: bool) -> None:
    calls: list[str] = []

    def check(origin: str) -> bool:
        calls.append(origin)
        return origin.endswith(".tenant.example")

    async def acheck(origin: str) -> bool:
        await asyncio.sleep(0)
        return check(origin)

    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"], origin_predicate=acheck if is_async else check)
    for _ in range(3):
        assert acao(call(mw, "GET", [("origin", "https://x.tenant.example")])) == b"https://x.tenant.example"
    assert acao(call(mw, "GET", [("origin", "https://evil.example")])) is None
    assert calls == ["https://x.tenant.example", "https://evil.example"]  # answers are cached
    pre = wire(call(mw, "OPTIONS", [("origin", "https://y.tenant.example"), ("access-control-request-method", "GET")]))
    assert pre[0] == 200
    assert acao(call(mw, "GET", [("origin", "https://a.example")])) == b"https://a.example"


def test_origin_predicate_failure_is_closed(caplog: pytest.LogCaptureFixture) -> None:
    def boom(origin: str) -> bool:
        raise RuntimeError("db down")

    mw = CORSMiddleware(trivial_app(), origin_predicate=boom)
    with caplog.at_level(logging.ERROR, logger="fastcors"):
        assert acao(call(mw, "GET", [("origin", "https://x.example")])) is None
    assert "db down" in caplog.text


def test_python_regex_with_predicate() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origin_regex=r"https://(?!evil)\w+\.test", origin_predicate=lambda o: o == "https://p.example")
    assert acao(call(mw, "GET", [("origin", "https://good.test")])) == b"https://good.test"
    assert acao(call(mw, "GET", [("origin", "https://evil.test")])) is None
    assert acao(call(mw, "GET", [("origin", "https://p.example")])) == b"https://p.example"


def test_async_predicate_raising_is_denied_http_and_websocket(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    async def boom(origin: str) -> bool:
        calls.append(origin)
        raise RuntimeError("db down")

    app, seen = _ws_app_log()
    mw = CORSMiddleware(app, origin_predicate=boom, check_websocket_origin=True)
    http = CORSMiddleware(trivial_app(), origin_predicate=boom)
    with caplog.at_level(logging.ERROR, logger="fastcors"):
        assert acao(call(http, "GET", [("origin", "https://x.example")])) is None
        pre = wire(call(http, "OPTIONS", [("origin", "https://x.example"), ("access-control-request-method", "GET")]))
        assert pre[0] == 400 and ACAO not in dict(pre[1])
        ws = asyncio.run(run_asgi(mw, make_scope("GET", [("origin", "https://x.example")], scope_type="websocket")))
    # The handshake from an origin that could not be judged is refused (fail closed).
    assert ws[0]["type"] == "websocket.close" and seen == []
    assert "db down" in caplog.text
    assert len(calls) == 3  # a failure is not cached: every request asks again


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_hanging_predicate_is_denied_within_the_timeout(backend: str) -> None:
    import anyio

    calls: list[str] = []

    async def hang(origin: str) -> bool:
        calls.append(origin)
        await anyio.sleep(30)
        return True

    app, seen = _ws_app_log()
    mw = CORSMiddleware(app, origin_predicate=hang, origin_check_timeout=0.2, check_websocket_origin=True)
    http = CORSMiddleware(trivial_app(), origin_predicate=hang, origin_check_timeout=0.2)

    async def both() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        got = await run_asgi(http, make_scope("GET", [("origin", "https://slow.example")]))
        ws = await run_asgi(mw, make_scope("GET", [("origin", "https://slow.example")], scope_type="websocket"))
        return got, ws

    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        got, ws = anyio.run(both, backend=backend)
    assert time.monotonic() - start < 5
    assert acao(got) is None
    assert ws[0]["type"] == "websocket.close" and seen == []
    assert calls == ["https://slow.example"] * 2


def test_origin_check_timeout_zero_means_no_limit() -> None:
    async def slow(origin: str) -> bool:
        await asyncio.sleep(0.05)
        return origin == "https://slow.example"

    mw = CORSMiddleware(trivial_app(), origin_predicate=slow, origin_check_timeout=0)
    assert acao(call(mw, "GET", [("origin", "https://slow.example")])) == b"https://slow.example"
    assert acao(call(mw, "GET", [("origin", "https://other.example")])) is None


def test_origin_check_timeout_is_validated_by_the_engine() -> None:
    with pytest.raises(CORSConfigError) as info:
        CORSMiddleware(trivial_app(), origin_predicate=lambda o: True, origin_check_timeout=-1)
    assert [(e.field, e.kind) for e in info.value.errors] == [("origin_check_timeout", "OutOfRange")]


@pytest.mark.parametrize("is_async", [False, True])
def test_origin_cache_ttl_zero_asks_every_time(is_async: bool) -> None:
    calls: list[str] = []

    def check(origin: str) -> bool:
        calls.append(origin)
        return origin.endswith(".tenant.example")

    async def acheck(origin: str) -> bool:
        await asyncio.sleep(0)
        return check(origin)

    mw = CORSMiddleware(trivial_app(), origin_predicate=acheck if is_async else check, origin_cache_ttl=0)
    for _ in range(3):
        assert acao(call(mw, "GET", [("origin", "https://x.tenant.example")])) == b"https://x.tenant.example"
        assert acao(call(mw, "GET", [("origin", "https://evil.example")])) is None
    pre = wire(call(mw, "OPTIONS", [("origin", "https://y.tenant.example"), ("access-control-request-method", "GET")]))
    assert pre[0] == 200 and dict(pre[1])[ACAO] == b"https://y.tenant.example"
    assert calls == ["https://x.tenant.example", "https://evil.example"] * 3 + ["https://y.tenant.example"]


def _ws_app_log() -> tuple[Any, list[str]]:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])
        await send({"type": "websocket.accept"})

    return app, seen


@pytest.mark.parametrize("extension", [True, False])
def test_check_websocket_origin(extension: bool) -> None:
    app, seen = _ws_app_log()
    mw = CORSMiddleware(app, allow_origins=["https://a.example"], check_websocket_origin=True)

    def run(origin: str) -> list[dict[str, Any]]:
        scope = make_scope("GET", [("origin", origin)], scope_type="websocket")
        if extension:
            scope["extensions"] = {"websocket.http.response": {}}
        return asyncio.run(run_asgi(mw, scope))

    assert run("https://a.example")[0]["type"] == "websocket.accept"
    denied = run("https://evil.example")
    if extension:
        assert denied[0]["type"] == "websocket.http.response.start" and denied[0]["status"] == 403
    else:
        assert denied[0]["type"] == "websocket.close"
    assert seen == ["websocket"]
    # Off by default: the drop-in passes WebSockets through, like Starlette.
    app2, seen2 = _ws_app_log()
    plain = CORSMiddleware(app2, allow_origins=["https://a.example"])
    asyncio.run(run_asgi(plain, make_scope("GET", [("origin", "https://evil.example")], scope_type="websocket")))
    assert seen2 == ["websocket"]


def test_websocket_denial_with_starlette_testclient() -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import WebSocketRoute
    from starlette.testclient import TestClient, WebSocketDenialResponse

    async def ws(websocket: Any) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws", ws)],
                    middleware=[Middleware(CORSMiddleware, allow_origins=["https://a.example"], check_websocket_origin=True)])
    client = TestClient(app)
    with client.websocket_connect("/ws", headers={"origin": "https://a.example"}) as s:
        assert s.receive_text() == "hi"
    with pytest.raises(WebSocketDenialResponse) as info:
        with client.websocket_connect("/ws", headers={"origin": "https://evil.example"}):
            pass  # pragma: no cover
    assert info.value.status_code == 403


def test_from_file_and_env(tmp_path: Path) -> None:
    toml = tmp_path / "cors.toml"
    toml.write_text('preset = "starlette"\nallow_origins = ["https://a.example"]\nallow_methods = ["GET", "PUT"]\n')
    mw = CORSMiddleware.from_file(trivial_app(), toml)
    assert acao(call(mw, "GET", [("origin", "https://a.example")])) == b"https://a.example"
    js = tmp_path / "cors.json"
    js.write_text('{"allow_origins": ["https://b.example"]}')
    mw = CORSMiddleware.from_file(trivial_app(), js)
    assert mw.preset == "standard"
    env = {"CORS_ALLOW_ORIGINS": "https://c.example, https://d.example", "CORS_PRESET": "starlette", "PATH": "/bin"}
    mw = CORSMiddleware.from_env(trivial_app(), env)
    assert acao(call(mw, "GET", [("origin", "https://d.example")])) == b"https://d.example"
    with pytest.raises(CORSConfigError, match="CORS_ALLOW_CREDENTIALS"):
        CORSMiddleware.from_env(trivial_app(), {"CORS_ALLOW_CREDENTIALS": "maybe"})
    bad = tmp_path / "bad.toml"
    bad.write_text('allow_origin = ["x"]\n')
    with pytest.raises(CORSConfigError):
        CORSMiddleware.from_file(trivial_app(), bad)


def test_explain() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"], allow_methods=["GET", "PUT"])
    e = mw.explain(origin="https://a.example", method="PUT", request_headers=["x-token"])
    assert e.kind == "preflight" and not e.allowed and e.status == 400
    assert any("header" in r for r in e.reasons)
    e = mw.explain(origin="https://a.example")
    assert e.kind == "actual" and e.allowed and ("Access-Control-Allow-Origin", "https://a.example") in e.headers
    e = mw.explain(origin="https://evil.example")
    assert not e.allowed and e.reasons


def test_rejections_are_logged_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"])
    with caplog.at_level(logging.DEBUG, logger="fastcors"):
        for i in range(50):
            call(mw, "GET", [("origin", f"https://evil{i}.example")])
    lines = [r for r in caplog.records if r.name == "fastcors" and r.levelno == logging.DEBUG]
    assert 1 <= len(lines) <= 10
    assert "evil0.example" in lines[0].getMessage()


def test_cors_on_errors() -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    mw = CORSMiddleware(failing, allow_origins=["https://a.example"], cors_on_errors=True)
    messages: list[dict[str, Any]] = []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request"}

        async def send(m: dict[str, Any]) -> None:
            messages.append(m)

        with pytest.raises(RuntimeError):
            await mw(make_scope("GET", [("origin", "https://a.example")]), receive, send)

    asyncio.run(run())
    status, headers, body = wire(messages)
    assert status == 500 and body == b"Internal Server Error"
    assert (ACAO, b"https://a.example") in headers


# ------------------------------------------------------------- robustness


def test_panic_becomes_exception() -> None:
    with pytest.raises(fastcors.CORSInternalError, match="panicked"):
        fastcors._native._panic_for_tests()
    assert issubclass(fastcors.CORSInternalError, RuntimeError)


def test_hostile_input_gets_a_decision() -> None:
    # Huge, many and malformed fields, and duplicate origins: the shared set,
    # test_hostile.py. Here: ASGI header lists of the wrong shape.
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://a.example"], allow_headers=["x-a"])
    odd = make_scope("GET", [])
    odd["headers"] = [(b"origin", "not-bytes"), ("origin", b"x"), (b"origin",), 42]
    wire(asyncio.run(run_asgi(mw, odd)))
    tup = make_scope("GET", [("origin", "https://a.example")])
    tup["headers"] = tuple(tup["headers"])
    assert acao(asyncio.run(run_asgi(mw, tup))) == b"https://a.example"


def test_response_header_list_is_not_mutated() -> None:
    shared = [(b"vary", b"Accept")]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": shared})
        await send({"type": "http.response.body", "body": b""})

    mw = CORSMiddleware(app, allow_origins=["https://a.example"])
    for _ in range(3):
        _, headers, _ = wire(call(mw, "GET", [("origin", "https://a.example")]))
        assert headers == [(b"vary", b"Accept, Origin"), (ACAO, b"https://a.example")]
    assert shared == [(b"vary", b"Accept")]


def test_runtime_updates_from_threads_while_serving() -> None:
    mw = CORSMiddleware(trivial_app(), allow_origins=["https://stable.example"])
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            i = 0
            while not stop.is_set():
                o = f"https://t{k}-{i % 50}.example"
                mw.origins.add(o)
                if i % 3 == 0:
                    mw.origins.remove(o)
                if i % 97 == 0:
                    mw.origins.replace(["https://stable.example", *[f"https://r{k}-{j}.example" for j in range(100)]])
                i += 1
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()

    async def serve() -> int:
        n = 0
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            msgs = await run_asgi(mw, make_scope("GET", [("origin", "https://stable.example")]))
            assert dict(wire(msgs)[1])[ACAO] == b"https://stable.example"
            await run_asgi(mw, make_scope("GET", [("origin", "https://t1-3.example")]))
            n += 1
        return n

    try:
        served = asyncio.run(serve())
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert not errors and served > 100


def test_reflected_values_are_the_requests_own_bytes() -> None:
    # Every Access-Control-Request-Headers field is kept (the core's limit is
    # MAX_REQUEST_HEADER_FIELDS, not a fixed handful), and values taken from
    # the request are written back as the request's own bytes objects.
    from fastcors import _native

    assert _native.MAX_REQUEST_HEADER_FIELDS >= 100
    mw = CORSMiddleware.from_config(
        trivial_app(), {"allow_origins": ["https://a.example"], "allow_methods": ["PUT"], "allow_headers": ["*"]}
    )
    fields = [("origin", "https://a.example"), ("access-control-request-method", "PUT")]
    fields += [("access-control-request-headers", f"x-h{i}") for i in range(20)]
    scope = make_scope("OPTIONS", fields)
    start = asyncio.run(run_asgi(mw, scope))[0]
    assert start["status"] == 204
    mirrored = [v for k, v in start["headers"] if k == ACAH]
    assert mirrored == [f"x-h{i}".encode() for i in range(20)]
    request_values = {id(v) for _, v in scope["headers"]}
    reflected = [v for k, v in start["headers"] if k in (ACAH, ACAO)]
    assert reflected and all(id(v) in request_values for v in reflected)
