"""Starlette's ``Headers``, ``MutableHeaders``, ``Response`` and
``PlainTextResponse`` when Starlette is importable; otherwise small
stand-ins with the same behaviour for what ``CORSMiddleware``'s Starlette
methods use (fastcors has no runtime dependency on Starlette)."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator, Mapping, MutableMapping
from typing import Any, Callable, Optional

__all__ = ["HAVE_STARLETTE", "Headers", "MutableHeaders", "PlainTextResponse", "Response", "raw_headers"]

try:
    from starlette.datastructures import Headers, MutableHeaders
    from starlette.responses import PlainTextResponse, Response

    HAVE_STARLETTE = True
except ImportError:  # pragma: no cover - exercised by test_subclass without Starlette
    HAVE_STARLETTE = False

    class Headers(Mapping[str, str]):  # type: ignore[no-redef]
        """An immutable, case-insensitive multidict over raw ASGI headers
        (Starlette's ``Headers`` for ``scope=`` or ``raw=``)."""

        def __init__(
            self,
            headers: Optional[Mapping[str, str]] = None,
            raw: Optional[list[tuple[bytes, bytes]]] = None,
            scope: Optional[MutableMapping[str, Any]] = None,
        ) -> None:
            self._list: list[tuple[bytes, bytes]] = []
            if headers is not None:
                self._list = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
            elif raw is not None:
                self._list = raw
            elif scope is not None:
                self._list = scope["headers"] = list(scope["headers"])

        @property
        def raw(self) -> list[tuple[bytes, bytes]]:
            return self._list

        def keys(self) -> list[str]:  # type: ignore[override]
            return [k.decode("latin-1") for k, _ in self._list]

        def values(self) -> list[str]:  # type: ignore[override]
            return [v.decode("latin-1") for _, v in self._list]

        def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
            return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._list]

        def getlist(self, key: str) -> list[str]:
            k = key.lower().encode("latin-1")
            return [v.decode("latin-1") for ik, v in self._list if ik == k]

        def __getitem__(self, key: str) -> str:
            k = key.lower().encode("latin-1")
            for ik, v in self._list:
                if ik == k:
                    return v.decode("latin-1")
            raise KeyError(key)

        def __contains__(self, key: Any) -> bool:
            k = key.lower().encode("latin-1")
            return any(ik == k for ik, _ in self._list)

        def __iter__(self) -> Iterator[str]:
            return iter(self.keys())

        def __len__(self) -> int:
            return len(self._list)

        def __repr__(self) -> str:
            return f"{type(self).__name__}(raw={self._list!r})"

    class MutableHeaders(Headers):  # type: ignore[no-redef]
        """Starlette's ``MutableHeaders`` set/update/append semantics."""

        def __setitem__(self, key: str, value: str) -> None:
            set_key = key.lower().encode("latin-1")
            set_value = value.encode("latin-1")
            found = [i for i, (k, _) in enumerate(self._list) if k == set_key]
            for i in reversed(found[1:]):
                del self._list[i]
            if found:
                self._list[found[0]] = (set_key, set_value)
            else:
                self._list.append((set_key, set_value))

        def __delitem__(self, key: str) -> None:
            del_key = key.lower().encode("latin-1")
            for i in reversed([i for i, (k, _) in enumerate(self._list) if k == del_key]):
                del self._list[i]

        def update(self, other: Mapping[str, str]) -> None:  # type: ignore[override]
            for key, val in other.items():
                self[key] = val

        def append(self, key: str, value: str) -> None:
            self._list.append((key.lower().encode("latin-1"), value.encode("latin-1")))

        def add_vary_header(self, vary: str) -> None:
            self["vary"] = ", ".join([*self.getlist("vary"), vary])

    class Response:  # type: ignore[no-redef]
        """A response with a body, sent as two ASGI messages."""

        media_type: Optional[str] = None
        charset = "utf-8"

        def __init__(
            self,
            content: Any = None,
            status_code: int = 200,
            headers: Optional[Mapping[str, str]] = None,
            media_type: Optional[str] = None,
            background: Optional[Callable[[], Awaitable[None]]] = None,
        ) -> None:
            self.status_code = status_code
            if media_type is not None:
                self.media_type = media_type
            self.background = background
            if content is None:
                self.body = b""
            elif isinstance(content, (bytes, memoryview)):
                self.body = bytes(content)
            else:
                self.body = content.encode(self.charset)
            raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
            keys = [k for k, _ in raw]
            if b"content-length" not in keys and not (status_code < 200 or status_code in (204, 304)):
                raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
            ct = self.media_type
            if ct is not None and b"content-type" not in keys:
                if ct.startswith("text/") and "charset=" not in ct.lower():
                    ct += "; charset=" + self.charset
                raw.append((b"content-type", ct.encode("latin-1")))
            self.raw_headers = raw

        @property
        def headers(self) -> MutableHeaders:
            if not hasattr(self, "_headers"):
                self._headers = MutableHeaders(raw=self.raw_headers)
            return self._headers

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            await send({"type": "http.response.body", "body": self.body})
            if self.background is not None:
                await self.background()

    class PlainTextResponse(Response):  # type: ignore[no-redef]
        media_type = "text/plain"


def raw_headers(request_headers: Any) -> list[tuple[bytes, bytes]]:
    """The raw ASGI header list behind a ``Headers``-like object (any
    mapping of ``str`` to ``str`` works too)."""
    raw = getattr(request_headers, "raw", None)
    if isinstance(raw, list):
        return raw
    items = request_headers.items() if hasattr(request_headers, "items") else request_headers
    return [
        (k.lower().encode("latin-1") if isinstance(k, str) else k, v.encode("latin-1") if isinstance(v, str) else v)
        for k, v in items
    ]
