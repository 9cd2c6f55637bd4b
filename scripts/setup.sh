#!/usr/bin/env bash
# Installs what the project needs on a fresh machine (Debian, Rust stable,
# CPython with pip). Idempotent: quick when everything is already there.
#   scripts/setup.sh            Rust toolchain components + Python test deps + fastcors
#   scripts/setup.sh --browser  also headless Chromium (browser tests)
#   scripts/setup.sh --bench    also wrk and matplotlib (benchmarks)
#   scripts/setup.sh --release  also what scripts/release-check.sh needs (objdump, unzip)
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_bench=0
want_release=0
for a in "$@"; do
  case "$a" in
    --browser) want_browser=1 ;;
    --bench) want_bench=1 ;;
    --release) want_release=1 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
fi

if [ "$want_browser" = 1 ]; then apt_install chromium; fi
if [ "$want_bench" = 1 ]; then apt_install wrk; fi
if [ "$want_release" = 1 ]; then apt_install binutils unzip; fi

PY=${PYTHON:-python3}
pip_install() { $PY -m pip install -q --disable-pip-version-check --root-user-action=ignore "$@"; }
say "fastcors and its test dependencies (pip install ./python[test]; builds the Rust extension)"
pip_install "./python[test]" websockets
if [ "$want_bench" = 1 ]; then pip_install matplotlib; fi
$PY -c "import fastcors, sys; print('fastcors', fastcors.__version__, 'on Python', sys.version.split()[0])"
