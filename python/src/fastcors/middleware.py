"""``CORSMiddleware``: Starlette's CORS middleware, on the cors-core engine."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import re
import warnings
from collections.abc import Awaitable, Collection, Iterable, Mapping, MutableMapping
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Optional, Union

try:  # Starlette depends on anyio: present in every Starlette or FastAPI app.
    import anyio
except ImportError:  # pragma: no cover - plain ASGI without anyio: asyncio only
    anyio = None  # type: ignore[assignment]

from . import _native
from ._errors import CORSConfigError, CORSConfigWarning
from ._regex import to_rust

__all__ = [
    "ALL_METHODS",
    "SAFELISTED_HEADERS",
    "CORSMiddleware",
    "Explanation",
    "Origins",
    "OriginPredicate",
    "Rule",
]

logger = logging.getLogger("fastcors")

# ASGI types, spelled out so that Starlette is not a runtime dependency.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: A dynamic origin check: ``origin -> bool`` or ``async origin -> bool``.
OriginPredicate = Callable[[str], Union[bool, Awaitable[bool]]]

#: Starlette's ``ALL_METHODS`` (what ``allow_methods=["*"]`` stands for), from the engine.
ALL_METHODS: tuple[str, ...] = tuple(_native.STARLETTE_ALL_METHODS)
#: Starlette's ``SAFELISTED_HEADERS``, from the engine.
SAFELISTED_HEADERS: set[str] = set(_native.STARLETTE_SAFELISTED_HEADERS)

_RESPOND = 0
_PENDING = 1
_STARLETTE_PARAMS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "allow_private_network",
    "expose_headers",
    "max_age",
)


@dataclass
class Rule:
    """A per-origin policy: the first rule whose origins match wins; fields
    left as ``None`` inherit the middleware's global value.

    >>> Rule(allow_origins=["https://admin.example.com"], allow_methods=["GET", "DELETE"],
    ...      allow_credentials=True)  # doctest: +ELLIPSIS
    Rule(...)
    """

    allow_origins: Collection[str] = ()
    allow_origin_patterns: Collection[str] = ()
    allow_origin_regex: Union[str, Collection[str], None] = None
    allow_methods: Optional[Collection[str]] = None
    allow_headers: Optional[Collection[str]] = None
    expose_headers: Optional[Collection[str]] = None
    allow_credentials: Optional[bool] = None
    allow_private_network: Optional[bool] = None
    max_age: Optional[int] = None
    name: Optional[str] = None

    def to_config(self) -> dict[str, Any]:
        """The rule in cors-core's configuration model (Rust regex syntax)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value is None:
                continue
            if key in ("allow_origins", "allow_origin_patterns"):
                value = list(value)
                if not value:
                    continue
            elif key == "allow_origin_regex":
                value = [value] if isinstance(value, str) else list(value)
            elif isinstance(value, (tuple, set, frozenset, list)):
                value = list(value)
            out[key] = value
        return out


@dataclass(frozen=True)
class Explanation:
    """What the middleware would do with a request, and why."""

    kind: str
    """``preflight``, ``actual``, ``not-cors``, ``reject`` or ``pending``."""
    allowed: bool
    """Whether the browser lets the request (or its response) through."""
    status: Optional[int]
    """The status the middleware answers with (``None``: the application answers)."""
    headers: list[tuple[str, str]]
    """The CORS response headers, in order (``Vary`` included)."""
    reasons: list[str]
    """Why, one sentence per reason."""
    body: Optional[str] = None
    """The body the middleware answers with, if it answers."""
    matched_rule: Optional[str] = None
    """The rule that admitted the origin (``global`` or the rule's name)."""
    matched_by: Optional[str] = None
    """Which entry of that rule admitted it."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """cors-core's explanation as parsed from JSON."""


class Origins:
    """The global allowed origins and wildcard patterns, changeable at run time.

    Every method is safe to call from any thread or task while requests are
    served: readers never lock, and a request sees either the old set or the
    new one. Invalid origins raise :class:`~fastcors.CORSConfigError`.
    """

    __slots__ = ("_engine", "_owner")

    def __init__(self, engine: _native.Engine, owner: CORSMiddleware) -> None:
        self._engine = engine
        self._owner = owner

    def add(self, origin: str) -> None:
        """Allows ``origin`` (e.g. ``"https://app.example.com"``)."""
        _call(self._engine.origins_add, origin)
        self._owner._origins_changed()

    def remove(self, origin: str) -> bool:
        """Stops allowing ``origin``; returns whether it was allowed."""
        removed = _call(self._engine.origins_remove, origin)
        self._owner._origins_changed()
        return bool(removed)

    def replace(self, origins: Iterable[str]) -> None:
        """Replaces every exact origin at once (atomically)."""
        _call(self._engine.origins_replace, list(origins))
        self._owner._origins_changed()

    def add_pattern(self, pattern: str) -> None:
        """Allows a wildcard pattern such as ``"https://*.example.com"``."""
        _call(self._engine.patterns_add, pattern)

    def remove_pattern(self, pattern: str) -> bool:
        """Removes a wildcard pattern; returns whether it was there."""
        return bool(_call(self._engine.patterns_remove, pattern))

    def replace_patterns(self, patterns: Iterable[str]) -> None:
        """Replaces every wildcard pattern at once (atomically)."""
        _call(self._engine.patterns_replace, list(patterns))

    def list(self) -> list[str]:
        """The exact origins currently allowed."""
        return list(self._engine.origins_list())

    def patterns(self) -> list[str]:
        """The wildcard patterns currently allowed."""
        return list(self._engine.patterns_list())

    def __contains__(self, origin: object) -> bool:
        return isinstance(origin, str) and origin in self._engine.origins_list()

    def __iter__(self) -> Any:
        return iter(self.list())

    def __len__(self) -> int:
        return len(self._engine.origins_list())

    def __repr__(self) -> str:
        return f"Origins({self.list()!r}, patterns={self.patterns()!r})"


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls into the native module, turning its configuration errors into
    :class:`CORSConfigError`."""
    try:
        return fn(*args, **kwargs)
    except _native.NativeConfigError as exc:
        raise CORSConfigError._from_native(exc) from None


async def _bounded(answer: Awaitable[Any], timeout: float) -> Any:
    """Awaits ``answer`` for at most ``timeout`` seconds (``TimeoutError``
    past it), on asyncio and trio alike (anyio), or on asyncio alone when
    anyio is not installed."""
    if anyio is not None:
        with anyio.fail_after(timeout):
            return await answer
    return await asyncio.wait_for(answer, timeout)


def _log_rejection(kind: str, origin: str, reasons: list[str], suppressed: int) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    extra = f" ({suppressed} similar messages suppressed)" if suppressed else ""
    logger.debug("CORS %s rejected for origin %r: %s%s", kind, origin, "; ".join(reasons), extra)


def _as_list(name: str, value: Any) -> list[str]:
    """A parameter as a list, like Starlette iterates it. A bare string is a
    configuration mistake (Starlette would test substrings): it is taken as
    one entry, with a warning."""
    if value is None:
        return []
    if isinstance(value, str):
        warnings.warn(
            CORSConfigWarning(
                f"{name} = {value!r}: a string, not a list of strings; Starlette would test "
                f"substrings of it. fastcors treats it as [{value!r}]",
                "Other",
                name,
                value,
                f"write {name}=[{value!r}]",
            ),
            stacklevel=4,
        )
        return [value]
    return [v for v in value]


class CORSMiddleware:
    """Starlette's ``CORSMiddleware`` with the same parameters and the same
    bytes on the wire, evaluated by the Rust engine cors-core.

    The nine positional parameters are Starlette 1.10.0's. Everything after
    them is keyword-only and off by default:

    * ``allow_origin_patterns``: safe wildcards (``https://*.example.com``,
      ``http://localhost:*``, ``https://a.example.com:[8080,8443]``).
    * ``strict``: the ``standard`` preset (spec-correct; 204 preflights;
      dangerous combinations are configuration errors).
    * ``rules``: per-origin policies (:class:`Rule` or dicts).
    * ``origin_predicate``: ``origin -> bool`` or ``async origin -> bool``
      consulted for origins no static entry admits; answers are cached for
      ``origin_cache_ttl`` seconds (default 60), at most
      ``origin_cache_size`` of them (default 10000). An async predicate is
      awaited at most ``origin_check_timeout`` seconds (default 2); one that
      raises or times out denies the origin (and is asked again next time).
    * ``check_websocket_origin``: refuse WebSocket handshakes from disallowed
      origins (default: off; on with ``strict=True``).
    * ``cors_on_errors``: when the application raises before it starts its
      response, answer ``500 Internal Server Error`` with the CORS headers
      (see the README for exactly what this does to your error handlers).
    * ``block_disallowed`` (``strict`` only): answer 403 to actual requests
      from disallowed origins without calling the application.

    Runtime changes: :attr:`origins` (``mw.origins.add(...)``). Diagnostics:
    :meth:`explain`; rejections are logged on the ``fastcors`` logger at
    DEBUG level, at most ten lines a second.
    """

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Collection[str] = (),
        allow_methods: Collection[str] = ("GET",),
        allow_headers: Collection[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: Optional[str] = None,
        allow_private_network: bool = False,
        expose_headers: Collection[str] = (),
        max_age: int = 600,
        *,
        allow_origin_patterns: Collection[str] = (),
        strict: bool = False,
        rules: Iterable[Union[Rule, Mapping[str, Any]]] = (),
        origin_predicate: Optional[OriginPredicate] = None,
        origin_cache_ttl: Optional[float] = None,
        origin_cache_size: Optional[int] = None,
        origin_check_timeout: float = 2.0,
        check_websocket_origin: Optional[bool] = None,
        cors_on_errors: bool = False,
        block_disallowed: bool = False,
    ) -> None:
        origins = _as_list("allow_origins", allow_origins)
        methods = _as_list("allow_methods", allow_methods)
        headers = _as_list("allow_headers", allow_headers)
        expose = _as_list("expose_headers", expose_headers)

        compiled_regex: Optional[re.Pattern[str]] = None
        if allow_origin_regex is not None:
            # Python decides what the pattern means, and rejects what it
            # cannot compile, exactly as Starlette does.
            compiled_regex = re.compile(allow_origin_regex)

        config: dict[str, Any] = {
            "preset": "standard" if strict else "starlette",
            "allow_origins": origins,
            "allow_methods": methods,
            "allow_headers": headers,
            "expose_headers": expose,
            "allow_credentials": bool(allow_credentials),
            "allow_private_network": bool(allow_private_network),
        }
        if allow_origin_patterns:
            config["allow_origin_patterns"] = _as_list("allow_origin_patterns", allow_origin_patterns)
        rule_list = [r.to_config() if isinstance(r, Rule) else dict(r) for r in rules]
        if rule_list:
            config["rules"] = rule_list
        # Passed through as given: the engine validates them (and max_age).
        if origin_cache_ttl is not None:
            config["origin_cache_ttl"] = origin_cache_ttl
        if origin_cache_size is not None:
            config["origin_cache_size"] = origin_cache_size
        config["origin_check_timeout"] = origin_check_timeout
        config["max_age"] = max_age
        if check_websocket_origin is not None:
            config["check_websocket_origin"] = bool(check_websocket_origin)
        if block_disallowed:
            config["block_disallowed"] = True

        self._setup(
            app,
            config,
            regex_source=allow_origin_regex,
            compiled_regex=compiled_regex,
            origin_predicate=origin_predicate,
            cors_on_errors=cors_on_errors,
        )

    # ----------------------------------------------------------------- set-up

    def _setup(
        self,
        app: ASGIApp,
        config: dict[str, Any],
        *,
        regex_source: Optional[str] = None,
        compiled_regex: Optional[re.Pattern[str]] = None,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
    ) -> None:
        self.app = app
        self._origin_predicate = origin_predicate
        self._cors_on_errors = bool(cors_on_errors)
        self._python_regex: Optional[re.Pattern[str]] = None

        translated: Optional[str] = None
        if compiled_regex is not None and regex_source is not None:
            translated = to_rust(regex_source)
            if translated is None:
                self._python_regex = compiled_regex
            else:
                config["allow_origin_regex"] = [translated]

        if origin_predicate is not None and not callable(origin_predicate):
            raise CORSConfigError(
                f"origin_predicate = {origin_predicate!r}: not callable",
                [],
            )

        try:
            engine = self._build_engine(config)
        except CORSConfigError as exc:
            # A pattern Python accepts but the Rust engine cannot build (size
            # limits): keep Python's re for it.
            if translated is not None and any(e.kind == "InvalidRegex" for e in exc.errors):
                config.pop("allow_origin_regex", None)
                translated = None
                self._python_regex = compiled_regex
                engine = self._build_engine(config)
            else:
                raise
        self._engine = engine
        self._http = engine.http  # the per-request entry point, bound once
        self._checks_websocket = engine.websocket_checked
        self._origin_check_timeout = engine.origin_check_timeout

        for kind, fld, value, message, hint in engine.warnings:
            if translated is not None and regex_source is not None and value == translated:
                value = regex_source  # name the pattern as the user wrote it
            text = f"{fld} = {value!r}: {message}" + (f" (hint: {hint})" if hint else "")
            warnings.warn(CORSConfigWarning(text, kind, fld, value, hint), stacklevel=4)

        self.origins = Origins(engine, self)
        self._set_attributes(config, compiled_regex)

    def _build_engine(self, config: dict[str, Any]) -> _native.Engine:
        external = self._origin_predicate is not None
        predicate: Optional[Callable[[str], bool]] = None
        if not external and self._python_regex is not None:
            predicate = self._python_regex.fullmatch  # type: ignore[assignment]
        return _call(
            _native.Engine,
            # default=str: a value JSON cannot carry reaches the engine as a
            # string, and the engine reports it (WrongType).
            json.dumps(config, default=str),
            predicate=predicate,
            external=external,
            always_wrap=self._cors_on_errors,
            log=_log_rejection,
        )

    def _set_attributes(self, config: dict[str, Any], compiled_regex: Optional[re.Pattern[str]]) -> None:
        """Starlette's public attributes, as the engine computes them."""
        attrs = self._engine.starlette_attributes
        methods: Collection[str] = attrs["allow_methods"]
        if "*" in (config.get("allow_methods") or ()):
            methods = ALL_METHODS  # Starlette's attribute is its ALL_METHODS tuple
        self._allow_origins: Collection[str] = attrs["allow_origins"]
        self.allow_methods: Collection[str] = methods
        self.allow_headers: list[str] = attrs["allow_headers"]
        self.allow_all_origins: bool = attrs["allow_all_origins"]
        self.allow_all_headers: bool = attrs["allow_all_headers"]
        self.allow_credentials: bool = attrs["allow_credentials"]
        self.preflight_explicit_allow_origin: bool = attrs["preflight_explicit_allow_origin"]
        self.allow_origin_regex: Optional[re.Pattern[str]] = compiled_regex
        self.allow_private_network: bool = attrs["allow_private_network"]
        self.simple_headers: dict[str, str] = dict(attrs["simple_headers"])
        self.preflight_headers: dict[str, str] = dict(attrs["preflight_headers"])

    def _origins_changed(self) -> None:
        self._allow_origins = list(self._engine.origins_list())

    # --------------------------------------------------------- constructors

    @classmethod
    def from_config(
        cls,
        app: ASGIApp,
        config: Mapping[str, Any],
        *,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
    ) -> CORSMiddleware:
        """Builds the middleware from a mapping in cors-core's configuration
        model (the keys of the TOML/JSON files; regexes use Rust syntax).
        Without a ``preset`` key the ``standard`` preset applies."""
        normalized = json.loads(_call(_native.config_normalize, json.dumps(dict(config))))
        mw = cls.__new__(cls)
        mw._setup(app, normalized, origin_predicate=origin_predicate, cors_on_errors=cors_on_errors)
        return mw

    @classmethod
    def from_file(
        cls,
        app: ASGIApp,
        path: Union[str, os.PathLike[str]],
        *,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
    ) -> CORSMiddleware:
        """Builds the middleware from a TOML or JSON file (by extension) in
        cors-core's configuration model. Usable as a factory:
        ``app.add_middleware(CORSMiddleware.from_file, path="cors.toml")``."""
        config = json.loads(_call(_native.config_from_file, os.fspath(path)))
        mw = cls.__new__(cls)
        mw._setup(app, config, origin_predicate=origin_predicate, cors_on_errors=cors_on_errors)
        return mw

    @classmethod
    def from_env(
        cls,
        app: ASGIApp,
        environ: Optional[Mapping[str, str]] = None,
        *,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
    ) -> CORSMiddleware:
        """Builds the middleware from ``CORS_*`` variables (``CORS_ALLOW_ORIGINS``,
        ``CORS_PRESET``, ...; lists are JSON or comma-separated) of ``environ``
        (default: ``os.environ``)."""
        env = os.environ if environ is None else environ
        pairs = [(k, v) for k, v in env.items() if k.startswith("CORS_")]
        config = json.loads(_call(_native.config_from_env, pairs))
        mw = cls.__new__(cls)
        mw._setup(app, config, origin_predicate=origin_predicate, cors_on_errors=cors_on_errors)
        return mw

    # ------------------------------------------------------ Starlette's API

    @property
    def allow_origins(self) -> Collection[str]:
        """The exact origins allowed (updated by :attr:`origins` changes);
        assigning replaces them."""
        return self._allow_origins

    @allow_origins.setter
    def allow_origins(self, value: Collection[str]) -> None:
        self.origins.replace([o for o in _as_list("allow_origins", value) if o != "*"])
        self._allow_origins = value

    @property
    def preset(self) -> str:
        """``"starlette"`` (the drop-in) or ``"standard"`` (``strict=True``)."""
        return str(self._engine.preset)

    def is_allowed_origin(self, origin: str) -> bool:
        """Whether actual requests from ``origin`` get CORS headers. An origin
        only an async ``origin_predicate`` can judge counts as allowed only
        once its answer is cached."""
        if self._engine.is_allowed_origin(origin):
            return True
        if self._python_regex is not None and self._origin_predicate is not None:
            # The regex runs in Python next to an external predicate: hand its
            # (deterministic) "allowed" to the engine, as a request would
            # (the engine only asks about well-formed origins).
            if self._python_regex.fullmatch(origin) is not None:
                return bool(self._engine.is_allowed_origin(origin, True))
        return False

    def explain(
        self,
        origin: Optional[str] = None,
        method: str = "GET",
        request_headers: Union[str, Iterable[str], None] = None,
        *,
        preflight: Optional[bool] = None,
        private_network: bool = False,
        websocket: bool = False,
    ) -> Explanation:
        """What the middleware does with a request from ``origin`` and why.

        ``method`` is the method the page wants; ``request_headers`` the
        headers it sends. With ``preflight=None`` the request is a preflight
        when a browser would send one (a method other than GET/HEAD/POST, or
        request headers); pass ``preflight=False`` to explain the actual
        request."""
        if isinstance(request_headers, str):
            header_text: Optional[str] = request_headers
        elif request_headers is not None:
            header_text = ", ".join(request_headers)
        else:
            header_text = None
        if preflight is None:
            preflight = not websocket and (method.upper() not in ("GET", "HEAD", "POST") or bool(header_text))
        def enc(text: str) -> bytes:
            return text.encode("latin-1")

        kwargs: dict[str, Any] = {"origin": enc(origin) if origin is not None else None, "websocket": websocket}
        if preflight:
            kwargs["request_method"] = enc(method)
            kwargs["request_headers"] = enc(header_text) if header_text is not None else None
            kwargs["private_network"] = b"true" if private_network else None
            verb = b"OPTIONS"
        else:
            verb = b"GET" if websocket else enc(method)
        raw = json.loads(self._engine.explain(verb, **kwargs))
        if raw.get("kind") == "pending" and origin is not None:
            answer = self._judge_sync(origin)
            if answer is not None:
                raw = json.loads(self._engine.explain(verb, answer=answer, **kwargs))
        return Explanation(
            kind=raw["kind"],
            allowed=bool(raw["allowed"]),
            status=raw.get("status"),
            headers=[(k, v) for k, v in raw.get("headers", [])],
            reasons=list(raw.get("reasons", [])),
            body=raw.get("body"),
            matched_rule=raw.get("matched_rule"),
            matched_by=raw.get("matched_by"),
            raw=raw,
        )

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope_type = scope["type"]
        if scope_type == "http":
            # One native call; it also turns scope["headers"] into a list when
            # it is not one, as Starlette's Headers(scope=scope) does.
            result = self._http(scope, send)
            if result.__class__ is tuple:
                if result[0] == _PENDING:
                    answer = await self._judge(result[1])
                    result = self._engine.http_resume(scope, send, answer)
                if result.__class__ is tuple:
                    _, status, headers, body = result
                    await send({"type": "http.response.start", "status": status, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            if self._cors_on_errors:
                await self._call_guarded(scope, receive, result)
            else:
                await self.app(scope, receive, result)
            return
        if scope_type == "websocket" and self._checks_websocket:
            await self._websocket(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _judge_sync(self, origin: str) -> Optional[bool]:
        """The dynamic checks' answer when it needs no awaiting (``None``
        otherwise: an async predicate's coroutine is closed unawaited)."""
        if self._python_regex is not None and self._python_regex.fullmatch(origin):
            return True
        if self._origin_predicate is None:
            return False
        answer = self._origin_predicate(origin)
        if inspect.isawaitable(answer):
            if hasattr(answer, "close"):
                answer.close()
            return None
        return bool(answer)

    async def _judge(self, origin: str) -> Optional[bool]:
        """Asks the dynamic checks about a pending ``origin``, once: ``True``
        or ``False``, or ``None`` when the predicate raised or an async one
        did not answer within ``origin_check_timeout`` (the engine then
        denies the origin without caching the failure)."""
        try:
            if self._python_regex is not None and self._python_regex.fullmatch(origin):
                return True
            if self._origin_predicate is None:
                return False
            answer = self._origin_predicate(origin)
            if inspect.isawaitable(answer):
                answer = await _bounded(answer, self._origin_check_timeout)
            return bool(answer)
        except Exception:
            logger.exception("origin_predicate failed for %r; the origin is treated as not allowed", origin)
            return None

    async def _call_guarded(self, scope: Scope, receive: Receive, wrapped: Any) -> None:
        try:
            await self.app(scope, receive, wrapped)
        except Exception:
            if wrapped.__class__ is _native.SendWrapper and not wrapped.started:
                body = b"Internal Server Error"
                await wrapped(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-length", str(len(body)).encode("latin-1")),
                            (b"content-type", b"text/plain; charset=utf-8"),
                        ],
                    }
                )
                await wrapped({"type": "http.response.body", "body": body})
            raise

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        result = self._engine.websocket(scope)
        if result is not None and result[0] == _PENDING:
            # An origin that could not be judged is refused (fail closed).
            result = self._engine.websocket_resume(scope, await self._judge(result[1]))
        if result is None:
            await self.app(scope, receive, send)
            return
        _, status, headers, body = result
        extensions = scope.get("extensions") or {}
        if "websocket.http.response" in extensions:
            await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            # Closing before accepting makes the server answer 403.
            await send({"type": "websocket.close", "code": 1008, "reason": "origin not allowed"})

    def __repr__(self) -> str:
        origins = list(getattr(self, "_allow_origins", ()))
        preset = self.preset if hasattr(self, "_engine") else "?"
        return f"{type(self).__name__}(preset={preset!r}, allow_origins={origins!r})"

