"""Starlette's public attributes: read the same values as Starlette's class
(also with strict=True and from files), and assigning one (or changing a
list or dict attribute in place) takes effect for later requests exactly as
it does on Starlette's class, or raises an error naming the attribute."""

from __future__ import annotations

import asyncio
import re
import warnings
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import make_scope, run_asgi, trivial_app, wire
from test_differential import configs, requests

starlette_cors = pytest.importorskip("starlette.middleware.cors")
import fastcors  # noqa: E402

PUBLIC = ("allow_origins", "allow_methods", "allow_headers", "allow_all_origins", "allow_all_headers",
          "allow_credentials", "allow_origin_regex", "allow_private_network", "preflight_explicit_allow_origin",
          "simple_headers", "preflight_headers", "app")


def same_value(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, re.Pattern):
        return isinstance(ours, re.Pattern) and ours.pattern == theirs.pattern and ours.flags == theirs.flags
    if isinstance(theirs, (list, tuple, dict)):
        return isinstance(ours, type(theirs)) and ours == theirs
    return ours == theirs and type(ours) is type(theirs)


@pytest.mark.parametrize("cfg", configs(40, seed=5))
def test_attributes_read_starlettes_values(cfg: dict[str, Any]) -> None:
    app = trivial_app()
    ref = starlette_cors.CORSMiddleware(app, **cfg)
    ours = fastcors.CORSMiddleware(app, **cfg)
    for name in PUBLIC:
        assert same_value(getattr(ours, name), getattr(ref, name)), (name, getattr(ours, name), getattr(ref, name))


def test_attributes_keep_the_arguments_types() -> None:
    app = trivial_app()
    for kwargs in (
        {},
        {"allow_origins": ("https://a.example",), "allow_methods": ("GET", "PUT")},
        {"allow_origins": {"https://a.example"}, "allow_methods": ["*"], "allow_credentials": 1},
    ):
        ref = starlette_cors.CORSMiddleware(app, **kwargs)
        ours = fastcors.CORSMiddleware(app, **kwargs)
        for name in PUBLIC:
            assert same_value(getattr(ours, name), getattr(ref, name)), (kwargs, name)


STRICT_CASES = [
    {"allow_origins": ["https://a.example"], "allow_methods": ["GET", "PUT"], "allow_headers": ["X-Token"],
     "allow_credentials": True, "expose_headers": ["X-Total"], "max_age": 60},
    {"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]},
    {"allow_origin_regex": r"https://[a-z]+\.example\.org", "allow_private_network": True},
]


@pytest.mark.parametrize("cfg", STRICT_CASES)
def test_attributes_read_starlettes_values_in_strict_mode_and_from_files(cfg: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    app = trivial_app()
    ref = starlette_cors.CORSMiddleware(app, **cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastcors.CORSConfigWarning)
        strict = fastcors.CORSMiddleware(app, **cfg, strict=True)
        file_cfg = {k: ([v] if k == "allow_origin_regex" else v) for k, v in cfg.items()}
        lines = [f"{k} = {fastcors_toml(v)}" for k, v in file_cfg.items()]
        for preset in ("starlette", "standard"):
            path = tmp_path / f"{preset}.toml"
            path.write_text(f'preset = "{preset}"\n' + "\n".join(lines) + "\n", encoding="utf-8")
            from_file = fastcors.CORSMiddleware.from_file(app, path)
            for name in PUBLIC:
                if name in ("allow_origins", "allow_methods", "allow_headers"):
                    assert list(getattr(from_file, name)) == list(getattr(ref, name)), (preset, name)
                else:
                    assert same_value(getattr(from_file, name), getattr(ref, name)), (preset, name)
    for name in PUBLIC:
        assert same_value(getattr(strict, name), getattr(ref, name)), name


def fastcors_toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fastcors_toml(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value) + "'"


# ------------------------------------------------------------ assignments


def other_app(scope: Any, receive: Any, send: Any) -> Any:
    return trivial_app([(b"x-other-app", b"1")], body=b"other")(scope, receive, send)


# Each change is applied to both classes: (description, function of mw).
CHANGES: list[tuple[str, Callable[[Any], None]]] = [
    ("allow_origins =", lambda mw: setattr(mw, "allow_origins", ["https://b.example.com", "null"])),
    ("allow_origins = tuple", lambda mw: setattr(mw, "allow_origins", ("http://localhost:8000",))),
    ("allow_origins = ['*']", lambda mw: setattr(mw, "allow_origins", ["*"])),
    ("allow_origins.append", lambda mw: mw.allow_origins.append("https://sub.example.com")),
    ("allow_origins +=", lambda mw: mw.allow_origins.__iadd__(["https://a.x.io"])),
    ("allow_origins.remove", lambda mw: mw.allow_origins.remove("https://example.org")),
    ("allow_methods =", lambda mw: setattr(mw, "allow_methods", ["GET", "PUT", "DELETE"])),
    ("allow_methods.append", lambda mw: mw.allow_methods.append("PUT")),
    ("allow_headers =", lambda mw: setattr(mw, "allow_headers", ["x-token"])),
    ("allow_headers.append", lambda mw: mw.allow_headers.append("x-token")),
    ("allow_all_origins = True", lambda mw: setattr(mw, "allow_all_origins", True)),
    ("allow_all_origins = False", lambda mw: setattr(mw, "allow_all_origins", False)),
    ("allow_all_headers = True", lambda mw: setattr(mw, "allow_all_headers", True)),
    ("allow_credentials = True", lambda mw: setattr(mw, "allow_credentials", True)),
    ("allow_credentials = False", lambda mw: setattr(mw, "allow_credentials", False)),
    ("allow_origin_regex = pattern", lambda mw: setattr(mw, "allow_origin_regex", re.compile(r"https://.*\.x\.io"))),
    ("allow_origin_regex = look-ahead", lambda mw: setattr(mw, "allow_origin_regex",
                                                          re.compile(r"https://(?!evil)[a-z]+\.test"))),
    ("allow_origin_regex = None", lambda mw: setattr(mw, "allow_origin_regex", None)),
    ("allow_private_network = True", lambda mw: setattr(mw, "allow_private_network", True)),
    ("preflight_explicit_allow_origin = False", lambda mw: setattr(mw, "preflight_explicit_allow_origin", False)),
    ("preflight_explicit_allow_origin = True", lambda mw: setattr(mw, "preflight_explicit_allow_origin", True)),
    ("simple_headers =", lambda mw: setattr(mw, "simple_headers", {"Access-Control-Expose-Headers": "X-A"})),
    ("simple_headers[k] =", lambda mw: mw.simple_headers.__setitem__("X-Extra", "1")),
    ("simple_headers.update", lambda mw: mw.simple_headers.update({"Access-Control-Allow-Origin": "*"})),
    ("preflight_headers[k] =", lambda mw: mw.preflight_headers.__setitem__("Access-Control-Max-Age", "5")),
    ("preflight_headers =", lambda mw: setattr(mw, "preflight_headers", {"Vary": "Origin"})),
    ("app =", lambda mw: setattr(mw, "app", other_app)),
]

BASE_CONFIGS: list[dict[str, Any]] = [
    {"allow_origins": ["https://example.org", "http://localhost:8000"], "allow_methods": ["GET", "POST"],
     "allow_headers": ["X-A"]},
    {"allow_origins": ["*"], "allow_methods": ["GET"], "allow_credentials": True, "expose_headers": ["X-Total"]},
    {"allow_origins": ["https://example.org"], "allow_origin_regex": r"https://.*\.example\.com",
     "allow_methods": ["*"], "allow_headers": ["*"], "allow_credentials": True},
]


@pytest.mark.parametrize("change", CHANGES, ids=[c[0] for c in CHANGES])
@pytest.mark.parametrize("cfg", BASE_CONFIGS, ids=["exact", "star-credentials", "regex-all"])
def test_assignment_takes_effect_as_on_starlette(cfg: dict[str, Any], change: Any) -> None:
    _, apply = change
    reqs = requests()
    app = trivial_app([(b"vary", b"Cookie")])

    async def main() -> list[str]:
        ref = starlette_cors.CORSMiddleware(app, **cfg)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ours = fastcors.CORSMiddleware(app, **cfg)
        # A request before the change, so that nothing is decided at build time only.
        await run_asgi(ours, make_scope("GET", [("origin", "https://example.org")]))
        for mw in (ref, ours):
            try:
                apply(mw)
            except (ValueError, AttributeError):  # list.remove of an absent entry, a tuple's append: both alike
                pass
        failures = []
        for name in PUBLIC:
            if not same_value(getattr(ours, name), getattr(ref, name)):
                failures.append(f"attribute {name}: {getattr(ours, name)!r} != {getattr(ref, name)!r}")
        for method, headers in reqs:
            expected = wire(await run_asgi(ref, make_scope(method, headers)))
            got = wire(await run_asgi(ours, make_scope(method, headers)))
            if expected != got:
                failures.append(f"{method} {headers}:\n  starlette={expected}\n  fastcors ={got}")
        return failures

    failures = asyncio.run(main())
    assert not failures, f"{len(failures)} differences; first:\n" + "\n".join(failures[:4])


def test_origins_starlette_accepts_are_accepted_on_assignment(caplog: pytest.LogCaptureFixture) -> None:
    app = trivial_app()
    ref = starlette_cors.CORSMiddleware(app, allow_origins=["https://a.example"])
    ours = fastcors.CORSMiddleware(app, allow_origins=["https://a.example"])
    value = ["https://b.example/", "example.com", "https://c.example"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.allow_origins = value
        ref.allow_origins = value
    assert ours.allow_origins == ref.allow_origins
    assert any("allow_origins[0]" in r.getMessage() for r in caplog.records if r.name == "fastcors")
    for origin in ("https://b.example", "https://c.example", "https://a.example"):  # well-formed origins
        scope = make_scope("GET", [("origin", origin)])
        assert wire(asyncio.run(run_asgi(ours, scope))) == wire(asyncio.run(run_asgi(ref, scope))), origin


def test_untouched_instances_keep_the_native_path() -> None:
    mw = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://a.example"])
    mw.allow_origins.append("https://b.example")
    mw.allow_origins = ["https://c.example"]
    mw.allow_origin_regex = re.compile(r"https://[a-z]+\.d\.example")
    mw.app = trivial_app()
    assert type(mw._http).__name__ == "builtin_function_or_method"
    status, headers, _ = wire(asyncio.run(run_asgi(mw, make_scope("GET", [("origin", "https://x.d.example")]))))
    assert (b"access-control-allow-origin", b"https://x.d.example") in headers
    mw.allow_methods = ["GET", "PUT"]  # Starlette's semantics from here on: the Python algorithm
    assert type(mw._http).__name__ == "function"


# ------------------------------------------------------- other presets


def strict_wire(mw: Any) -> list[Any]:
    out = []
    for method, headers in requests()[::3]:
        out.append(wire(asyncio.run(run_asgi(mw, make_scope(method, headers)))))
    return out


@pytest.mark.filterwarnings("ignore::fastcors.CORSConfigWarning")  # strict lints ("null", credentials)
@pytest.mark.parametrize(
    "name,value",
    [
        ("allow_origins", ["https://b.example.com", "null"]),
        ("allow_methods", ["GET", "PUT"]),
        ("allow_headers", ["x-token", "x-a"]),
        ("allow_credentials", True),
        ("allow_private_network", True),
        ("allow_origin_regex", re.compile(r"https://[a-z0-9-]+\.x\.io")),
    ],
)
def test_strict_assignment_rebuilds_the_engine(name: str, value: Any) -> None:
    base = {"allow_origins": ["https://example.org"], "allow_methods": ["GET"], "allow_headers": ["x-a"]}
    mw = fastcors.CORSMiddleware(trivial_app(), **base, strict=True)
    mw.origins.add_pattern("https://*.example.com")  # a run-time change survives the rebuild
    setattr(mw, name, value)
    arg = value.pattern if isinstance(value, re.Pattern) else value
    fresh = fastcors.CORSMiddleware(trivial_app(), **{**base, name: arg}, strict=True,
                                    allow_origin_patterns=["https://*.example.com"])
    assert strict_wire(mw) == strict_wire(fresh)
    for attr in PUBLIC:
        if attr != "app":
            assert same_value(getattr(mw, attr), getattr(fresh, attr)), attr


def test_strict_list_mutation_rebuilds_the_engine() -> None:
    mw = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://example.org"], allow_methods=["GET"],
                                 strict=True)
    mw.allow_methods.append("PUT")
    fresh = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://example.org"],
                                    allow_methods=["GET", "PUT"], strict=True)
    assert strict_wire(mw) == strict_wire(fresh)


@pytest.mark.parametrize("name", ["allow_all_origins", "allow_all_headers", "preflight_explicit_allow_origin",
                                  "simple_headers", "preflight_headers"])
def test_strict_derived_attributes_refuse_assignment_by_name(name: str) -> None:
    mw = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://example.org"], strict=True)
    before = strict_wire(mw)
    with pytest.raises(AttributeError, match=name):
        setattr(mw, name, getattr(mw, name))
    if name in ("simple_headers", "preflight_headers"):
        with pytest.raises(AttributeError, match=name):
            getattr(mw, name)["X-Extra"] = "1"
        assert "X-Extra" not in getattr(mw, name)  # the refused change is undone
    assert strict_wire(mw) == before


def test_invalid_assignments_name_the_attribute() -> None:
    mw = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://example.org"])
    with pytest.raises(TypeError, match="allow_origin_regex"):
        mw.allow_origin_regex = 42
    with pytest.raises(TypeError, match="allow_origins"):
        mw.allow_origins = "https://a.example"
    strict = fastcors.CORSMiddleware(trivial_app(), allow_origins=["https://example.org"], strict=True)
    with pytest.raises(fastcors.CORSConfigError) as info:
        strict.allow_origins = ["https://bad.example/"]
    assert info.value.errors[0].field.startswith("allow_origins")
    with pytest.raises(fastcors.CORSConfigError):
        strict.allow_origins.append("https://bad.example/")
    assert list(strict.allow_origins) == ["https://example.org"]  # refused: nothing changed
    with pytest.raises(TypeError, match="allow_credentials"):
        strict.allow_credentials = "yes"
    with pytest.raises(AttributeError, match="allow_origins"):
        del mw.allow_origins
