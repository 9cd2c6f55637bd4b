"""Translating Python ``re`` patterns into equivalent Rust ``regex`` patterns.

``allow_origin_regex`` keeps Python's meaning. A pattern is handed to the Rust
engine only when it can be rewritten into a Rust pattern that matches exactly
the same strings under full-match; otherwise the middleware keeps calling
Python's ``re.fullmatch`` for it. The translation works on Python's own parse
tree (so Python decides what the pattern means) and emits only constructs whose
semantics are identical in both engines:

* literals, ``.`` (with or without DOTALL), character classes made of literals
  and ranges (negated or not), groups, alternation, greedy and lazy repeats;
* ``^``/``\\A`` anywhere, ``$`` only where nothing can follow it (Python's ``$``
  also matches before a final newline, which only matters if something follows),
  ``\\Z`` anywhere.

Everything else falls back: ``\\d``/``\\w``/``\\s``/``\\b`` (Unicode tables and
definitions differ), IGNORECASE, MULTILINE, LOCALE, scoped flags, look-around,
back-references, conditionals, atomic groups and possessive repeats.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.9 / 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["to_rust"]

_MAXREPEAT = _c.MAXREPEAT
# Flags that leave the meaning of the parse tree unchanged: UNICODE is the
# default for str patterns, VERBOSE only affects parsing, DOTALL is handled.
_ALLOWED_FLAGS = re.UNICODE | re.VERBOSE | re.DOTALL
_META = set("\\.+*?()|[]{}^$#&-~")


# Nodes that are emitted as one atom (a quantifier applies to all of it).
_ATOMS = {"LITERAL", "NOT_LITERAL", "ANY", "IN", "SUBPATTERN", "BRANCH"}
# Nodes whose emitted form is already a group or an atom.
_SELF_GROUPED = {"LITERAL", "NOT_LITERAL", "ANY", "IN", "BRANCH"}


class _Unsupported(Exception):
    pass


def _name(op: Any) -> str:
    return str(getattr(op, "name", op))


def _char(code: int, in_class: bool = False) -> str:
    if 0xD800 <= code <= 0xDFFF:
        raise _Unsupported("lone surrogate")
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    if not in_class and ch in ":/_@%!,;='\"<> ":
        return ch
    if ch in _META:
        return "\\" + ch
    return "\\x{%x}" % code


def _class(items: list[tuple[Any, Any]]) -> str:
    out = []
    negate = False
    for i, (op, av) in enumerate(items):
        name = _name(op)
        if name == "NEGATE" and i == 0:
            negate = True
        elif name == "LITERAL":
            out.append(_char(av, True))
        elif name == "RANGE":
            lo, hi = av
            out.append(_char(lo, True) + "-" + _char(hi, True))
        else:
            raise _Unsupported(name)
    if not out:
        raise _Unsupported("empty class")
    return "[" + ("^" if negate else "") + "".join(out) + "]"


def _atomic(s: str) -> str:
    """Wraps ``s`` so that a quantifier applies to all of it."""
    return "(?:" + s + ")"


def _seq(items: list[tuple[Any, Any]], tail: bool, dotall: bool) -> str:
    out = []
    n = len(items)
    for i, (op, av) in enumerate(items):
        out.append(_node(op, av, tail and i == n - 1, dotall))
    return "".join(out)


def _node(op: Any, av: Any, tail: bool, dotall: bool) -> str:
    name = _name(op)
    if name == "LITERAL":
        return _char(av)
    if name == "NOT_LITERAL":
        return "[^" + _char(av, True) + "]"
    if name == "ANY":
        return "(?s:.)" if dotall else "."
    if name == "IN":
        return _class(list(av))
    if name == "BRANCH":
        _, alternatives = av
        return "(?:" + "|".join(_seq(list(a), tail, dotall) for a in alternatives) + ")"
    if name == "SUBPATTERN":
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unsupported("scoped flags")
        sub = list(sub)
        if len(sub) == 1 and _name(sub[0][0]) in _SELF_GROUPED:
            return _node(sub[0][0], sub[0][1], tail, dotall)
        return "(?:" + _seq(sub, tail, dotall) + ")"
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        lo, hi, sub = av
        sub = list(sub)
        body = _seq(sub, False, dotall)
        if not (len(sub) == 1 and _name(sub[0][0]) in _ATOMS):
            body = _atomic(body)
        if hi == _MAXREPEAT:
            q = "*" if lo == 0 else "+" if lo == 1 else "{%d,}" % lo
        elif lo == hi:
            q = "{%d}" % lo
        elif (lo, hi) == (0, 1):
            q = "?"
        else:
            q = "{%d,%d}" % (lo, hi)
        return body + q + ("?" if name == "MIN_REPEAT" else "")
    if name == "AT":
        at = _name(av)
        if at in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
            return "^"
        if at == "AT_END_STRING" or (at == "AT_END" and tail):
            return "$"
        raise _Unsupported(at)
    raise _Unsupported(name)


def to_rust(pattern: str) -> str | None:
    """An equivalent Rust pattern for ``re.fullmatch(pattern, s)``, or ``None``.

    ``None`` means the pattern must keep running on Python's ``re``.
    """
    if not isinstance(pattern, str):
        return None
    try:
        parsed = _p.parse(pattern, 0)
        flags = parsed.state.flags
        if flags & ~_ALLOWED_FLAGS:
            return None
        return _seq(list(parsed), True, bool(flags & re.DOTALL))
    except (_Unsupported, re.error, RecursionError):
        return None
    except Exception:  # pragma: no cover - private parser API changed: stay correct
        return None
