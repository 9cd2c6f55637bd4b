"""The attacker-origin corpus through the ASGI layer.

For configurations allowing ``https://example.com`` (exact),
``https://*.example.com`` (pattern) and ``https://([a-z0-9-]+\\.)*example\\.com``
(regex), in the starlette preset and with ``strict=True``, with and without
credentials: no origin an attacker can send gets
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

from conftest import call, trivial_app, wire
from fastcors import CORSConfigWarning, CORSMiddleware

ACAO = b"access-control-allow-origin"
ACAC = b"access-control-allow-credentials"

# PortSwigger's special characters after the domain (``https://example.com<c>.evil.com``);
# %60 and %0b as the literal text and as the byte they stand for.
SPECIAL = ["_", "-", '"', "{", "}", "+", "^", "%60", "`", "!", "~", ";", "|", "&", "'", "(", ")", "*", ",", "$", "=", "%0b", "\x0b"]

ATTACKERS = [
    "https://evil.com",
    "https://example.com.evil.com",
    "https://evilexample.com",
    "https://xample.com",
    "https://exampleacom",
    "https://wwwaexample.com",
    "https://a.exampleacom",
    "null",
    "http://example.com",
    "http://a.example.com",
    "https://whatever.github.io",
    "https://codepen.io",
    "https://EXAMPLE.COM",
    "https://Example.com",
    "https://A.EXAMPLE.COM",
    "https://example.com/",
    "https://a.example.com/",
    "https://example.com:443",
    "https://a.example.com:443",
    "https://example.com.",
    "https://example.com:8443",
    "https://user@example.com",
    "https://example.com, https://evil.com",
    " https://example.com",
    "https://example.com\\.evil.com",
    "https://example.com#.evil.com",
    "https://example.com?.evil.com",
    "https://\xe9xample.com",
] + [f"https://example.com{c}.evil.com" for c in SPECIAL] + [f"https://a.example.com{c}.evil.com" for c in SPECIAL]

CONFIGS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "exact": ({"allow_origins": ["https://example.com"]}, ["https://example.com"]),
    "pattern": (
        {"allow_origin_patterns": ["https://*.example.com"]},
        ["https://a.example.com", "https://deep.sub.example.com"],
    ),
    "regex": (
        {"allow_origin_regex": r"https://([a-z0-9-]+\.)*example\.com"},
        ["https://example.com", "https://a.example.com", "https://deep.sub.example.com"],
    ),
}


def build(kind: str, strict: bool, credentials: bool) -> CORSMiddleware:
    config, _ = CONFIGS[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return CORSMiddleware(
            trivial_app(),
            allow_methods=["GET", "PUT"],
            allow_headers=["content-type"],
            allow_credentials=credentials,
            strict=strict,
            **config,
        )


def responses(mw: CORSMiddleware, origin: str) -> list[dict[bytes, bytes]]:
    simple = wire(call(mw, "GET", [("origin", origin)]))[1]
    preflight = wire(
        call(mw, "OPTIONS", [("origin", origin), ("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")])
    )[1]
    return [dict(simple), dict(preflight)]


@pytest.mark.parametrize("kind", sorted(CONFIGS))
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("credentials", [False, True])
def test_no_attacker_origin_is_allowed(kind: str, strict: bool, credentials: bool) -> None:
    mw = build(kind, strict, credentials)
    for origin in ATTACKERS:
        for headers in responses(mw, origin):
            assert ACAO not in headers, (kind, strict, credentials, origin, headers)
            if strict:
                assert ACAC not in headers, (kind, credentials, origin, headers)
    for origin in CONFIGS[kind][1]:
        for headers in responses(mw, origin):
            assert headers.get(ACAO) == origin.encode(), (kind, strict, origin, headers)
            if credentials:
                assert headers.get(ACAC) == b"true"
