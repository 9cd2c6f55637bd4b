"""Standard-preset conformance vectors, written by hand from the Fetch standard.

Each expectation below is stated explicitly; nothing is produced by running
fastcors-core. `build_vectors.py` merges these with the Starlette-generated ones
into vectors.json.
"""

from __future__ import annotations

V3 = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
V4 = V3 + ", Access-Control-Request-Private-Network"

vectors: list[dict] = []


def req(method: str, *headers: tuple[str, str]) -> dict:
    return {"method": method, "headers": [list(h) for h in headers]}


def O(origin: str) -> tuple[str, str]:
    return ("origin", origin)


def M(m: str) -> tuple[str, str]:
    return ("access-control-request-method", m)


def H(h: str) -> tuple[str, str]:
    return ("access-control-request-headers", h)


def actual(*headers: tuple[str, str]) -> dict:
    return {"kind": "actual", "status": None, "body": None, "headers": [list(h) for h in headers]}


def preflight(status: int, *headers: tuple[str, str]) -> dict:
    return {"kind": "preflight", "status": status, "body": "", "headers": [list(h) for h in headers]}


def refused_preflight(vary: str = V3) -> dict:
    return preflight(403, ("vary", vary))


def reject() -> dict:
    return {"kind": "reject", "status": 403, "body": "", "headers": [["vary", "Origin"]]}


def config_error(field: str) -> dict:
    return {"kind": "config-error", "field": field}


VARY = ("vary", "Origin")


def add(name: str, config: dict, request: dict, expect: dict) -> None:
    vectors.append({"name": "standard/" + name, "config": config, "request": request, "expect": expect})


def acao(o: str) -> tuple[str, str]:
    return ("access-control-allow-origin", o)


ACAC = ("access-control-allow-credentials", "true")

# --- An explicit list with methods, headers, expose headers -----------------
S1 = {
    "allow_origins": ["https://example.com"],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["content-type", "x-token"],
    "expose_headers": ["x-total"],
    "max_age": 300,
}
ACEH = ("access-control-expose-headers", "x-total")
OK1 = [
    acao("https://example.com"),
    ("access-control-allow-methods", "GET, PUT"),
    ("access-control-allow-headers", "content-type, x-token"),
    ("access-control-max-age", "300"),
    ("vary", V3),
]
add("s1/no origin", S1, req("GET"), actual(VARY))
add("s1/allowed", S1, req("GET", O("https://example.com")), actual(acao("https://example.com"), ACEH, VARY))
add("s1/allowed POST", S1, req("POST", O("https://example.com")), actual(acao("https://example.com"), ACEH, VARY))
for bad in [
    "https://evil.com",
    "null",
    "https://example.com/",
    "https://EXAMPLE.com",
    "https://example.com:443",
    "http://example.com",
    "https://example.com.evil.com",
    "https://evilexample.com",
    "https://xample.com",
    "https://example.com%60.evil.com",
    "https://example.com\x0b",
    " https://example.com",
    "https://example.com, https://evil.com",
    "",
]:
    add(f"s1/refused {bad!r}", S1, req("GET", O(bad)), actual(VARY))
add("s1/two Origin fields", S1, req("GET", O("https://example.com"), O("https://example.com")), actual(VARY))
add("s1/preflight PUT", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H("content-type")), preflight(204, *OK1))
add("s1/preflight GET no headers", S1, req("OPTIONS", O("https://example.com"), M("GET")), preflight(204, *OK1))
add("s1/preflight safelisted POST unlisted", S1, req("OPTIONS", O("https://example.com"), M("POST")), preflight(204, *OK1))
add("s1/preflight DELETE", S1, req("OPTIONS", O("https://example.com"), M("DELETE")), refused_preflight())
add("s1/preflight lowercase put", S1, req("OPTIONS", O("https://example.com"), M("put")), refused_preflight())
add("s1/preflight bad method token", S1, req("OPTIONS", O("https://example.com"), M("P UT")), refused_preflight())
add("s1/preflight header case", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H("Content-Type,X-Token")), preflight(204, *OK1))
add("s1/preflight empty items", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H(" ,,content-type,, ")), preflight(204, *OK1))
add("s1/preflight empty value", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H("")), preflight(204, *OK1))
add("s1/preflight two ACRH fields", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H("content-type"), H("x-token")), preflight(204, *OK1))
add("s1/preflight unlisted header", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H("content-type, x-other")), refused_preflight())
add("s1/preflight invalid header token", S1, req("OPTIONS", O("https://example.com"), M("PUT"), H("content type")), refused_preflight())
add("s1/preflight authorization", S1, req("OPTIONS", O("https://example.com"), M("GET"), H("authorization")), refused_preflight())
add("s1/preflight refused origin", S1, req("OPTIONS", O("https://evil.com"), M("GET")), refused_preflight())
add("s1/preflight null origin", S1, req("OPTIONS", O("null"), M("GET")), refused_preflight())
add("s1/preflight malformed origin", S1, req("OPTIONS", O("https://example.com/"), M("GET")), refused_preflight())
add(
    "s1/preflight private network not allowed",
    S1,
    req("OPTIONS", O("https://example.com"), M("GET"), ("access-control-request-private-network", "true")),
    refused_preflight(),
)
add("s1/OPTIONS without ACRM is actual", S1, req("OPTIONS", O("https://example.com")), actual(acao("https://example.com"), ACEH, VARY))
add("s1/OPTIONS without Origin is not CORS", S1, req("OPTIONS", M("GET")), actual(VARY))
add("s1/lowercase options is not a preflight", S1, req("options", O("https://example.com"), M("GET")), actual(acao("https://example.com"), ACEH, VARY))

# --- Any origin, defaults -----------------------------------------------------
S2 = {"allow_origins": ["*"]}
OK2 = [acao("*"), ("access-control-allow-methods", "GET, HEAD, POST"), ("access-control-max-age", "600"), ("vary", V3)]
add("s2/any origin", S2, req("GET", O("https://a.com")), actual(acao("*"), VARY))
add("s2/any origin, port", S2, req("GET", O("http://localhost:3000")), actual(acao("*"), VARY))
add("s2/null needs listing", S2, req("GET", O("null")), actual(VARY))
add("s2/malformed never gets headers", S2, req("GET", O("https://a.com/")), actual(VARY))
add("s2/no origin", S2, req("GET"), actual(VARY))
add("s2/preflight GET", S2, req("OPTIONS", O("https://a.com"), M("GET")), preflight(204, *OK2))
add("s2/preflight HEAD", S2, req("OPTIONS", O("https://a.com"), M("HEAD")), preflight(204, *OK2))
add("s2/preflight PUT refused", S2, req("OPTIONS", O("https://a.com"), M("PUT")), refused_preflight())
add("s2/preflight header refused", S2, req("OPTIONS", O("https://a.com"), M("GET"), H("x-a")), refused_preflight())

# --- Wildcards for methods and headers, no credentials ------------------------
S3 = {"allow_origins": ["*"], "allow_headers": ["*"], "allow_methods": ["*"]}
add(
    "s3/mirror method and headers",
    S3,
    req("OPTIONS", O("https://a.com"), M("PATCH"), H("x-a, x-b")),
    preflight(
        204,
        acao("*"),
        ("access-control-allow-methods", "PATCH"),
        ("access-control-allow-headers", "x-a, x-b"),
        ("access-control-max-age", "600"),
        ("vary", V3),
    ),
)
add("s3/authorization not covered by *", S3, req("OPTIONS", O("https://a.com"), M("GET"), H("x-a, Authorization")), refused_preflight())
add("s3/invalid method token", S3, req("OPTIONS", O("https://a.com"), M("PA TCH")), refused_preflight())
add("s3/invalid header token", S3, req("OPTIONS", O("https://a.com"), M("GET"), H("x-a;")), refused_preflight())
S4 = {"allow_origins": ["*"], "allow_headers": ["*", "Authorization"], "allow_methods": ["*"]}
add(
    "s4/authorization listed explicitly",
    S4,
    req("OPTIONS", O("https://a.com"), M("GET"), H("Authorization, x-a")),
    preflight(
        204,
        acao("*"),
        ("access-control-allow-methods", "GET"),
        ("access-control-allow-headers", "Authorization, x-a"),
        ("access-control-max-age", "600"),
        ("vary", V3),
    ),
)

# --- Credentials with exact origins and a wildcard pattern ---------------------
S5 = {
    "allow_origins": ["https://app.example.com"],
    "allow_origin_patterns": ["https://*.example.com"],
    "allow_credentials": True,
    "allow_methods": ["GET", "DELETE"],
}
for good in ["https://app.example.com", "https://a.example.com", "https://a.b.example.com", "https://xn--bcher-kva.example.com"]:
    add(f"s5/allowed {good}", S5, req("GET", O(good)), actual(acao(good), ACAC, VARY))
for bad in [
    "https://example.com",
    "https://evilexample.com",
    "https://example.com.evil.net",
    "http://a.example.com",
    "https://a.example.com:8443",
    "https://a.example.com.",
    "https://.example.com",
    "https://a_example.com",
    "https://aexample.com",
    "https://a.example.co",
    "null",
]:
    add(f"s5/refused {bad}", S5, req("GET", O(bad)), actual(VARY))
add(
    "s5/preflight DELETE",
    S5,
    req("OPTIONS", O("https://x.example.com"), M("DELETE")),
    preflight(
        204,
        acao("https://x.example.com"),
        ACAC,
        ("access-control-allow-methods", "GET, DELETE"),
        ("access-control-max-age", "600"),
        ("vary", V3),
    ),
)
add("s5/preflight refused origin", S5, req("OPTIONS", O("https://evilexample.com"), M("DELETE")), refused_preflight())

# --- Configuration errors -------------------------------------------------------
add("err/credentials with any origin", {"allow_origins": ["*"], "allow_credentials": True}, req("GET"), config_error("allow_origins"))
add("err/credentials with any header", {"allow_origins": ["https://a.com"], "allow_headers": ["*"], "allow_credentials": True}, req("GET"), config_error("allow_headers"))
add("err/credentials with any method", {"allow_origins": ["https://a.com"], "allow_methods": ["*"], "allow_credentials": True}, req("GET"), config_error("allow_methods"))
add("err/credentials with any expose", {"allow_origins": ["https://a.com"], "expose_headers": ["*"], "allow_credentials": True}, req("GET"), config_error("expose_headers"))
add("err/trailing slash", {"allow_origins": ["https://example.com/"]}, req("GET"), config_error("allow_origins[0]"))
add("err/missing scheme", {"allow_origins": ["example.com"]}, req("GET"), config_error("allow_origins[0]"))
add("err/star mixed in", {"allow_origins": ["*", "https://a.com"]}, req("GET"), config_error("allow_origins"))
add("err/unsupported scheme", {"allow_origins": ["ftp://a.com"]}, req("GET"), config_error("allow_origins[0]"))
add("err/public suffix pattern", {"allow_origin_patterns": ["https://*.github.io"]}, req("GET"), config_error("allow_origin_patterns[0]"))
add("err/tld pattern", {"allow_origin_patterns": ["https://*.com"]}, req("GET"), config_error("allow_origin_patterns[0]"))
add("err/invalid regex", {"allow_origin_regex": "https://(a"}, req("GET"), config_error("allow_origin_regex[0]"))
add("err/preflight status", {"allow_origins": ["https://a.com"], "preflight_status": 302}, req("GET"), config_error("preflight_status"))
add("err/rule without origins", {"rules": [{"allow_methods": ["GET"]}]}, req("GET"), config_error("rules[0]"))
add(
    "dangerous/credentials with any origin reflects",
    {"allow_origins": ["*"], "allow_credentials": True, "dangerously_allow_credentials_with_wildcards": True},
    req("GET", O("https://a.com")),
    actual(acao("https://a.com"), ACAC, VARY),
)

# --- Ports --------------------------------------------------------------------
S8 = {"allow_origin_patterns": ["http://localhost:*", "https://example.com:[8080,8081]"]}
for good in ["http://localhost:3000", "http://localhost", "https://example.com:8080", "https://example.com:8081"]:
    add(f"s8/allowed {good}", S8, req("GET", O(good)), actual(acao(good), VARY))
for bad in ["https://localhost:3000", "https://example.com:8082", "https://example.com", "http://localhost.evil.com:3000", "http://a.localhost:3000"]:
    add(f"s8/refused {bad}", S8, req("GET", O(bad)), actual(VARY))

# --- null listed ---------------------------------------------------------------
add("s9/null listed", {"allow_origins": ["null"]}, req("GET", O("null")), actual(acao("null"), VARY))

# --- Blocking disallowed actual requests ----------------------------------------
S10 = {"allow_origins": ["https://a.example"], "block_disallowed": True}
add("s10/blocked", S10, req("GET", O("https://evil.example")), reject())
add("s10/malformed blocked", S10, req("POST", O("https://a.example/")), reject())
add("s10/no origin passes", S10, req("GET"), actual(VARY))
add("s10/allowed passes", S10, req("GET", O("https://a.example")), actual(acao("https://a.example"), VARY))

# --- Preflight status -----------------------------------------------------------
add(
    "s11/preflight status 200",
    {"allow_origins": ["https://a.example"], "preflight_status": 200},
    req("OPTIONS", O("https://a.example"), M("GET")),
    preflight(
        200,
        acao("https://a.example"),
        ("access-control-allow-methods", "GET, HEAD, POST"),
        ("access-control-max-age", "600"),
        ("vary", V3),
    ),
)

# --- Private network access -----------------------------------------------------
S12 = {"allow_origins": ["https://a.example"], "allow_private_network": True}
add(
    "s12/private network allowed",
    S12,
    req("OPTIONS", O("https://a.example"), M("GET"), ("access-control-request-private-network", "true")),
    preflight(
        204,
        acao("https://a.example"),
        ("access-control-allow-methods", "GET, HEAD, POST"),
        ("access-control-max-age", "600"),
        ("access-control-allow-private-network", "true"),
        ("vary", V4),
    ),
)
add(
    "s12/no private network requested",
    S12,
    req("OPTIONS", O("https://a.example"), M("GET")),
    preflight(
        204,
        acao("https://a.example"),
        ("access-control-allow-methods", "GET, HEAD, POST"),
        ("access-control-max-age", "600"),
        ("vary", V4),
    ),
)
add("s12/refused origin", S12, req("OPTIONS", O("https://b.example"), M("GET"), ("access-control-request-private-network", "true")), refused_preflight(V4))

# --- Per-origin rules -------------------------------------------------------------
S13 = {
    "allow_origins": ["https://a.example"],
    "rules": [
        {"name": "admin", "allow_origins": ["https://admin.example"], "allow_methods": ["DELETE"], "allow_credentials": True},
        {"allow_origin_patterns": ["https://*.tenant.example"], "expose_headers": ["x-tenant"]},
    ],
}
add(
    "s13/rule preflight",
    S13,
    req("OPTIONS", O("https://admin.example"), M("DELETE")),
    preflight(
        204,
        acao("https://admin.example"),
        ACAC,
        ("access-control-allow-methods", "DELETE"),
        ("access-control-max-age", "600"),
        ("vary", V3),
    ),
)
add("s13/global origin cannot DELETE", S13, req("OPTIONS", O("https://a.example"), M("DELETE")), refused_preflight())
add("s13/rule actual with credentials", S13, req("GET", O("https://admin.example")), actual(acao("https://admin.example"), ACAC, VARY))
add("s13/global actual without credentials", S13, req("GET", O("https://a.example")), actual(acao("https://a.example"), VARY))
add(
    "s13/pattern rule expose",
    S13,
    req("GET", O("https://x.tenant.example")),
    actual(acao("https://x.tenant.example"), ("access-control-expose-headers", "x-tenant"), VARY),
)

# --- Regex ------------------------------------------------------------------------
S14 = {"allow_origin_regex": r"https://pr-[0-9]+\.preview\.example\.net"}
add("s14/regex allowed", S14, req("GET", O("https://pr-12.preview.example.net")), actual(acao("https://pr-12.preview.example.net"), VARY))
for bad in ["https://pr-x.preview.example.net", "https://pr-1.preview.example.net.evil.com", "https://evil.com/https://pr-1.preview.example.net"]:
    add(f"s14/regex refused {bad}", S14, req("GET", O(bad)), actual(VARY))

# --- WebSocket handshakes -----------------------------------------------------------
UP = ("upgrade", "websocket")
add("ws/refused origin", S1, req("GET", O("https://evil.com"), UP, ("connection", "Upgrade")), reject())
add("ws/allowed origin", S1, req("GET", O("https://example.com"), UP), actual(acao("https://example.com"), ACEH, VARY))
add("ws/no origin", S1, req("GET", UP), actual(VARY))
add("ws/check off", {**S1, "check_websocket_origin": False}, req("GET", O("https://evil.com"), UP), actual(VARY))
