#!/usr/bin/env bash
# Real-browser end-to-end tests (issue 5): headless Chromium against
# FastAPI + fastcors and the axum, actix-web and warp example servers.
#
#   bash tests/browser/run.sh [pytest arguments, e.g. -k axum]
#
# Installs Chromium (apt-get) and the Python test dependencies if missing,
# builds the three example servers once (respecting CARGO_TARGET_DIR), and
# runs the suite. The exit status is pytest's. fastcors itself is installed
# by scripts/setup.sh (pip install ./python).
#
# Environment: PYTHON (default python3), CHROMIUM (a Chromium binary),
# BROWSER_TIMEOUT (seconds for the whole pytest run, default 420).
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-python3}
say() { printf '\n== %s\n' "$*"; }

# ---- Chromium (Debian's package)
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  say "apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# ---- Python dependencies (websockets: uvicorn's WebSocket protocol, and the
# harness's direct handshake checks)
if ! "$PY" -c 'import pytest, uvicorn, fastapi, httpx, websockets' >/dev/null 2>&1; then
  say "pip install pytest uvicorn fastapi httpx websockets"
  "$PY" -m pip install -q --disable-pip-version-check pytest uvicorn fastapi httpx websockets
fi
"$PY" -c 'import fastcors' 2>/dev/null || echo "warning: fastcors is not installed (scripts/setup.sh does it); the FastAPI backends will fail" >&2

# ---- The example servers, built once. A failed build does not stop the run:
# the suite reports every test of that backend as an error, with cargo's output.
say "cargo build (example servers)"
build_status=0
cargo build --keep-going \
  -p fastcors-axum --example axum-serve \
  -p fastcors-actix --example actix-serve \
  -p fastcors-warp --example warp-serve || build_status=$?
[ "$build_status" = 0 ] || echo "warning: cargo build failed ($build_status); the affected backends will fail" >&2

# ---- The suite. The harness kills what it starts (also on SIGTERM, which
# timeout sends). Should run.sh itself be stopped, the trap stops pytest, then
# kills whatever it left behind, as listed in the pid file (checked against
# the program name, so that a reused pid is never hit).
BROWSER_PIDFILE=$(mktemp "${TMPDIR:-/tmp}/fastcors-browser-pids.XXXXXX")
export BROWSER_PIDFILE
suite_pid=
cleanup() {
  trap - EXIT INT TERM HUP
  if [ -n "$suite_pid" ] && kill -0 "$suite_pid" 2>/dev/null; then
    # timeout leads its own process group (pytest included).
    kill -TERM -- "-$suite_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$suite_pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$suite_pid" 2>/dev/null; then kill -KILL -- "-$suite_pid" 2>/dev/null || true; fi
  fi
  local pid prog
  while IFS=$'\t' read -r pid prog; do
    [ -n "$pid" ] || continue
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' '\n' <"/proc/$pid/cmdline" | head -n1 | grep -qxF -- "$prog"; then
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done <"$BROWSER_PIDFILE"
  rm -f "$BROWSER_PIDFILE"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say "pytest tests/browser"
timeout --signal=TERM --kill-after=20 "${BROWSER_TIMEOUT:-420}" \
  "$PY" -m pytest tests/browser "$@" &
suite_pid=$!
status=0
wait "$suite_pid" || status=$?
suite_pid=
exit "$status"
