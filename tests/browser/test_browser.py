"""Real-browser end-to-end tests (issue 5): headless Chromium decides whether
a page may read what each backend answers.

Every test runs once per backend (see ``conftest.run``): FastAPI + fastcors
with the Starlette preset (the drop-in default) and with ``strict=True``
(the standard preset), and the axum, actix-web and warp example servers
(standard preset, configs/*.toml). Page origins, all on loopback:

* ``http://app.test:<port>``      listed in ``allow_origins``            (role ``allowed``)
* ``http://evil.test:<port>``     not allowed                           (role ``evil``)
* ``http://a.b.app.test:<port>``  matched by ``http://*.app.test:*``      (role ``deep``)
* ``http://evilapp.test:<port>``  a look-alike, matched by nothing        (role ``lookalike``)

Two API servers per backend: ``main`` (explicit header list including
``authorization``, credentials, ``x-total`` exposed, CORS headers on 500s)
and ``alt`` (``allow_headers=["*"]``, nothing exposed, no credentials, and
for FastAPI no ``cors_on_errors``).

A fetch the browser refuses rejects with ``TypeError: Failed to fetch``
(outcome ``blocked``); the harness adds Chromium's console message as
``reason``, and the tests require one, so a refused connection can never
pass for a CORS block.

``Authorization`` with ``allow_headers=["*"]``: the Fetch standard says a
``*`` in ``Access-Control-Allow-Headers`` never covers ``Authorization``, and
the standard preset refuses such a preflight (403). The Starlette preset does
what Starlette does: it mirrors the requested header names into
``Access-Control-Allow-Headers``, so the browser sees ``authorization``
listed by name and lets the request through. Both are asserted below.
"""

from __future__ import annotations

import json
from typing import Any

from harness import BrowserRun


def _ok(run: BrowserRun, role: str, scenario: str, status: int = 200) -> dict[str, Any]:
    """Asserts the response reached the script with ``status``; returns the outcome."""
    outcome = run.outcome(role, scenario)
    assert outcome["outcome"] == "ok", f"{run.backend.name} {role}/{scenario}: expected readable, got {outcome}"
    assert outcome["status"] == status, f"{run.backend.name} {role}/{scenario}: {outcome}"
    return outcome


def _blocked(run: BrowserRun, role: str, scenario: str) -> dict[str, Any]:
    """Asserts Chromium refused the fetch *because of CORS*; returns the outcome."""
    outcome = run.outcome(role, scenario)
    assert outcome["outcome"] == "blocked", f"{run.backend.name} {role}/{scenario}: expected blocked, got {outcome}"
    assert outcome.get("reason"), (
        f"{run.backend.name} {role}/{scenario}: the fetch failed without a CORS message in Chromium's "
        f"console (a network error?): {outcome}"
    )
    return outcome


def _items(outcome: dict[str, Any]) -> list[Any]:
    return list(json.loads(outcome["body"])["items"])


# ------------------------------------------------------------- simple / allowed


def test_simple_get_allowed(run: BrowserRun) -> None:
    outcome = _ok(run, "allowed", "simple_get")
    assert isinstance(_items(outcome), list)


def test_credentialed_request_allowed(run: BrowserRun) -> None:
    # credentials: "include" needs the exact origin and Allow-Credentials:
    # true; a "*" would make Chromium refuse the response.
    _ok(run, "allowed", "credentialed_get")
    headers = run.controls["main"]["headers"]
    assert headers.get("access-control-allow-origin") == f"http://app.test:{run.page_port}"
    assert headers.get("access-control-allow-credentials") == "true"


def test_preflighted_put_with_custom_header_allowed(run: BrowserRun) -> None:
    outcome = _ok(run, "allowed", "preflighted_put")
    assert {"from": f"http://app.test:{run.page_port}"} in _items(outcome)


# ---------------------------------------------------------------- refusals


def test_disallowed_header_blocked(run: BrowserRun) -> None:
    _blocked(run, "allowed", "disallowed_header")


def test_disallowed_method_blocked(run: BrowserRun) -> None:
    _blocked(run, "allowed", "disallowed_method")


def test_disallowed_origin_blocked(run: BrowserRun) -> None:
    for scenario in ("simple_get", "credentialed_get", "preflighted_put"):
        _blocked(run, "evil", scenario)


# ---------------------------------------------------------- Authorization


def test_authorization_listed_explicitly_allowed(run: BrowserRun) -> None:
    _ok(run, "allowed", "authorization_listed")


def test_authorization_with_wildcard_headers(run: BrowserRun) -> None:
    # See the module docstring: the presets differ on purpose.
    preflight = run.controls["alt_authorization_preflight"]
    if run.backend.preset == "starlette":
        _ok(run, "allowed", "authorization_star")
        assert preflight["status"] == 200, preflight
        assert "authorization" in preflight["headers"]["access-control-allow-headers"].lower(), preflight
    else:
        _blocked(run, "allowed", "authorization_star")
        assert preflight["status"] == 403, preflight


def test_wildcard_headers_cover_custom_header(run: BrowserRun) -> None:
    _ok(run, "allowed", "custom_header_star")


# --------------------------------------------------------- exposed headers


def test_exposed_header_readable(run: BrowserRun) -> None:
    outcome = _ok(run, "allowed", "simple_get")
    assert "x-total" in outcome["headers"], outcome


def test_unexposed_header_not_readable(run: BrowserRun) -> None:
    # The alt server sends x-total but does not expose it.
    assert "x-total" in run.controls["alt"]["headers"], run.controls["alt"]
    outcome = _ok(run, "allowed", "unexposed_header")
    assert "x-total" not in outcome["headers"], outcome


# ------------------------------------------------------- wildcard patterns


def test_wildcard_pattern_allows_deep_subdomain(run: BrowserRun) -> None:
    for scenario in ("simple_get", "credentialed_get", "preflighted_put"):
        _ok(run, "deep", scenario)


def test_wildcard_pattern_refuses_lookalike_domain(run: BrowserRun) -> None:
    for scenario in ("simple_get", "preflighted_put"):
        _blocked(run, "lookalike", scenario)


# -------------------------------------------------------------- WebSocket


def test_websocket_from_allowed_origins(run: BrowserRun) -> None:
    for role in ("allowed", "deep"):
        outcome = run.outcome(role, "websocket")
        assert outcome == {"outcome": "ok", "echoed": True}, f"{run.backend.name} {role}: {outcome}"
        assert run.websocket_controls[role] == 101


def test_websocket_from_disallowed_origins_refused(run: BrowserRun) -> None:
    for role in ("evil", "lookalike"):
        outcome = run.outcome(role, "websocket")
        assert outcome["outcome"] == "refused", f"{run.backend.name} {role}: {outcome}"
        # Refused before the upgrade, with 403 (Chromium only says "failed").
        assert run.websocket_controls[role] == 403, run.websocket_controls


# --------------------------------------------------------- error responses


def test_error_response_readable_by_allowed_origin(run: BrowserRun) -> None:
    outcome = _ok(run, "allowed", "error_500", status=500)
    assert outcome["body"], outcome


def test_error_response_without_cors_on_errors(run: BrowserRun) -> None:
    """FastAPI without ``cors_on_errors``: Starlette's ServerErrorMiddleware
    answers the exception outside CORS, so the page cannot read the 500 (why
    the option exists). The Rust adapters wrap the handler's error response
    and need no option."""
    if run.backend.is_rust:
        _ok(run, "allowed", "error_500_alt", status=500)
    else:
        _blocked(run, "allowed", "error_500_alt")


# ------------------------------------------------- Private Network Access


def test_no_private_network_preflights(run: BrowserRun) -> None:
    """Page and API are both loopback, so Chromium's Private/Local Network
    Access adds no preflight of its own (and none could be answered: no
    policy allows private network access)."""
    assert not run.console("Private Network"), run.console("Private Network")
    assert not run.console("local network"), run.console("local network")
    if not run.backend.is_rust:
        # The FastAPI app logs what Chromium sent; make sure it saw the preflights.
        preflights = [e for e in run.request_log["main"] if e["method"] == "OPTIONS"]
        assert preflights, run.request_log
    for policy, entries in run.request_log.items():
        pna = [e for e in entries if any(h.startswith("access-control-request-private-network")
                                         or h.startswith("access-control-request-local-network")
                                         for h in e["headers"])]
        assert not pna, f"{policy}: {pna}"
