"""Processes and servers for the real-browser tests.

One *browser run* per backend: two API servers (policies ``main`` and ``alt``)
on ``api.test``, the page server for every page origin, and one headless
Chromium loading ``http://app.test:<port>/page.html``. That page embeds one
iframe per other origin (``evil.test``, ``a.b.app.test``, ``evilapp.test``);
every page runs its scenarios and POSTs the outcomes to ``/result`` on its own
origin, where :class:`PageServer` collects them.

Host names reach 127.0.0.1 through Chromium's ``--host-resolver-rules``;
nothing leaves loopback. Every process is started in its own process group,
registered, and killed by :func:`stop_all` (teardown, ``atexit``, SIGTERM),
and listed in ``$BROWSER_PIDFILE`` while it lives (when set) so that run.sh
can kill leftovers even if pytest itself is killed.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parent.parent
PAGE_DIR = BROWSER_DIR / "page"
CONFIG_DIR = BROWSER_DIR / "configs"

API_HOST = "api.test"
#: Page roles and the host each is served from. ``allowed`` is the top page.
ROLE_HOSTS: dict[str, str] = {
    "allowed": "app.test",
    "evil": "evil.test",
    "deep": "a.b.app.test",
    "lookalike": "evilapp.test",
}
POLICIES = ("main", "alt")

SERVER_START_TIMEOUT = 30.0
RESULTS_TIMEOUT = 75.0
CARGO_BUILD_TIMEOUT = 1500.0


# --------------------------------------------------------------- processes


class ManagedProcess:
    """A child process in its own process group, output to a log file."""

    def __init__(self, name: str, argv: list[str], log_path: Path, *, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self._stopped = False
        # A new session: the whole group (Chromium's zygote and renderers,
        # uvicorn) can be killed at once, and only it.
        self.popen = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        _register(self)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the log, without Chromium's harmless complaints
        about the missing D-Bus of a container."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if "dbus" not in line and "D-Bus" not in line]
        return "\n".join(kept[-lines:])

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM to the group, SIGKILL after ``grace`` seconds. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        pgid = self.popen.pid  # the session leader: pgid == pid
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # The leader is gone; kill what it left behind in its group.
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        self._log.close()
        _unregister(self)


_live: list[ManagedProcess] = []
_live_lock = threading.Lock()


def _write_pidfile() -> None:
    """Keeps ``$BROWSER_PIDFILE`` listing the live processes (pid and
    program), so that run.sh can kill them if pytest itself dies, and only
    them (it checks the program before killing)."""
    pidfile = os.environ.get("BROWSER_PIDFILE")
    if pidfile:
        with open(pidfile, "w") as f:
            f.writelines(f"{p.popen.pid}\t{p.argv[0]}\n" for p in _live)


def _register(proc: ManagedProcess) -> None:
    with _live_lock:
        _live.append(proc)
        _write_pidfile()


def _unregister(proc: ManagedProcess) -> None:
    with _live_lock:
        if proc in _live:
            _live.remove(proc)
        _write_pidfile()


def stop_all() -> None:
    """Stops every process this module started and has not stopped yet."""
    with _live_lock:
        procs = list(_live)
    for proc in reversed(procs):
        proc.stop(grace=1.0)


def install_cleanup_handlers() -> None:
    """Cleans up on normal exit and turns SIGTERM/SIGHUP (run.sh's timeout,
    CI cancellation) into an exception, so that fixtures tear down."""
    atexit.register(stop_all)

    def on_signal(signum: int, _frame: Any) -> None:
        stop_all()
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)


def free_port() -> int:
    """A port that was free a moment ago (the servers take --port N)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: ManagedProcess, timeout: float = SERVER_START_TIMEOUT) -> None:
    """Returns once 127.0.0.1:port accepts connections; raises if ``proc``
    exits first or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(
                f"{proc.name} exited with status {proc.popen.returncode} before listening on port {port}:\n"
                f"$ {' '.join(proc.argv)}\n{proc.log_tail()}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not listen on port {port} within {timeout:.0f}s:\n{proc.log_tail()}")


# -------------------------------------------------------------- page server


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Chromium is killed with keep-alive connections open: not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class PageServer:
    """Serves the scenario page on every page origin (the host name decides
    the origin; the server is the same) and collects the POSTed outcomes."""

    def __init__(self) -> None:
        self._results: dict[tuple[str, str], dict[str, Any]] = {}
        self._cond = threading.Condition()
        self.requests: list[str] = []
        handler = self._handler_class()
        self._httpd = _QuietHTTPServer(("127.0.0.1", 0), handler)
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="page-server", daemon=True)
        self._thread.start()

    def origin(self, role: str) -> str:
        return f"http://{ROLE_HOSTS[role]}:{self.port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _store(self, run: str, role: str, payload: dict[str, Any]) -> None:
        with self._cond:
            # The first report wins: a late error report must not replace results.
            self._results.setdefault((run, role), payload)
            self._cond.notify_all()

    def wait_for(self, run: str, roles: list[str], timeout: float = RESULTS_TIMEOUT) -> dict[str, dict[str, Any]]:
        """The reports of ``roles`` for ``run``; raises TimeoutError listing
        the missing ones after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                missing = [r for r in roles if (run, r) not in self._results]
                remaining = deadline - time.monotonic()
                if not missing or remaining <= 0:
                    break
                self._cond.wait(timeout=min(remaining, 1.0))
            if missing:
                raise TimeoutError(f"no report from {missing} within {timeout:.0f}s")
            return {r: self._results[(run, r)] for r in roles}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self
        files = {
            "/page.html": ("text/html; charset=utf-8", PAGE_DIR / "page.html"),
            "/page.js": ("text/javascript; charset=utf-8", PAGE_DIR / "page.js"),
        }

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                server.requests.append(f"{self.headers.get('host')} {format % args}")

            def _send(self, status: int, content_type: str = "text/plain", body: bytes = b"") -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.send_header("cache-control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                if path in files:
                    content_type, file = files[path]
                    self._send(200, content_type, file.read_bytes())
                else:
                    self._send(404, body=b"not found")

            def do_POST(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(min(length, 1 << 20))
                if url.path != "/result" or "run" not in query or "role" not in query:
                    self._send(404, body=b"not found")
                    return
                try:
                    payload = json.loads(body)
                except ValueError as exc:
                    payload = {"fatal": f"unparsable report: {exc}"}
                payload["host"] = self.headers.get("host")
                server._store(query["run"][0], query["role"][0], payload)
                self._send(204)

        return Handler


# ----------------------------------------------------------------- Chromium


def chromium_binary() -> str:
    """``$CHROMIUM``, or the first Chromium on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium not found: apt-get install chromium (tests/browser/run.sh does it), or set CHROMIUM")


def chromium_argv(url: str, profile_dir: Path) -> list[str]:
    argv = [
        chromium_binary(),
        "--headless",
        f"--user-data-dir={profile_dir}",
        "--disable-gpu",
        # Containers often have a tiny /dev/shm.
        "--disable-dev-shm-usage",
        # A closed network: no update checks, no safe browsing, no metrics.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        # Every *.test name is loopback; nothing is looked up.
        "--host-resolver-rules=MAP *.test 127.0.0.1",
        # Console messages (Chromium's CORS error texts) go to the log.
        "--enable-logging=stderr",
        "--v=0",
    ]
    if os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox.
        argv.append("--no-sandbox")
    argv.append(url)
    return argv


# ----------------------------------------------------------------- backends


@dataclass(frozen=True)
class Backend:
    """One server under test."""

    name: str
    #: ``starlette`` (fastcors's drop-in default) or ``standard``.
    preset: str
    #: For the Rust adapters: the package and example to build.
    crate: str | None = None
    example: str | None = None

    @property
    def is_rust(self) -> bool:
        return self.crate is not None


BACKENDS: list[Backend] = [
    Backend("fastapi", "starlette"),
    Backend("fastapi-strict", "standard"),
    Backend("axum", "standard", "fastcors-axum", "axum-serve"),
    Backend("actix", "standard", "fastcors-actix", "actix-serve"),
    Backend("warp", "standard", "fastcors-warp", "warp-serve"),
]


@dataclass
class RustBuild:
    """The result of building every example server once."""

    executables: dict[str, Path] = field(default_factory=dict)
    output: str = ""
    returncode: int = 0

    def executable(self, example: str) -> Path:
        if example in self.executables:
            return self.executables[example]
        raise RuntimeError(
            f"example {example} was not built (cargo exit status {self.returncode}); cargo said:\n"
            + "\n".join(self.output.splitlines()[-60:])
        )


def build_rust_examples(backends: list[Backend]) -> RustBuild:
    """Builds every Rust example server in one cargo run (a no-op when run.sh
    already built them) and reads the executables' paths from cargo's JSON
    messages, so that a failed build is never hidden by a stale binary.
    ``--keep-going`` lets one broken adapter not hide the others."""
    rust = [b for b in backends if b.is_rust]
    if not rust:
        return RustBuild()
    argv = ["cargo", "build", "--keep-going", "--message-format=json-render-diagnostics"]
    for b in rust:
        argv += ["-p", str(b.crate), "--example", str(b.example)]
    try:
        done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=CARGO_BUILD_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return RustBuild(output=f"cargo build timed out after {exc.timeout:.0f}s", returncode=-1)
    except FileNotFoundError:
        return RustBuild(output="cargo not found on PATH", returncode=-1)
    build = RustBuild(output=done.stderr, returncode=done.returncode)
    wanted = {str(b.example) for b in rust}
    for line in done.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        target = msg.get("target") or {}
        if (msg.get("reason") == "compiler-artifact" and "example" in target.get("kind", [])
                and target.get("name") in wanted and msg.get("executable")):
            build.executables[target["name"]] = Path(msg["executable"])
    return build


def render_config(policy: str, page_port: int, workdir: Path) -> Path:
    """configs/<policy>.toml with ``${page_port}`` filled in."""
    template = string.Template((CONFIG_DIR / f"{policy}.toml").read_text())
    out = workdir / f"{policy}.toml"
    out.write_text(template.substitute(page_port=page_port))
    return out


def start_api(backend: Backend, policy: str, page_port: int, workdir: Path,
              rust_build: RustBuild | None) -> tuple[ManagedProcess, int]:
    """Starts one API server for ``policy`` and waits until it listens."""
    port = free_port()
    log = workdir / f"{backend.name}-{policy}.log"
    name = f"{backend.name} ({policy})"
    if backend.is_rust:
        assert rust_build is not None
        exe = rust_build.executable(str(backend.example))
        config = render_config(policy, page_port, workdir)
        proc = ManagedProcess(name, [str(exe), "--config", str(config), "--port", str(port)], log, cwd=workdir)
    else:
        env = dict(os.environ, BROWSER_PAGE_PORT=str(page_port), BROWSER_PRESET=backend.preset,
                   BROWSER_POLICY=policy)
        argv = [sys.executable, "-m", "uvicorn", "fastapi_app:create_app", "--factory",
                "--app-dir", str(BROWSER_DIR), "--host", "127.0.0.1", "--port", str(port),
                "--ws", "websockets", "--log-level", "warning", "--no-access-log"]
        proc = ManagedProcess(name, argv, log, env=env, cwd=workdir)
    try:
        wait_for_port(port, proc)
    except Exception:
        proc.stop()
        raise
    return proc, port


# -------------------------------------------------------------- a whole run


@dataclass
class BrowserRun:
    """Everything one backend's run produced."""

    backend: Backend
    page_port: int
    api_ports: dict[str, int]
    #: role -> scenario -> outcome (see page.js).
    results: dict[str, dict[str, dict[str, Any]]]
    #: role -> the raw report (origin, userAgent, ...).
    reports: dict[str, dict[str, Any]]
    #: What the API servers answered to direct (non-browser) control requests.
    controls: dict[str, dict[str, Any]]
    #: role -> status of a direct WebSocket handshake with that role's Origin.
    websocket_controls: dict[str, int]
    #: FastAPI only: every request the app received, before CORS.
    request_log: dict[str, list[dict[str, Any]]]
    chromium_log: str
    workdir: Path

    def outcome(self, role: str, scenario: str) -> dict[str, Any]:
        try:
            return self.results[role][scenario]
        except KeyError:
            raise AssertionError(f"{self.backend.name}: no outcome for {role}/{scenario}; report: "
                                 f"{self.reports.get(role)}") from None

    def console(self, needle: str = "") -> list[str]:
        """Chromium's console lines (its CORS error messages), optionally filtered."""
        return [line for line in self.chromium_log.splitlines() if "CONSOLE" in line and needle in line]


def _control_requests(api_ports: dict[str, int], origin: str) -> dict[str, dict[str, Any]]:
    """Direct requests that show what the servers send, independently of
    what the browser makes of it (used to make the browser assertions
    meaningful, e.g. that an unexposed header is really there)."""
    import httpx

    def seen(r: httpx.Response) -> dict[str, Any]:
        return {"status": r.status_code, "headers": {k.lower(): v for k, v in r.headers.items()}}

    out: dict[str, dict[str, Any]] = {}
    with httpx.Client(timeout=5.0) as client:
        for policy, port in api_ports.items():
            out[policy] = seen(client.get(f"http://127.0.0.1:{port}/data", headers={"Origin": origin}))
        # The preflight of the Authorization-with-"*" scenario.
        out["alt_authorization_preflight"] = seen(client.options(
            f"http://127.0.0.1:{api_ports['alt']}/data",
            headers={"Origin": origin, "Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "authorization"},
        ))
    return out


def _websocket_controls(api_port: int, origins: dict[str, str]) -> dict[str, int]:
    """role -> handshake status of the main API server for that role's origin."""
    return {role: websocket_handshake_status(api_port, origin) for role, origin in origins.items()}


def _request_log(api_ports: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    import httpx

    out: dict[str, list[dict[str, Any]]] = {}
    with httpx.Client(timeout=5.0) as client:
        for policy, port in api_ports.items():
            out[policy] = client.get(f"http://127.0.0.1:{port}/__log").json()
    return out


_CORS_CONSOLE = re.compile(
    r"Access to fetch at '(?P<url>[^']+)' from origin '(?P<origin>[^']+)' has been blocked by CORS policy: "
    r"(?P<reason>.*?)\", source:"
)


def attach_console_reasons(results: dict[str, dict[str, dict[str, Any]]], chromium_log: str,
                           origins: dict[str, str]) -> None:
    """Adds ``reason`` (Chromium's console message) to every blocked fetch.

    The script only sees a TypeError; the console says why, and proves that
    CORS blocked the request (not, say, a refused connection). Every fetch URL
    carries ``?s=<scenario>``, which ties a message to its scenario."""
    role_of = {origin: role for role, origin in origins.items()}
    for match in _CORS_CONSOLE.finditer(chromium_log):
        role = role_of.get(match["origin"])
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(match["url"]).query)
        scenario = (query.get("s") or [""])[0]
        outcome = results.get(role or "", {}).get(scenario)
        if outcome is not None:
            outcome.setdefault("reason", match["reason"])


def websocket_handshake_status(port: int, origin: str) -> int:
    """The status a server answers a WebSocket handshake from ``origin``
    with (101 when it upgrades), read without a browser."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect
    from websockets.typing import Origin

    try:
        with connect(f"ws://127.0.0.1:{port}/ws", origin=Origin(origin), open_timeout=5, close_timeout=1):
            return 101
    except InvalidStatus as exc:
        return int(exc.response.status_code)


def run_backend(backend: Backend, pages: PageServer, workdir: Path, rust_build: RustBuild | None) -> BrowserRun:
    """Starts the backend's servers and Chromium, collects every page's
    report, and stops what it started (also on failure)."""
    workdir.mkdir(parents=True, exist_ok=True)
    started: list[ManagedProcess] = []
    try:
        api_ports: dict[str, int] = {}
        for policy in POLICIES:
            proc, api_ports[policy] = start_api(backend, policy, pages.port, workdir, rust_build)
            started.append(proc)

        run_id = f"{backend.name}-{time.monotonic_ns()}"
        query = {
            "run": run_id,
            "api": f"http://{API_HOST}:{api_ports['main']}",
            "alt": f"http://{API_HOST}:{api_ports['alt']}",
        }
        frames = [
            f"{pages.origin(role)}/page.html?{urllib.parse.urlencode(dict(query, role=role))}"
            for role in ROLE_HOSTS
            if role != "allowed"
        ]
        top = f"{pages.origin('allowed')}/page.html?" + urllib.parse.urlencode(
            dict(query, role="allowed", frames=json.dumps(frames))
        )
        chromium = ManagedProcess(
            f"chromium ({backend.name})", chromium_argv(top, workdir / "chromium-profile"), workdir / "chromium.log"
        )
        started.append(chromium)
        try:
            reports = pages.wait_for(run_id, list(ROLE_HOSTS))
        except TimeoutError as exc:
            raise RuntimeError(
                f"{backend.name}: {exc}\npage server saw: {pages.requests[-20:]}\n"
                f"chromium log:\n{chromium.log_tail(60)}"
            ) from None
        for role, report in reports.items():
            if "fatal" in report:
                raise RuntimeError(f"{backend.name}: the {role} page failed: {report['fatal']}")
        chromium.stop()
        chromium_log = chromium.log_path.read_text(errors="replace")
        origins = {role: pages.origin(role) for role in ROLE_HOSTS}
        results = {role: report["results"] for role, report in reports.items()}
        attach_console_reasons(results, chromium_log, origins)
        return BrowserRun(
            backend=backend,
            page_port=pages.port,
            api_ports=api_ports,
            results=results,
            reports=reports,
            controls=_control_requests(api_ports, origins["allowed"]),
            websocket_controls=_websocket_controls(api_ports["main"], origins),
            request_log={} if backend.is_rust else _request_log(api_ports),
            chromium_log=chromium_log,
            workdir=workdir,
        )
    finally:
        for proc in reversed(started):
            proc.stop()
