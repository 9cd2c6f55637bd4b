"""The attacker-origin corpus (``crates/cors-core/tests/attacker.json``,
shared with the Rust crates) through the ASGI layer.

For each entry (exact ``https://example.com``, pattern
``https://*.example.com``, regex ``https://([a-z0-9-]+\\.)*example\\.com``,
and the three combined), in the starlette preset and with ``strict=True``,
with and without credentials: no origin an attacker can send gets
``Access-Control-Allow-Origin``, on simple requests and on preflights. In
strict mode it gets no ``Access-Control-Allow-Credentials`` either; the
starlette preset sends that header to every origin when credentials are on
(Starlette's own behaviour, kept on purpose), so there the check is on the
origin header alone. The legitimate origins are checked to be allowed, so the
test fails if matching breaks altogether.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import fastcors
from conftest import call, trivial_app, wire
from fastcors import CORSConfigWarning, CORSMiddleware
from testdata import attackers_of, load

ACAO = b"access-control-allow-origin"
ACAC = b"access-control-allow-credentials"

CORPUS = load("attacker.json")
ENTRIES = {e["name"]: e for e in CORPUS["entries"]}
LINT = list(fastcors._native.attacker_origins(CORPUS["lint_domain"]))


def build(entry: dict[str, Any], strict: bool, credentials: bool) -> CORSMiddleware:
    regexes = entry.get("allow_origin_regex", [])
    assert len(regexes) <= 1, entry["name"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return CORSMiddleware(
            trivial_app(),
            allow_origins=entry.get("allow_origins", []),
            allow_methods=["GET", "PUT"],
            allow_headers=["content-type"],
            allow_credentials=credentials,
            allow_origin_regex=regexes[0] if regexes else None,
            allow_origin_patterns=entry.get("allow_origin_patterns", []),
            strict=strict,
        )


def responses(mw: CORSMiddleware, origin: bytes) -> list[dict[bytes, bytes]]:
    simple = wire(call(mw, "GET", [(b"origin", origin)]))[1]
    preflight = wire(
        call(mw, "OPTIONS", [(b"origin", origin), ("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")])
    )[1]
    return [dict(simple), dict(preflight)]


def test_the_corpus_is_the_shared_one() -> None:
    assert sorted(ENTRIES) == ["combined", "exact", "pattern", "regex"]
    assert len(CORPUS["special"]) == 23
    assert len(LINT) >= 10
    for entry in CORPUS["entries"]:
        assert len(attackers_of(CORPUS, entry, LINT)) > 100, entry["name"]


@pytest.mark.parametrize("kind", sorted(ENTRIES))
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("credentials", [False, True])
def test_no_attacker_origin_is_allowed(kind: str, strict: bool, credentials: bool) -> None:
    entry = ENTRIES[kind]
    mw = build(entry, strict, credentials)
    for origin in attackers_of(CORPUS, entry, LINT):
        for headers in responses(mw, origin):
            assert ACAO not in headers, (kind, strict, credentials, origin, headers)
            if strict:
                assert ACAC not in headers, (kind, credentials, origin, headers)
    for legit in entry["legitimate"]:
        for headers in responses(mw, legit.encode()):
            assert headers.get(ACAO) == legit.encode(), (kind, strict, legit, headers)
            if credentials:
                assert headers.get(ACAC) == b"true"
