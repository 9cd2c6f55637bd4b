"""Differential test: the same configurations and requests through Starlette
1.10.0's CORSMiddleware and fastcors, compared on status, body and the raw
header list (names, values and order)."""

from __future__ import annotations

import asyncio
import itertools
import random
import warnings
from typing import Any

import pytest

from conftest import make_scope, run_asgi, trivial_app, wire

starlette_cors = pytest.importorskip("starlette.middleware.cors")
import fastcors  # noqa: E402

ORIGINS_CHOICES: list[list[str]] = [
    ["*"],
    [],
    ["https://example.org"],
    ["https://example.org", "https://b.example.com", "http://localhost:8000", "null"],
    ["http://127.0.0.1:3000", "https://[::1]:8443"],
]
METHODS_CHOICES: list[list[str]] = [["GET"], ["*"], ["GET", "POST", "PUT"], ["delete", "GET"]]
HEADERS_CHOICES: list[list[str]] = [[], ["*"], ["X-Token", "content-type"], ["x-a", "X-B", "Authorization"]]
REGEX_CHOICES: list[Any] = [
    None,
    r"https://.*\.example\.com",
    r"https://pr-\d+\.example\.org",
    r"https://(a|b)\.x\.io",
    r"https://.*",
    r"https://(?!evil)[a-z]+\.test",  # look-ahead: runs on Python's re
]
EXPOSE_CHOICES: list[list[str]] = [[], ["X-Total", "X-Count"]]
MAX_AGE_CHOICES: list[Any] = [600, 0, 86400]

# Well-formed request origins (browsers only ever send these).
REQUEST_ORIGINS = [
    "https://example.org",
    "https://b.example.com",
    "https://sub.example.com",
    "https://deep.sub.example.com",
    "https://evilexample.com",
    "https://example.org.evil.com",
    "http://example.org",
    "http://localhost:8000",
    "http://localhost:8001",
    "https://pr-12.example.org",
    "https://pr-x.example.org",
    "https://a.x.io",
    "https://c.x.io",
    "https://good.test",
    "https://evil.test",
    "http://127.0.0.1:3000",
    "https://[::1]:8443",
    "null",
]

APP_HEADERS: list[list[tuple[bytes, bytes]]] = [
    [],
    [(b"content-type", b"text/plain"), (b"vary", b"Accept-Encoding")],
    [(b"vary", b"Cookie"), (b"x-a", b"1"), (b"vary", b"Accept-Language")],
    [(b"access-control-allow-origin", b"https://app.set"), (b"Vary", b"Upper")],
]


def requests() -> list[tuple[str, list[tuple[str, str]]]]:
    out: list[tuple[str, list[tuple[str, str]]]] = [("GET", []), ("OPTIONS", []), ("POST", [("x-other", "1")])]
    for origin in REQUEST_ORIGINS:
        out.append(("GET", [("origin", origin)]))
        out.append(("OPTIONS", [("origin", origin)]))  # no Access-Control-Request-Method: not a preflight
        for method, hdrs in [
            ("GET", None),
            ("PUT", None),
            ("DELETE", "x-token"),
            ("POST", "X-Token, Content-Type"),
            ("GET", "authorization"),
            ("GET", "x-a,x-b"),
            ("QUERY", " accept , x-unknown"),
        ]:
            h = [("origin", origin), ("access-control-request-method", method)]
            if hdrs is not None:
                h.append(("access-control-request-headers", hdrs))
            out.append(("OPTIONS", h))
        out.append(
            (
                "OPTIONS",
                [("origin", origin), ("access-control-request-method", "GET"), ("access-control-request-private-network", "true")],
            )
        )
    return out


def configs(n: int, seed: int = 1234) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    every = list(
        itertools.product(
            ORIGINS_CHOICES,
            METHODS_CHOICES,
            HEADERS_CHOICES,
            [False, True],
            REGEX_CHOICES,
            [False, True],
            EXPOSE_CHOICES,
            MAX_AGE_CHOICES,
        )
    )
    picked = rng.sample(every, n)
    keys = (
        "allow_origins",
        "allow_methods",
        "allow_headers",
        "allow_credentials",
        "allow_origin_regex",
        "allow_private_network",
        "expose_headers",
        "max_age",
    )
    return [dict(zip(keys, p)) for p in picked]


async def compare(cfg: dict[str, Any], reqs: list[tuple[str, list[tuple[str, str]]]]) -> list[str]:
    failures: list[str] = []
    for i, app_headers in enumerate(APP_HEADERS):
        app = trivial_app(app_headers)
        ref = starlette_cors.CORSMiddleware(app, **cfg)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fastcors.CORSConfigWarning)
            ours = fastcors.CORSMiddleware(app, **cfg)
        for method, headers in reqs if i == 0 else reqs[:60]:
            expected = wire(await run_asgi(ref, make_scope(method, headers)))
            got = wire(await run_asgi(ours, make_scope(method, headers)))
            if expected != got:
                failures.append(f"{cfg} app={app_headers} {method} {headers}:\n  starlette={expected}\n  fastcors ={got}")
    return failures


def test_differential_many_configurations() -> None:
    reqs = requests()
    cfgs = configs(120)

    async def main() -> list[str]:
        out: list[str] = []
        for cfg in cfgs:
            out.extend(await compare(cfg, reqs))
        return out

    failures = asyncio.run(main())
    assert not failures, f"{len(failures)} differences; first:\n" + "\n".join(failures[:5])


@pytest.mark.parametrize("cfg", configs(6, seed=99))
def test_differential_duplicate_and_odd_request_headers(cfg: dict[str, Any]) -> None:
    """Several Origin / Access-Control-Request-* fields, uppercase names (which
    ASGI servers never send and Starlette ignores), and tuple header lists."""
    cases = [
        ("GET", [("origin", "https://example.org"), ("origin", "https://evil.com")]),
        ("GET", [("Origin", "https://example.org")]),
        ("OPTIONS", [("origin", "https://example.org"), ("access-control-request-method", "GET"),
                     ("access-control-request-method", "PUT")]),
        ("OPTIONS", [("origin", "https://example.org"), ("access-control-request-method", "GET"),
                     ("access-control-request-headers", "x-token"), ("access-control-request-headers", "x-evil")]),
        ("OPTIONS", [("origin", "https://example.org"), ("Access-Control-Request-Method", "GET")]),
    ]

    async def main() -> list[str]:
        return await compare(cfg, cases)

    failures = asyncio.run(main())
    assert not failures, "\n".join(failures[:5])
