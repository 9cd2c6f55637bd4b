"""Exceptions and warnings raised by fastcors."""

from __future__ import annotations

from typing import NamedTuple

from . import _native

__all__ = [
    "CORSConfigError",
    "CORSConfigWarning",
    "CORSInternalError",
    "ConfigProblem",
]


class ConfigProblem(NamedTuple):
    """One configuration problem found by fastcors-core."""

    field: str
    """The parameter, with an index for list entries (``allow_origins[2]``)."""
    value: str
    """The offending value, as written."""
    message: str
    """What is wrong."""
    hint: str
    """How to fix it."""
    kind: str = "Other"
    """fastcors-core's error kind (``UnknownKey``, ``InvalidToken``, ``InvalidRegex``,
    ...), stable across releases: match on it, not on ``message``."""


class CORSConfigError(ValueError):
    """An invalid CORS configuration, raised when the middleware is built.

    ``errors`` lists every problem found, each naming the parameter and value.
    """

    def __init__(self, message: str, errors: list[ConfigProblem] | None = None) -> None:
        super().__init__(message)
        self.errors: list[ConfigProblem] = list(errors or [])

    @classmethod
    def _from_native(cls, exc: BaseException) -> CORSConfigError:
        args = exc.args
        message = str(args[0]) if args else str(exc)
        details = args[1] if len(args) > 1 else []
        return cls(message, [ConfigProblem(*d) for d in details])


class CORSConfigWarning(UserWarning):
    """A configuration that works, but probably not as intended.

    ``kind`` is fastcors-core's warning kind (``BroadMatch``, ``NeverMatches``,
    ``Normalized``, ...), ``field`` and ``value`` name what it is about.
    """

    def __init__(self, message: str, kind: str = "Other", field: str = "", value: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.field = field
        self.value = value
        self.hint = hint


#: Raised when fastcors' native code fails unexpectedly (a Rust panic is
#: turned into this ``RuntimeError`` subclass instead of aborting).
CORSInternalError = _native.InternalError
