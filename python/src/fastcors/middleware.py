"""``CORSMiddleware``: Starlette's CORS middleware, on the fastcors-core engine."""

from __future__ import annotations

import asyncio
import builtins
import contextvars
import functools
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
from ._compat import Headers, MutableHeaders, PlainTextResponse, Response, raw_headers
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
_COMPAT = 2
_COMPAT_RESULT = (_COMPAT,)


def _compat_entry(scope: Scope, send: Send) -> tuple[int]:
    """The per-request entry point of an instance that runs Starlette's
    methods in Python (a subclass overriding them, or changed attributes):
    ``__call__`` sees ``(2,)`` and dispatches as Starlette does."""
    return _COMPAT_RESULT


async def _discard(message: Message) -> None:
    """A ``send`` for evaluations that only build a response."""


#: Starlette 1.10.0's overridable methods. Overriding ``__call__`` alone
#: keeps the native path (its ``super().__call__`` is the native one).
HOOKS = ("__call__", "is_allowed_origin", "preflight_response", "simple_response", "send", "allow_explicit_origin")

#: The answer of an async ``origin_predicate`` obtained before Starlette's
#: (synchronous) methods run for the request: ``(origin, answer)``.
_ANSWER: contextvars.ContextVar[Optional[tuple[str, Optional[bool]]]] = contextvars.ContextVar(
    "fastcors_answer", default=None
)

#: Public attributes computed from others at construction (Starlette does
#: not recompute them either).
_DERIVED = ("allow_all_origins", "allow_all_headers", "preflight_explicit_allow_origin", "simple_headers",
            "preflight_headers")
_PUBLIC = ("allow_origins", "allow_methods", "allow_headers", "allow_credentials", "allow_origin_regex",
           "allow_private_network") + _DERIVED
_PUBLIC_SET = frozenset(_PUBLIC)
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
        """The rule in fastcors-core's configuration model (Rust regex syntax)."""
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
    """fastcors-core's explanation as parsed from JSON."""


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

    def patterns(self) -> builtins.list[str]:
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
    anyio is not installed. ``0`` means no limit, as in the engine."""
    if timeout <= 0:
        return await answer
    if anyio is not None:
        with anyio.fail_after(timeout):
            return await answer
    return await asyncio.wait_for(answer, timeout)


def _log_rejection(kind: str, origin: str, reasons: list[str], suppressed: int) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    extra = f" ({suppressed} similar messages suppressed)" if suppressed else ""
    logger.debug("CORS %s rejected for origin %r: %s%s", kind, origin, "; ".join(reasons), extra)


def _as_list(name: str, value: Any, lints: Optional[list[CORSConfigWarning]] = None) -> list[str]:
    """A parameter as a list, like Starlette iterates it. A bare string is a
    configuration mistake (Starlette would test substrings): it is taken as
    one entry, with a lint."""
    if value is None:
        return []
    if isinstance(value, str):
        lint = CORSConfigWarning(
            f"{name} = {value!r}: a string, not a list of strings; Starlette would test "
            f"substrings of it. fastcors treats it as [{value!r}]",
            "Other",
            name,
            value,
            f"write {name}=[{value!r}]",
        )
        if lints is None:
            _emit([lint], True, 4)
        else:
            lints.append(lint)
        return [value]
    return [v for v in value]


def _emit(lints: Iterable[CORSConfigWarning], as_warnings: bool, stacklevel: int) -> None:
    """Configuration lints: ``CORSConfigWarning`` warnings, or WARNING lines
    on the ``fastcors`` logger (the drop-in: Starlette warns about nothing)."""
    for lint in lints:
        if as_warnings:
            warnings.warn(lint, stacklevel=stacklevel + 1)  # counted from the caller of _emit
        else:
            logger.warning("CORS configuration: %s", lint)


def _live_mutator(base: type, name: str, restore: Callable[[Any, Any], None]) -> Any:
    """``base.name`` that reports the change to the owner (``self._changed``),
    and puts the old contents back (``restore``) if the owner refuses it."""
    method = getattr(base, name)
    in_place = name.startswith("__i")  # __iadd__, __imul__, __ior__ return self

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        before = base(self)
        out = method(self, *args, **kwargs)
        try:
            self._changed(self)
        except BaseException:
            restore(self, before)  # refused: left as it was
            raise
        return self if in_place else out

    return wrapper


def _restore_list(target: list[Any], before: list[Any]) -> None:
    list.__init__(target, before)


def _restore_dict(target: dict[Any, Any], before: dict[Any, Any]) -> None:
    dict.clear(target)
    dict.update(target, before)


class _LiveList(list):  # type: ignore[type-arg]
    """A list attribute whose in-place changes reach the middleware (as an
    assignment of the changed list would)."""

    __slots__ = ("_changed",)

    def __init__(self, items: Iterable[Any], changed: Callable[[list[Any]], None]) -> None:
        super().__init__(items)
        self._changed = changed

    for _name in ("append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "__setitem__",
                  "__delitem__", "__iadd__", "__imul__"):
        locals()[_name] = _live_mutator(list, _name, _restore_list)
    del _name

    def __reduce__(self) -> Any:
        return (list, (list(self),))


def _given(value: Any, as_list: list[str]) -> Any:
    """An argument as Starlette keeps it (a one-shot iterable as its list)."""
    return value if isinstance(value, (list, tuple, set, frozenset)) else as_list


def _python_pattern(regexes: Any) -> Optional[re.Pattern[str]]:
    """Rust regexes (from a file or ``from_config``) as the compiled Python
    pattern Starlette's attribute holds, when Python can compile them."""
    if not regexes:
        return None
    items = [regexes] if isinstance(regexes, str) else list(regexes)
    try:
        return re.compile(items[0] if len(items) == 1 else "|".join(f"(?:{r})" for r in items))
    except re.error:
        return None


class _LiveDict(dict):  # type: ignore[type-arg]
    """A dict attribute (``simple_headers``, ``preflight_headers``) whose
    in-place changes reach the middleware."""

    __slots__ = ("_changed",)

    def __init__(self, items: Any, changed: Callable[[dict[Any, Any]], None]) -> None:
        super().__init__(items)
        self._changed = changed

    for _name in ("__setitem__", "__delitem__", "update", "pop", "popitem", "clear", "setdefault", "__ior__"):
        locals()[_name] = _live_mutator(dict, _name, _restore_dict)
    del _name

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))


class CORSMiddleware:
    """Starlette's ``CORSMiddleware`` with the same parameters and the same
    bytes on the wire, evaluated by the Rust engine fastcors-core.

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
    * ``warn``: configuration lints as ``CORSConfigWarning`` warnings
      (``True``) or as WARNING lines on the ``fastcors`` logger (``False``);
      by default logged in the ``starlette`` preset (Starlette warns about
      nothing) and warned with ``strict=True``.

    Starlette's methods (``is_allowed_origin``, ``preflight_response``,
    ``simple_response``, ``send``, ``allow_explicit_origin``) can be
    overridden as on Starlette's class; a class overriding none of them (or
    only ``__call__``) keeps the native path. Starlette's public attributes
    can be read and assigned (see ``_assign``; lists and dicts also change in
    place).

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
        warn: Optional[bool] = None,
    ) -> None:
        lints: list[CORSConfigWarning] = []
        origins = _as_list("allow_origins", allow_origins, lints)
        methods = _as_list("allow_methods", allow_methods, lints)
        headers = _as_list("allow_headers", allow_headers, lints)
        expose = _as_list("expose_headers", expose_headers, lints)

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
            config["allow_origin_patterns"] = _as_list("allow_origin_patterns", allow_origin_patterns, lints)
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

        # Starlette's attributes hold the arguments as given (a tuple stays a
        # tuple); lists become live lists.
        given = {
            "allow_origins": _given(allow_origins, origins),
            "allow_methods": ALL_METHODS if "*" in methods else _given(allow_methods, methods),
            "allow_credentials": allow_credentials,
            "allow_private_network": allow_private_network,
        }
        self._setup(
            app,
            config,
            regex_source=allow_origin_regex,
            compiled_regex=compiled_regex,
            origin_predicate=origin_predicate,
            cors_on_errors=cors_on_errors,
            warn=warn,
            lints=lints,
            given=given,
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
        warn: Optional[bool] = None,
        lints: Iterable[CORSConfigWarning] = (),
        given: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.app = app
        self._origin_predicate = origin_predicate
        self._cors_on_errors = bool(cors_on_errors)
        if origin_predicate is not None and not callable(origin_predicate):
            raise CORSConfigError(
                f"origin_predicate = {origin_predicate!r}: not callable",
                [],
            )
        # Starlette's methods run in Python for subclasses overriding them
        # (decided once per class) and after a change of an attribute the
        # native plan cannot follow (decided per instance).
        self._diverged = False
        engine, regex = self._compile(config, regex_source, compiled_regex)
        as_warnings = warn if warn is not None else engine.preset != "starlette"
        _emit(lints, as_warnings, 3)
        _emit(self._lints(engine, regex_source, config), as_warnings, 3)
        self._warn = warn
        self.origins = Origins(engine, self)
        self._install(engine, regex)
        # Extras Starlette's own algorithm knows nothing about.
        self._has_extras = bool(
            origin_predicate is not None
            or config.get("allow_origin_patterns")
            or config.get("rules")
            or config.get("allow_origins_file")
        )
        self._set_attributes(config, compiled_regex, given or {})

    def _compile(
        self, config: dict[str, Any], regex_source: Optional[str], compiled_regex: Optional[re.Pattern[str]]
    ) -> tuple[_native.Engine, Optional[re.Pattern[str]]]:
        """Builds the engine for ``config`` plus ``allow_origin_regex`` in
        Python syntax (``regex_source``, compiled by Python as
        ``compiled_regex``); returns it with the Python pattern that must run
        beside it (``None``: none). Nothing is kept until it succeeded."""
        cfg = dict(config)
        translated: Optional[str] = None
        python_regex: Optional[re.Pattern[str]] = None
        if compiled_regex is not None and regex_source is not None:
            translated = to_rust(regex_source)
            if translated is None:
                python_regex = compiled_regex
            else:
                cfg["allow_origin_regex"] = [translated]
        try:
            engine = self._build_engine(cfg, python_regex)
        except CORSConfigError as exc:
            # A pattern Python accepts but the Rust engine cannot build (size
            # limits): keep Python's re for it.
            if translated is not None and any(e.kind == "InvalidRegex" for e in exc.errors):
                cfg.pop("allow_origin_regex", None)
                translated, python_regex = None, compiled_regex
                engine = self._build_engine(cfg, python_regex)
            else:
                raise
        self._config = config
        self._regex_source = regex_source
        self._compiled_regex = compiled_regex
        self._translated = translated
        return engine, python_regex

    def _lints(self, engine: _native.Engine, regex_source: Optional[str],
               config: Mapping[str, Any]) -> list[CORSConfigWarning]:
        out = []
        for kind, fld, value, message, hint in engine.warnings:
            if self._translated is not None and regex_source is not None and value == self._translated:
                value = regex_source  # name the pattern as the user wrote it
            text = f"{fld} = {value!r}: {message}" + (f" (hint: {hint})" if hint else "")
            out.append(CORSConfigWarning(text, kind, fld, value, hint))
        return out

    def _install(self, engine: _native.Engine, python_regex: Optional[re.Pattern[str]]) -> None:
        """Makes ``engine`` the one later requests use."""
        self._python_regex = python_regex
        self._checks_websocket = engine.websocket_checked
        self._origin_check_timeout = engine.origin_check_timeout
        self._engine = engine
        self.origins._engine = engine
        # The per-request entry point, bound once.
        self._http: Callable[[Scope, Send], Any] = _compat_entry if self._diverged or type(self)._starlette_methods else engine.http

    def _build_engine(self, config: dict[str, Any], python_regex: Optional[re.Pattern[str]]) -> _native.Engine:
        external = self._origin_predicate is not None
        predicate: Optional[Callable[[str], bool]] = None
        if not external and python_regex is not None:
            predicate = python_regex.fullmatch  # type: ignore[assignment]
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

    def _set_attributes(self, config: Mapping[str, Any], compiled_regex: Optional[re.Pattern[str]],
                        given: Mapping[str, Any]) -> None:
        """Starlette's public attributes: the arguments as given where
        Starlette keeps them, the rest as the engine computes them."""
        attrs = dict(self._engine.starlette_attributes)
        methods: Collection[str] = attrs["allow_methods"]
        if "*" in (config.get("allow_methods") or ()):
            methods = ALL_METHODS  # Starlette's attribute is its ALL_METHODS tuple
        if compiled_regex is None:
            compiled_regex = _python_pattern(config.get("allow_origin_regex"))
        values: dict[str, Any] = {
            "allow_origins": attrs["allow_origins"],
            "allow_methods": methods,
            "allow_headers": attrs["allow_headers"],
            "allow_all_origins": attrs["allow_all_origins"],
            "allow_all_headers": attrs["allow_all_headers"],
            "allow_credentials": attrs["allow_credentials"],
            "preflight_explicit_allow_origin": attrs["preflight_explicit_allow_origin"],
            "allow_origin_regex": compiled_regex,
            "allow_private_network": attrs["allow_private_network"],
            "simple_headers": dict(attrs["simple_headers"]),
            "preflight_headers": dict(attrs["preflight_headers"]),
        }
        values.update(given)
        for name in ("allow_origins", "allow_methods", "allow_headers", "simple_headers", "preflight_headers"):
            values[name] = self._live(name, values[name])
        for name, value in values.items():
            # object.__setattr__, not __dict__: touching __dict__ would make
            # every attribute read of the instance (the hot path's) slower.
            object.__setattr__(self, name, value)

    def _live(self, name: str, value: Any) -> Any:
        """A list attribute as a live list (in-place changes take effect)."""
        if isinstance(value, (_LiveList, _LiveDict)):
            changed = value._changed
            if isinstance(changed, functools.partial) and changed.func == self._assign and changed.args == (name,):
                return value  # already this attribute's live value
        if isinstance(value, list):
            return _LiveList(value, functools.partial(self._assign, name))
        if isinstance(value, dict):
            return _LiveDict(value, functools.partial(self._assign, name))
        return value

    def _origins_changed(self) -> None:
        object.__setattr__(self, "allow_origins", self._live("allow_origins", list(self._engine.origins_list())))

    # ------------------------------------------------ assigning attributes

    def _assign(self, name: str, value: Any) -> None:
        """``mw.<name> = value`` for one of Starlette's public attributes.

        In the ``starlette`` preset the change means what it means to
        Starlette's class, which reads its attributes on every request and
        never recomputes one from another: ``allow_origins`` and
        ``allow_origin_regex`` change the engine (atomically; nothing derives
        from them), any other attribute makes this instance run Starlette's
        algorithm in Python over the attributes. In other presets
        ``allow_origins``, ``allow_methods``, ``allow_headers``,
        ``allow_credentials``, ``allow_origin_regex`` and
        ``allow_private_network`` rebuild the engine (atomically: requests
        see the old policy or the new one) and every derived attribute is
        recomputed; assigning a derived one is an ``AttributeError``."""
        starlette = self._engine.preset == "starlette"
        if name in _DERIVED and not starlette:
            raise AttributeError(
                f"{name} is computed from the other settings in the {self._engine.preset!r} preset and "
                f"cannot be assigned; assign allow_origins, allow_methods, allow_headers, allow_credentials, "
                f"allow_origin_regex or allow_private_network instead"
            )
        if name == "allow_origin_regex":
            self._assign_regex(value)
            return
        if name == "allow_origins":
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise TypeError(f"allow_origins = {value!r}: expected a collection of origins")
            entries = list(value)
            if starlette:
                # Starlette's own test: membership in the list.
                self._replace_origins_like_starlette([o for o in entries if o != "*"])
            else:
                self._reconfigure({"allow_origins": entries})
            kept = value if isinstance(value, (list, tuple, set, frozenset)) else entries
            object.__setattr__(self, "allow_origins", self._live("allow_origins", kept))
            return
        if starlette:
            if name in ("allow_methods", "allow_headers") and isinstance(value, Iterable) and not isinstance(value, str):
                value = self._live(name, value if isinstance(value, (list, tuple, set, frozenset)) else list(value))
            elif name in ("simple_headers", "preflight_headers"):
                value = self._live(name, value)
            object.__setattr__(self, name, value)
            if not self._diverged:
                self._diverged = True
                self._http = _compat_entry
            return
        if name in ("allow_methods", "allow_headers"):
            self._reconfigure({name: _as_list(name, value)})
        elif name in ("allow_credentials", "allow_private_network"):
            if not isinstance(value, bool):
                raise TypeError(f"{name} = {value!r}: expected True or False")
            self._reconfigure({name: value})
        else:  # pragma: no cover - every public attribute is handled above
            raise AttributeError(name)

    def _replace_origins_like_starlette(self, entries: list[Any]) -> None:
        """Starlette accepts any entry (one no browser origin can equal just
        never matches): entries the engine refuses are left out, with a lint
        naming each, instead of failing the assignment."""
        try:
            _call(self._engine.origins_replace, entries)
            return
        except CORSConfigError as exc:
            refused = {}
            for e in exc.errors:
                index = re.search(r"\[(\d+)\]$", e.field)
                if index is None:
                    raise
                refused[int(index.group(1))] = e
        lints = [
            CORSConfigWarning(f"allow_origins[{i}] = {e.value!r}: {e.message}; left out"
                              + (f" (hint: {e.hint})" if e.hint else ""), e.kind, f"allow_origins[{i}]", e.value,
                              e.hint)
            for i, e in sorted(refused.items())
        ]
        _emit(lints, bool(self._warn), 5)
        _call(self._engine.origins_replace, [o for i, o in enumerate(entries) if i not in refused])

    def _assign_regex(self, value: Any) -> None:
        if value is None:
            source, compiled = None, None
        elif isinstance(value, re.Pattern):
            source, compiled = value.pattern, value
        elif isinstance(value, str):
            source, compiled = value, re.compile(value)
        else:
            raise TypeError(f"allow_origin_regex = {value!r}: expected a str, a compiled re.Pattern or None")
        # The new pattern replaces every regex (a file's Rust ones too).
        self._reconfigure({"allow_origin_regex": []}, regex=(source, compiled))
        object.__setattr__(self, "allow_origin_regex", compiled)

    def _reconfigure(self, changes: Mapping[str, Any],
                     regex: Optional[tuple[Optional[str], Optional[re.Pattern[str]]]] = None) -> None:
        """Rebuilds the engine with ``changes`` and swaps it in at once; the
        origins and patterns changed at run time are kept."""
        config = dict(self._config)
        any_origin = "*" in (config.get("allow_origins") or ())
        config["allow_origins"] = list(self._engine.origins_list()) + (["*"] if any_origin else [])
        config["allow_origin_patterns"] = list(self._engine.patterns_list())
        config.update(changes)
        source, compiled = regex if regex is not None else (self._regex_source, self._compiled_regex)
        engine, python_regex = self._compile(config, source, compiled)
        # Lints of the new configuration are reported as at construction.
        as_warnings = self._warn if self._warn is not None else engine.preset != "starlette"
        _emit(self._lints(engine, source, config), as_warnings, 4)
        self._install(engine, python_regex)
        if self._engine.preset != "starlette":
            keep = {"allow_origin_regex": compiled if compiled is not None else _python_pattern(
                config.get("allow_origin_regex"))}
            self._set_attributes(config, keep["allow_origin_regex"], {})

    # --------------------------------------------------------- constructors

    @classmethod
    def from_config(
        cls,
        app: ASGIApp,
        config: Mapping[str, Any],
        *,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
        warn: Optional[bool] = None,
    ) -> CORSMiddleware:
        """Builds the middleware from a mapping in fastcors-core's configuration
        model (the keys of the TOML/JSON files; regexes use Rust syntax).
        Without a ``preset`` key the ``standard`` preset applies."""
        normalized = json.loads(_call(_native.config_normalize, json.dumps(dict(config))))
        mw = cls.__new__(cls)
        mw._setup(app, normalized, origin_predicate=origin_predicate, cors_on_errors=cors_on_errors, warn=warn)
        return mw

    @classmethod
    def from_file(
        cls,
        app: ASGIApp,
        path: Union[str, os.PathLike[str]],
        *,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
        warn: Optional[bool] = None,
    ) -> CORSMiddleware:
        """Builds the middleware from a TOML or JSON file (by extension) in
        fastcors-core's configuration model. Usable as a factory:
        ``app.add_middleware(CORSMiddleware.from_file, path="cors.toml")``."""
        config = json.loads(_call(_native.config_from_file, os.fspath(path)))
        mw = cls.__new__(cls)
        mw._setup(app, config, origin_predicate=origin_predicate, cors_on_errors=cors_on_errors, warn=warn)
        return mw

    @classmethod
    def from_env(
        cls,
        app: ASGIApp,
        environ: Optional[Mapping[str, str]] = None,
        *,
        origin_predicate: Optional[OriginPredicate] = None,
        cors_on_errors: bool = False,
        warn: Optional[bool] = None,
    ) -> CORSMiddleware:
        """Builds the middleware from ``CORS_*`` variables (``CORS_ALLOW_ORIGINS``,
        ``CORS_PRESET``, ...; lists are JSON or comma-separated) of ``environ``
        (default: ``os.environ``)."""
        env = os.environ if environ is None else environ
        pairs = [(k, v) for k, v in env.items() if k.startswith("CORS_")]
        config = json.loads(_call(_native.config_from_env, pairs))
        mw = cls.__new__(cls)
        mw._setup(app, config, origin_predicate=origin_predicate, cors_on_errors=cors_on_errors, warn=warn)
        return mw

    # ------------------------------------------------------ Starlette's API

    # Starlette's public attributes, plain instance attributes (read at C
    # speed); assigning one goes through _assign (see __setattr__).
    allow_origins: Collection[str]
    allow_methods: Collection[str]
    allow_headers: Collection[str]
    allow_all_origins: bool
    allow_all_headers: bool
    allow_credentials: bool
    allow_origin_regex: Optional[re.Pattern[str]]
    allow_private_network: bool
    preflight_explicit_allow_origin: bool
    simple_headers: dict[str, str]
    preflight_headers: dict[str, str]

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PUBLIC_SET and hasattr(self, "_engine"):
            self._assign(name, value)
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in _PUBLIC_SET:
            raise AttributeError(f"{name}: CORSMiddleware's attributes cannot be deleted")
        object.__delattr__(self, name)

    #: Which of Starlette's methods (:data:`HOOKS`) this class overrides.
    _overrides: frozenset[str] = frozenset()
    #: Whether requests are dispatched by Starlette's ``__call__`` in Python.
    _starlette_methods = False
    #: Whether the default ``preflight_response`` / ``send`` must run
    #: Starlette's algorithm in Python (they call overridden methods).
    _python_preflight = False
    _python_send = False
    #: Whether ``simple_response`` wraps ``send`` with ``self.send``.
    _wraps_send = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Finds, once per class, which of Starlette's methods the class
        overrides: a class overriding none (or only ``__call__``) keeps the
        native path; the others pay only the Python calls they need."""
        super().__init_subclass__(**kwargs)
        overrides = frozenset(name for name in HOOKS if getattr(cls, name) is not getattr(CORSMiddleware, name))
        cls._overrides = overrides
        cls._starlette_methods = bool(overrides - {"__call__"})
        cls._python_preflight = "is_allowed_origin" in overrides
        cls._python_send = bool(overrides & {"is_allowed_origin", "allow_explicit_origin"})
        cls._wraps_send = cls._python_send or "send" in overrides

    @property
    def preset(self) -> str:
        """``"starlette"`` (the drop-in) or ``"standard"`` (``strict=True``)."""
        return str(self._engine.preset)

    def is_allowed_origin(self, origin: str) -> bool:
        """Starlette's ``is_allowed_origin``: whether actual requests from
        ``origin`` get CORS headers. An origin only an async
        ``origin_predicate`` can judge counts as allowed once its answer is
        known (cached, or asked for the request being served)."""
        if self._diverged:
            return self._starlette_is_allowed_origin(origin)
        if self._engine.is_allowed_origin(origin):
            return True
        answered = _ANSWER.get()
        if answered is not None and answered[0] == origin:
            return bool(answered[1])
        if self._python_regex is not None and self._origin_predicate is not None:
            # The regex runs in Python next to an external predicate: hand its
            # (deterministic) "allowed" to the engine, as a request would
            # (the engine only asks about well-formed origins).
            if self._python_regex.fullmatch(origin) is not None:
                return bool(self._engine.is_allowed_origin(origin, True))
        return False

    def preflight_response(self, request_headers: Headers) -> Response:
        """Starlette's ``preflight_response``: the answer to a preflight, as
        a Starlette ``PlainTextResponse`` (fastcors' stand-in without
        Starlette). Evaluated natively unless the class overrides
        ``is_allowed_origin`` (or an attribute was changed): then Starlette
        1.10.0's code, line for line, calling ``self.is_allowed_origin``."""
        if not (self._diverged or self._python_preflight):
            scope = {"type": "http", "method": "OPTIONS", "headers": raw_headers(request_headers)}
            result = self._decided(scope, _discard)
            # Not a preflight to the engine (no Origin or method): Starlette's code answers.
            if result.__class__ is tuple:
                _, status, raw, body = result
                plain = any(k == b"content-type" and v.startswith(b"text/plain") for k, v in raw)
                native = (PlainTextResponse if plain else Response)(body, status_code=status)
                native.raw_headers = list(raw)
                return native

        requested_origin = request_headers["origin"]
        requested_method = request_headers["access-control-request-method"]
        requested_headers = request_headers.get("access-control-request-headers")
        requested_private_network = request_headers.get("access-control-request-private-network")

        headers = dict(self.preflight_headers)
        failures: list[str] = []

        if self.is_allowed_origin(origin=requested_origin):
            if self.preflight_explicit_allow_origin:
                headers["Access-Control-Allow-Origin"] = requested_origin
        else:
            failures.append("origin")

        if requested_method not in self.allow_methods:
            failures.append("method")

        if self.allow_all_headers and requested_headers is not None:
            headers["Access-Control-Allow-Headers"] = requested_headers
        elif requested_headers is not None:
            for header in [h.lower() for h in requested_headers.split(",")]:
                if header.strip() not in self.allow_headers:
                    failures.append("headers")
                    break

        if requested_private_network is not None:
            if self.allow_private_network:
                headers["Access-Control-Allow-Private-Network"] = "true"
            else:
                failures.append("private-network")

        if failures:
            failure_text = "Disallowed CORS " + ", ".join(failures)
            return PlainTextResponse(failure_text, status_code=400, headers=headers)

        return PlainTextResponse("OK", status_code=200, headers=headers)

    async def simple_response(self, scope: Scope, receive: Receive, send: Send, request_headers: Headers) -> None:
        """Starlette's ``simple_response``: calls the application with a
        ``send`` adding the CORS headers (natively, unless the class
        overrides ``send``, ``is_allowed_origin`` or ``allow_explicit_origin``:
        then ``self.send``, as Starlette does)."""
        if self._diverged or self._wraps_send:
            send = functools.partial(self.send, send=send, request_headers=request_headers)
            await self.app(scope, receive, send)
            return
        actual = {"type": "http", "method": "GET", "headers": raw_headers(request_headers)}
        wrapped = self._decided(actual, send)
        if wrapped.__class__ is tuple:  # refused (block_disallowed)
            _, status, headers, body = wrapped
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if self._cors_on_errors:
            await self._call_guarded(scope, receive, wrapped)
        else:
            await self.app(scope, receive, wrapped)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        """Starlette's ``send``: adds the CORS headers to
        ``http.response.start`` and passes every message to ``send``
        (natively, unless the class overrides ``is_allowed_origin`` or
        ``allow_explicit_origin``, or an attribute was changed: then
        Starlette 1.10.0's code, line for line)."""
        if message["type"] != "http.response.start":
            await send(message)
            return
        if not (self._diverged or self._python_send):
            actual = {"type": "http", "method": "GET", "headers": raw_headers(request_headers)}
            wrapped = self._decided(actual, send)
            await (send if wrapped.__class__ is tuple else wrapped)(message)
            return

        message.setdefault("headers", [])
        headers = MutableHeaders(scope=message)
        origin = request_headers.get("Origin")
        if origin is not None:
            headers.update(self.simple_headers)

        if origin is not None and self.allow_all_origins and self.allow_credentials:
            self.allow_explicit_origin(headers, origin)
        elif origin is not None and not self.allow_all_origins and self.is_allowed_origin(origin=origin):
            self.allow_explicit_origin(headers, origin)
        else:
            headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])

        await send(message)

    @staticmethod
    def allow_explicit_origin(headers: MutableHeaders, origin: str) -> None:
        """Starlette's ``allow_explicit_origin``: reflects ``origin`` and adds
        ``Origin`` to ``Vary``."""
        headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])

    # ------------------------------------- Starlette's algorithm, in Python

    async def _starlette_call(self, scope: Scope, receive: Receive, send: Send, headers: Headers,
                              origin: str) -> None:
        """Starlette's dispatch with an ``origin_predicate``: Starlette's
        methods are synchronous, so an async predicate is asked here, once,
        and its answer is what they see for this request."""
        token = None
        pending: Any = self._engine.http(scope, _discard)
        if pending.__class__ is tuple and pending[0] == _PENDING:
            token = _ANSWER.set((pending[1], await self._judge(pending[1])))
        try:
            if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
                response = self.preflight_response(request_headers=headers)
                await response(scope, receive, send)
                return
            await self.simple_response(scope, receive, send, request_headers=headers)
        finally:
            if token is not None:
                _ANSWER.reset(token)

    def _decided(self, scope: Scope, send: Send) -> Any:
        """The engine's final answer for ``scope`` (a pending origin judged
        with the answer already obtained for the request, or synchronously)."""
        result: Any = self._engine.http(scope, send)
        if result.__class__ is tuple and result[0] == _PENDING:
            answered = _ANSWER.get()
            if answered is not None and answered[0] == result[1]:
                answer = answered[1]
            else:
                try:
                    answer = self._judge_sync(result[1])
                except Exception:
                    logger.exception("origin_predicate failed for %r; the origin is treated as not allowed",
                                     result[1])
                    answer = None
            result = self._engine.http_resume(scope, send, answer)
        return result

    def _starlette_is_allowed_origin(self, origin: str) -> bool:
        """Starlette's ``is_allowed_origin`` over the attributes, then
        fastcors' extras (patterns, rules, predicate) if configured."""
        if self.allow_all_origins:
            return True
        if self.allow_origin_regex is not None and self.allow_origin_regex.fullmatch(origin):
            return True
        if origin in self.allow_origins:
            return True
        return self._has_extras and bool(self._engine.is_allowed_origin(origin))

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
                elif result[0] == _COMPAT:
                    # Starlette's own dispatch (a subclass overriding its
                    # methods, or an instance whose attributes changed).
                    request_headers = Headers(scope=scope)
                    origin = request_headers.get("origin")
                    if origin is not None and self._origin_predicate is not None:
                        await self._starlette_call(scope, receive, send, request_headers, origin)
                    elif origin is not None and scope["method"] == "OPTIONS" and \
                            "access-control-request-method" in request_headers:
                        response = self.preflight_response(request_headers=request_headers)
                        await response(scope, receive, send)
                    else:
                        await self.simple_response(scope, receive, send, request_headers=request_headers)
                    return
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
        result: Any = self._engine.websocket(scope)
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
        origins = list(getattr(self, "allow_origins", ()))
        preset = self.preset if hasattr(self, "_engine") else "?"
        return f"{type(self).__name__}(preset={preset!r}, allow_origins={origins!r})"

