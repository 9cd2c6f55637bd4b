"""Shared pieces of the Python benchmarks: origins, the policy, machine info."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from typing import Any

METHODS = ["GET", "POST", "PUT"]
HEADERS = ["content-type", "x-token", "x-request-id"]
REQUEST_HEADERS = "content-type,x-token,x-request-id"
EXPOSE = ["x-total"]
MAX_AGE = 600
BODY = b'{"items":[1,2,3]}'

_M64 = (1 << 64) - 1
_ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789"


def _mix(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _label(z: int, n: int) -> str:
    out = []
    for k in range(n):
        out.append(_ALPHA[z % (26 if k == 0 else 36)])
        z //= 36
    return "".join(out)


def origin(i: int) -> str:
    """The i-th origin; the same generator as the Rust benches (benches/src/lib.rs)."""
    a = _mix(i)
    b = _mix(a)
    tld = ("com", "net", "org", "io", "dev", "app")[b % 6]
    return f"https://{_label(a, 6 + (a >> 60) % 7)}.{_label(b >> 3, 4 + (b >> 59) % 6)}.{tld}"


def origins(n: int) -> list[str]:
    return [origin(i) for i in range(n)]


def probe(n: int) -> str:
    """The requested origin: the middle of the list (a linear scan's average case)."""
    return origin(n // 2)


def policy(n: int, allowed: list[str] | None = None) -> dict[str, Any]:
    """Keyword arguments shared by Starlette's and fastcors' CORSMiddleware."""
    return {
        "allow_origins": allowed if allowed is not None else origins(n),
        "allow_methods": list(METHODS),
        "allow_headers": list(HEADERS),
        "allow_credentials": True,
        "expose_headers": list(EXPOSE),
        "max_age": MAX_AGE,
    }


def _version(mod: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:
        return None


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = None
    try:
        load = os.getloadavg()
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    commit = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip() or None
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "loadavg_at_start": load,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "starlette": _version("starlette"),
        "fastcors": _version("fastcors"),
        "uvicorn": _version("uvicorn"),
        "commit": commit,
    }


def write_json(path: str, data: dict[str, Any]) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- end to end

import http.client  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], env: dict[str, str] | None = None, log: str | None = None) -> subprocess.Popen:
    out = open(log, "w") if log else subprocess.DEVNULL
    return subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    """Stops a server this harness started (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def get(port: int, path: str = "/data", headers: dict[str, str] | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, headers=headers or {})
        res = conn.getresponse()
        res.read()
        return res.status, {k.lower(): v for k, v in res.getheaders()}
    finally:
        conn.close()


def wait_ready(proc: subprocess.Popen, port: int, timeout: float = 60.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            get(port)
            return True
        except OSError:
            time.sleep(0.1)
    return False


def wrk(port: int, seconds: float, connections: int, headers: dict[str, str], path: str = "/data") -> dict[str, Any]:
    """One wrk run (1 thread) against 127.0.0.1; requests/s and latency."""
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    cmd = [exe, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors:.*", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    lat = None
    if p50:
        lat = float(p50.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[p50.group(2)]
    return {
        "rps": float(m.group(1)) if m else 0.0,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sock.group(0) if sock else None,
        "p50_seconds": lat,
    }


def wrk_version() -> str | None:
    exe = shutil.which("wrk")
    if not exe:
        return None
    out = subprocess.run([exe, "-v"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else None
