"""Generate the starlette-preset conformance vectors from Starlette itself.

The expected responses are produced by running Starlette 1.10.0's own
CORSMiddleware (the reference) on each configuration and request, so the
vectors cannot drift towards what fastcors-core happens to do.

    pip install starlette==1.10.0
    python crates/cors-core/tests/gen_starlette_vectors.py > crates/cors-core/tests/vectors_starlette.json

Malformed origins are left out on purpose: there fastcors deliberately
differs (it never reflects a value that is not a serialized origin).
"""

from __future__ import annotations

import asyncio
import json
import sys

import starlette
from starlette.middleware.cors import CORSMiddleware

assert starlette.__version__ == "1.10.0", starlette.__version__

CONFIGS = [
    {"allow_origins": ["https://example.org"]},
    {"allow_origins": ["*"]},
    {"allow_origins": ["*"], "allow_credentials": True},
    {
        "allow_origins": ["*"],
        "allow_headers": ["*"],
        "allow_methods": ["*"],
        "expose_headers": ["X-Status"],
        "allow_credentials": True,
    },
    {
        "allow_origins": ["https://example.org", "https://another.org"],
        "allow_headers": ["X-Example", "Content-Type"],
        "allow_methods": ["GET", "PUT"],
        "allow_credentials": True,
        "max_age": 100,
    },
    {"allow_origins": ["https://example.org"], "allow_origin_regex": r"https://.*\.example\.org"},
    {"allow_origins": ["https://example.org"], "allow_private_network": True, "allow_methods": ["*"]},
    {"allow_origins": ["*"], "allow_headers": ["x-token", "Authorization"], "expose_headers": ["X-A", "X-B"]},
    {"allow_origins": ["null", "https://example.org"], "allow_methods": ["GET", "POST", "DELETE"]},
    {"allow_origins": ["https://example.org"], "allow_headers": ["*"], "allow_credentials": True},
    {"allow_origin_regex": "https://.*", "allow_credentials": True, "allow_headers": ["x-example"]},
]

ORIGINS = ["https://example.org", "https://sub.example.org", "https://evil.org", "null", "http://example.org"]

REQUESTS: list[tuple[str, list[tuple[str, str]]]] = [("GET", [])]
for o in ORIGINS:
    REQUESTS.append(("GET", [("origin", o)]))
REQUESTS += [
    ("POST", [("origin", "https://example.org"), ("cookie", "a=b")]),
    ("OPTIONS", [("origin", "https://example.org")]),
    ("OPTIONS", [("access-control-request-method", "GET")]),
]
for o in ORIGINS[:4]:
    REQUESTS.append(("OPTIONS", [("origin", o), ("access-control-request-method", "GET")]))
REQUESTS += [
    ("OPTIONS", [("origin", "https://example.org"), ("access-control-request-method", "PUT")]),
    ("OPTIONS", [("origin", "https://example.org"), ("access-control-request-method", "CUSTOM")]),
    ("OPTIONS", [("origin", "https://example.org"), ("access-control-request-method", "get")]),
    (
        "OPTIONS",
        [
            ("origin", "https://example.org"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "X-Example, Content-Type"),
        ],
    ),
    (
        "OPTIONS",
        [
            ("origin", "https://example.org"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "authorization"),
        ],
    ),
    (
        "OPTIONS",
        [
            ("origin", "https://example.org"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "x-other"),
        ],
    ),
    (
        "OPTIONS",
        [
            ("origin", "https://example.org"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", ""),
        ],
    ),
    (
        "OPTIONS",
        [
            ("origin", "https://evil.org"),
            ("access-control-request-method", "DELETE"),
            ("access-control-request-headers", "x-other"),
            ("access-control-request-private-network", "true"),
        ],
    ),
    (
        "OPTIONS",
        [
            ("origin", "https://example.org"),
            ("access-control-request-method", "GET"),
            ("access-control-request-private-network", "true"),
        ],
    ),
]


async def trivial_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def run(config: dict, method: str, headers: list[tuple[str, str]]) -> dict:
    mw = CORSMiddleware(trivial_app, **config)
    scope = {
        "type": "http",
        "method": method,
        "path": "/",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(msg):
        sent.append(msg)

    await mw(scope, receive, send)
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    cors = [
        [k.decode("latin-1"), v.decode("latin-1")]
        for k, v in start["headers"]
        if k.startswith(b"access-control-") or k == b"vary"
    ]
    is_preflight = body != b"ok"
    return {
        "kind": "preflight" if is_preflight else "actual",
        "status": start["status"] if is_preflight else None,
        "body": body.decode() if is_preflight else None,
        "headers": cors,
    }


def to_config(c: dict) -> dict:
    out = {"preset": "starlette"}
    out.update(c)
    return out


async def main() -> None:
    vectors = []
    for ci, c in enumerate(CONFIGS):
        for method, headers in REQUESTS:
            expect = await run(c, method, headers)
            name = f"starlette/config{ci}/{method} " + " ".join(f"{k}={v!r}" for k, v in headers)
            vectors.append(
                {
                    "name": name,
                    "config": to_config(c),
                    "request": {"method": method, "headers": [list(h) for h in headers]},
                    "expect": expect,
                }
            )
    json.dump({"source": "Starlette 1.10.0 CORSMiddleware", "vectors": vectors}, sys.stdout, indent=1)
    sys.stdout.write("\n")


asyncio.run(main())
