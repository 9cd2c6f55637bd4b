"""Extracts Starlette 1.10.0's own CORS tests from its sdist, with only the
import changed to fastcors, so that they run against fastcors.

Nothing of Starlette is committed: the sdist is found (``$FASTCORS_STARLETTE_SDIST``,
a directory or ``.tar.gz``; else ``/tmp/sl/starlette-1.10.0``; else the pip
cache of a previous run) or downloaded with ``pip download`` from the package
registry, and the files are written to ``tests/_starlette_suite/`` (ignored by
git), with Starlette's pytest settings (the ``[tool.pytest.ini_options]``
table of its pyproject.toml, whose ``filterwarnings`` makes every warning an
error)::

    python tests/starlette_suite.py          # prints the extracted test file's path
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

from fastcors import STARLETTE_VERSION as VERSION  # the one place it is stated
HERE = Path(__file__).resolve().parent
OUT = HERE / "_starlette_suite"
CACHE = HERE / "_starlette_suite" / "_sdist"
ORIGINAL_IMPORT = "from starlette.middleware.cors import CORSMiddleware\n"
NEW_IMPORT = "from fastcors import CORSMiddleware\n"
FILES = ("tests/__init__.py", "tests/conftest.py", "tests/types.py", "tests/middleware/__init__.py",
         "tests/middleware/test_cors.py", "pyproject.toml")
PYTEST_SECTION = "[tool.pytest.ini_options]"


def _sdist_tarball() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"starlette-{VERSION}.tar.gz"))
    if found:
        return found[0]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         f"starlette=={VERSION}", "-d", str(CACHE), "-q"],
        check=True,
    )
    return sorted(CACHE.glob(f"starlette-{VERSION}.tar.gz"))[0]


def _read_sources() -> dict[str, bytes]:
    configured = os.environ.get("FASTCORS_STARLETTE_SDIST")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(f"/tmp/sl/starlette-{VERSION}"))
    for c in candidates:
        if c.is_dir() and (c / "tests/middleware/test_cors.py").is_file():
            return {f: (c / f).read_bytes() for f in FILES}
        if c.is_file():
            return _from_tar(c)
    return _from_tar(_sdist_tarball())


def _from_tar(path: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            rel = member.name.split("/", 1)[-1]
            if rel in FILES:
                f = tar.extractfile(member)
                assert f is not None
                out[rel] = f.read()
    missing = set(FILES) - set(out)
    if missing:
        raise RuntimeError(f"{path}: missing {sorted(missing)}")
    return out


def extract() -> Path:
    """Writes the suite under ``tests/_starlette_suite`` and returns the path
    of the rewritten ``test_cors.py``."""
    sources = _read_sources()
    for rel, data in sources.items():
        text = data.decode("utf-8")
        if rel == "pyproject.toml":
            text = pytest_settings(text)
        if rel.endswith("test_cors.py"):
            if text.count(ORIGINAL_IMPORT) != 1:
                raise RuntimeError("test_cors.py: the CORSMiddleware import line was not found exactly once")
            text = text.replace(ORIGINAL_IMPORT, NEW_IMPORT)
        dest = OUT / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    # Starlette's own pytest settings (its pyproject.toml's
    # [tool.pytest.ini_options], verbatim: warnings are errors) also keep
    # pytest from picking up fastcors' configuration for this tree.
    stale = OUT / "pytest.ini"
    if stale.exists():
        stale.unlink()
    return OUT / "tests/middleware/test_cors.py"


def pytest_settings(pyproject: str) -> str:
    """The ``[tool.pytest.ini_options]`` table of Starlette's pyproject.toml,
    unchanged, as a pyproject.toml of its own."""
    start = pyproject.find("\n" + PYTEST_SECTION + "\n")
    if start < 0:
        raise RuntimeError(f"pyproject.toml: no {PYTEST_SECTION} table")
    body = pyproject[start + 1:]
    nxt = body.find("\n[", len(PYTEST_SECTION))
    section = body if nxt < 0 else body[: nxt + 1]
    if '"error"' not in section:
        raise RuntimeError("Starlette's pytest settings no longer turn warnings into errors")
    return section


if __name__ == "__main__":
    print(extract())
