"""Type stubs for ``fastcors._native``, the PyO3 bindings of fastcors-core."""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Optional, Union

MAX_REQUEST_HEADER_FIELDS: int
#: Starlette's ``ALL_METHODS``.
STARLETTE_ALL_METHODS: tuple[str, ...]
#: Starlette's ``SAFELISTED_HEADERS``.
STARLETTE_SAFELISTED_HEADERS: tuple[str, ...]

class NativeConfigError(ValueError):
    """``args``: ``(message, [(field, value, message, hint, kind), ...])``;
    ``kind`` is fastcors-core's ``ConfigErrorKind`` (``"UnknownKey"``, ...)."""

class InternalError(RuntimeError):
    """A Rust panic, surfaced as an exception."""

_Headers = list[tuple[bytes, bytes]]
_Respond = tuple[int, int, _Headers, bytes]
_Pending = tuple[int, str]

class SendWrapper:
    """The ``send`` given to the application: rewrites ``http.response.start``."""

    def __call__(self, message: MutableMapping[str, Any]) -> Awaitable[None]: ...
    @property
    def started(self) -> bool: ...
    @property
    def inner(self) -> Callable[[MutableMapping[str, Any]], Awaitable[None]]: ...

class Engine:
    """One configured policy (fastcors-core's ``Cors``)."""

    def __new__(
        cls,
        config_json: str,
        *,
        predicate: Optional[Callable[[str], Any]] = None,
        external: bool = False,
        always_wrap: bool = False,
        log: Optional[Callable[[str, str, list[str], int], None]] = None,
    ) -> "Engine": ...
    def http(
        self, scope: MutableMapping[str, Any], send: Callable[[MutableMapping[str, Any]], Awaitable[None]]
    ) -> Union[SendWrapper, Callable[[MutableMapping[str, Any]], Awaitable[None]], _Respond, _Pending]: ...
    def http_resume(
        self,
        scope: MutableMapping[str, Any],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
        answer: Optional[bool],
    ) -> Union[SendWrapper, Callable[[MutableMapping[str, Any]], Awaitable[None]], _Respond]:
        """``http()`` after ``(1, origin)``: ``answer`` is the predicate's
        (``None``: it raised or timed out, denied and not cached)."""
    def websocket(self, scope: MutableMapping[str, Any]) -> Union[None, _Respond, _Pending]: ...
    def websocket_resume(self, scope: MutableMapping[str, Any], answer: Optional[bool]) -> Optional[_Respond]: ...
    def explain(
        self,
        method: bytes,
        origin: Optional[bytes] = None,
        request_method: Optional[bytes] = None,
        request_headers: Optional[bytes] = None,
        private_network: Optional[bytes] = None,
        websocket: bool = False,
        answer: Optional[bool] = None,
    ) -> str: ...
    def is_allowed_origin(self, origin: str, answer: Optional[bool] = None) -> bool: ...
    @property
    def preset(self) -> str: ...
    @property
    def websocket_checked(self) -> bool: ...
    @property
    def origin_check_timeout(self) -> float: ...
    @property
    def starlette_attributes(self) -> dict[str, Any]:
        """Starlette's public attributes; ``simple_headers`` and
        ``preflight_headers`` as ordered ``(name, value)`` lists."""
    @property
    def warnings(self) -> list[tuple[str, str, str, str, str]]: ...
    def origins_add(self, origin: str) -> None: ...
    def origins_remove(self, origin: str) -> bool: ...
    def origins_replace(self, origins: list[str]) -> None: ...
    def origins_list(self) -> list[str]: ...
    def patterns_add(self, pattern: str) -> None: ...
    def patterns_remove(self, pattern: str) -> bool: ...
    def patterns_replace(self, patterns: list[str]) -> None: ...
    def patterns_list(self) -> list[str]: ...

def config_from_file(path: str) -> str: ...
def config_from_env(environ: list[tuple[str, str]]) -> str: ...
def config_normalize(json: str) -> str: ...
def attacker_origins(domain: str) -> list[str]: ...
def _panic_for_tests() -> None: ...
def _set_header(headers: Any, name: bytes, value: bytes) -> list[Any]: ...
