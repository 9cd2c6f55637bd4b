#!/usr/bin/env bash
# Every test of the project, as CI runs it, from a fresh machine:
#   scripts/test-all.sh
# Steps: setup; formatting and lints; Rust tests (fastcors-core, CLI, adapters);
# Python tests (fastcors, Starlette's own CORS suite); docs code blocks; fuzz smoke; real-browser
# tests; benchmark harness check; release checks (publishable crates, the
# wheel without cargo, the sdist). Set SKIP_BROWSER=1, SKIP_FUZZ=1,
# SKIP_BENCH=1 or SKIP_RELEASE=1 to leave a slow step out locally (CI runs
# them all).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0

started=$(date +%s)
declare -a timings=()
step() {
  local name=$1
  shift
  printf '\n==== %s\n' "$name"
  local t0
  t0=$(date +%s)
  "$@"
  timings+=("$(printf '%-28s %4ss' "$name" $(($(date +%s) - t0)))")
}

setup_flags=()
[ "${SKIP_BROWSER:-0}" = 1 ] || setup_flags+=(--browser)
[ "${SKIP_BENCH:-0}" = 1 ] || setup_flags+=(--bench)
[ "${SKIP_RELEASE:-0}" = 1 ] || setup_flags+=(--release)
step "setup" bash scripts/setup.sh "${setup_flags[@]}"
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
step "cargo test" cargo test --workspace
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
step "python tests" bash python/tests/run.sh
step "docs (every code block)" bash scripts/docs-check.sh
# A fixed number of runs from a fixed seed: reproducible, so CI's verdict
# is the one seen before submitting (long, time-based runs: SECURITY.md).
[ "${SKIP_FUZZ:-0}" = 1 ] || step "fuzz smoke" env FUZZ_RUNS="${FUZZ_RUNS:-150000}" bash scripts/fuzz-smoke.sh
[ "${SKIP_BROWSER:-0}" = 1 ] || step "browser tests" bash tests/browser/run.sh
[ "${SKIP_BENCH:-0}" = 1 ] || step "bench harness (quick)" bash scripts/bench.sh --quick
# Publishable crates (cargo package), the manylinux2014 wheel tested in a
# fresh virtual environment without cargo, and the sdist.
[ "${SKIP_RELEASE:-0}" = 1 ] || step "release checks" bash scripts/release-check.sh

printf '\n==== timings\n'
printf '%s\n' "${timings[@]}"
printf 'total %ss\n' $(($(date +%s) - started))
# Every step above stops the script on failure (set -e), so reaching this
# line means all of them passed.
printf 'steps: %s passed, 0 failed\n' "${#timings[@]}"
