"""Fixtures of the browser tests: one browser run per backend, shared by
every scenario test of that backend (a session-scoped parametrized fixture,
so pytest runs each backend's servers and Chromium exactly once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import harness
from harness import BACKENDS, Backend, BrowserRun, PageServer, RustBuild

# backend name -> run, or the exception that prevented it (for the summary).
_runs: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    harness.install_cleanup_handlers()


def pytest_unconfigure(config: pytest.Config) -> None:
    harness.stop_all()


@pytest.fixture(scope="session")
def page_server() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def rust_build() -> RustBuild:
    """Every Rust example server, built once per session."""
    return harness.build_rust_examples(BACKENDS)


@pytest.fixture(scope="session", params=BACKENDS, ids=lambda b: b.name)
def run(request: pytest.FixtureRequest, page_server: PageServer,
        tmp_path_factory: pytest.TempPathFactory) -> BrowserRun:
    """The backend's browser run. If its servers cannot be built or started,
    every test of the backend errors with the reason (never skipped)."""
    backend: Backend = request.param
    build = request.getfixturevalue("rust_build") if backend.is_rust else None
    workdir: Path = tmp_path_factory.mktemp(backend.name)
    try:
        result = harness.run_backend(backend, page_server, workdir, build)
    except Exception as exc:
        _runs[backend.name] = exc
        raise
    _runs[backend.name] = result
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """A scenario x backend table of what Chromium did."""
    if not _runs:
        return
    tr = terminalreporter
    tr.section("browser outcomes (role/scenario x backend)")
    names = [b.name for b in BACKENDS if b.name in _runs]
    rows: dict[str, dict[str, str]] = {}
    for name in names:
        value = _runs[name]
        if not isinstance(value, BrowserRun):
            continue
        for role, results in value.results.items():
            for scenario, outcome in results.items():
                cell = outcome.get("outcome", "?")
                if "status" in outcome:
                    cell += f" {outcome['status']}"
                rows.setdefault(f"{role}/{scenario}", {})[name] = cell
    width = max([len(k) for k in rows] + [10])
    tr.write_line(f"{'':{width}}  " + "  ".join(f"{n:>14}" for n in names))
    for key, cells in rows.items():
        tr.write_line(f"{key:{width}}  " + "  ".join(f"{cells.get(n, '-'):>14}" for n in names))
    tr.write_line("")
    tr.write_line("Chromium's console reasons for blocked fetches:")
    reasons: dict[tuple[str, str], list[str]] = {}
    for name in names:
        value = _runs[name]
        if not isinstance(value, BrowserRun):
            continue
        for role, results in value.results.items():
            for scenario, outcome in results.items():
                if outcome.get("outcome") == "blocked":
                    reason_key = (f"{role}/{scenario}", outcome.get("reason", "(no console message)"))
                    reasons.setdefault(reason_key, []).append(name)
    for (scenario, reason), backends in sorted(reasons.items()):
        tr.write_line(f"  {scenario} [{', '.join(backends)}]: {reason}")
    for name in names:
        if not isinstance(_runs[name], BrowserRun):
            first_line = str(_runs[name]).splitlines()[0] if str(_runs[name]) else type(_runs[name]).__name__
            tr.write_line(f"{name}: NOT RUN: {first_line}")
