"""Starlette 1.10.0's own tests/middleware/test_cors.py against fastcors (only
its import changed), extracted from the sdist at test time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
HERE = Path(__file__).resolve().parent


def test_starlettes_own_cors_tests_pass() -> None:
    try:
        from starlette_suite import extract

        test_file = extract()
    except Exception as exc:  # pragma: no cover - no sdist and no registry
        pytest.skip(f"Starlette's sdist is not available: {exc}")
    env = dict(os.environ)
    # The subprocess imports the same fastcors as this one: the source tree
    # (an in-place build) only when that is what is under test here, never
    # in place of an installed wheel.
    import fastcors

    src = HERE.parent / "src"
    if Path(fastcors.__file__).resolve().is_relative_to(src.resolve()):
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        # Starlette's own pytest settings, nothing added: warnings are errors.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(test_file.relative_to(test_file.parents[2]))],
        cwd=test_file.parents[2], env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", proc.stdout).group(1))  # type: ignore[union-attr]
    assert passed >= 18
    settings = (test_file.parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"error"' in settings and "filterwarnings" in settings
