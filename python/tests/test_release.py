"""Release consistency: the Starlette version the drop-in matches is stated in
one place (``fastcors.STARLETTE_VERSION``) and everything else agrees with it;
one version for the crates and the Python package; and, when
``scripts/release-check.sh`` runs the suite against an installed wheel or
sdist, that it is that installed copy which is under test."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import fastcors

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "python" / "pyproject.toml"
V = fastcors.STARLETTE_VERSION
# "Starlette 1.10.0", "starlette==1.10.0", "starlette-1.10.0" (an sdist's name).
MENTION = re.compile(r"\bstarlette(?:==|-| )(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


def _installed(name: str) -> importlib.metadata.Distribution:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source tree on PYTHONPATH
        pytest.skip(f"{name} is not installed as a distribution")


def test_starlette_version_is_a_release() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", V)


def test_test_extra_pins_that_starlette() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    assert re.findall(r'"starlette==([^"]+)"', text) == [V]


def test_installed_metadata_pins_that_starlette() -> None:
    reqs = _installed("fastcors").requires or []
    pins = [r.split(";")[0].replace(" ", "") for r in reqs if r.lower().startswith("starlette")]
    assert f"starlette=={V}" in pins, reqs


def test_installed_starlette_is_that_version() -> None:
    # The differential tests and Starlette's own suite compare with it.
    starlette = pytest.importorskip("starlette")
    assert starlette.__version__ == V


def test_every_mention_in_the_repository_agrees() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    wrong = []
    for rel in files:
        # The changelog records history; fuzz seeds are data.
        if not rel or rel == "CHANGELOG.md" or rel.startswith("fuzz/corpus/"):
            continue
        path = ROOT / rel
        if not path.is_file() or path.is_symlink() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for m in MENTION.finditer(text):
            if m.group(1) != V:
                line = text.count("\n", 0, m.start()) + 1
                wrong.append(f"{rel}:{line}: {m.group(0)}")
    assert not wrong, f"not Starlette {V} (fastcors.STARLETTE_VERSION):\n" + "\n".join(wrong)


def test_one_version_for_all() -> None:
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    ws = re.search(r'^\[workspace\.package\]\n(?:[^\[].*\n)*?version = "([^"]+)"', cargo, re.MULTILINE)
    assert ws, "no version in [workspace.package]"
    py = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(encoding="utf-8"), re.MULTILINE)
    assert py
    # Internal dependencies carry the same version as the crates.
    internal = re.findall(r'^fastcors-\w+ = \{ path = "[^"]+", version = "([^"]+)" \}', cargo, re.MULTILINE)
    assert internal and set(internal) == {ws.group(1)}
    assert fastcors.__version__ == ws.group(1) == py.group(1)
    assert _installed("fastcors").version == fastcors.__version__


def test_the_copy_under_test_is_the_expected_one() -> None:
    """``FASTCORS_EXPECT_PREFIX`` (set by scripts/release-check.sh): the
    package and its native module are imported from that environment, not
    from the source tree."""
    prefix = os.environ.get("FASTCORS_EXPECT_PREFIX")
    if not prefix:
        pytest.skip("FASTCORS_EXPECT_PREFIX not set")
    prefix_path = Path(prefix).resolve()
    pkg = Path(fastcors.__file__).resolve()
    native = Path(fastcors._native.__file__).resolve()  # type: ignore[attr-defined]
    assert pkg.is_relative_to(prefix_path), pkg
    assert native.is_relative_to(prefix_path), native
    assert not pkg.is_relative_to((ROOT / "python" / "src").resolve())
