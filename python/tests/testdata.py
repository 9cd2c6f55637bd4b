"""Loaders for the test data shared with the Rust crates (one copy, in
``crates/cors-core/tests``; the format is in the README there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "crates" / "cors-core" / "tests"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def value(spec: Any) -> bytes:
    """The bytes a value spec stands for."""
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "repeat" in spec:
        return value(spec["repeat"]) * spec["times"]
    if "join" in spec:
        out, i, sep, max_len = bytearray(), 0, spec["sep"].encode(), spec["max_len"]
        while len(out) < max_len:
            if i:
                out += sep
            out += spec["join"].replace("{i}", str(i)).encode()
            i += 1
        return bytes(out[:max_len]).rstrip(b", ")
    if "concat" in spec:
        return b"".join(value(v) for v in spec["concat"])
    raise ValueError(f"unknown value spec {spec!r}")


def fields(case: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """A hostile case's header fields, in order."""
    out: list[tuple[bytes, bytes]] = []
    for item in case["fields"]:
        if isinstance(item, list):
            out.append((item[0].encode(), value(item[1])))
            continue
        for i in range(item["times"]):
            for name, v in item["fields"]:
                raw = v.replace("{i}", str(i)).encode() if isinstance(v, str) else value(v)
                out.append((name.replace("{i}", str(i)).encode(), raw))
    return out


def _dedup(items: list[bytes]) -> list[bytes]:
    seen: set[bytes] = set()
    return [o for o in items if not (o in seen or seen.add(o))]


def shared_attackers(corpus: dict[str, Any], lint: list[str]) -> list[bytes]:
    """Origins every corpus entry must refuse (``lint``: the look-alikes of
    ``attacker_origins(corpus["lint_domain"])``)."""
    out = [value(v) for v in corpus["attackers"]]
    for template in corpus["special_templates"]:
        before, after = template.split("{c}")
        out += [before.encode() + value(c) + after.encode() for c in corpus["special"]]
    out += [o.encode() for o in lint]
    return _dedup(out)


def attackers_of(corpus: dict[str, Any], entry: dict[str, Any], lint: list[str]) -> list[bytes]:
    return _dedup(shared_attackers(corpus, lint) + [value(v) for v in entry.get("attackers", [])])
