#!/usr/bin/env bash
# The fastcors benchmark suite: every frontend against its incumbent, side by side.
#
#   scripts/bench.sh           full run (< 20 min on a 2-core machine); writes
#                              benches/results/*.json, *.svg and summary.md
#   scripts/bench.sh --quick   harness check for CI: tiny iteration counts, dev
#                              profile, sizes up to 10k; writes the same files into
#                              benches/results/tmp/quick/ (git-ignored). No timing
#                              assertions: it fails only if a step fails.
#
# Environment: CARGO_TARGET_DIR (default: the workspace's target/), PYTHON
# (default: python3), BENCH_SKIP_INSTALL=1 to skip installing missing tools.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
QUICK=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

PY="${PYTHON:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
if [ "$QUICK" = 1 ]; then
  OUT="$ROOT/benches/results/tmp/quick"
  PROFILE=dev
  BIN_DIR="$CARGO_TARGET_DIR/debug"
  CRIT=(--warm-up-time 0.01 --measurement-time 0.02 --sample-size 10 --noplot)
  export CORS_BENCH_MAX_N=10000
  PY_IN=(--quick --sizes 3,100)
  PY_E2E=(--quick --sizes 3)
  RS_E2E=(--quick --sizes 3)
  ALLOC=(--max-n 10000)
else
  OUT="$ROOT/benches/results"
  PROFILE=release
  BIN_DIR="$CARGO_TARGET_DIR/release"
  CRIT=(--warm-up-time 0.7 --measurement-time 2 --sample-size 30 --noplot)
  unset CORS_BENCH_MAX_N
  PY_IN=()
  PY_E2E=()
  RS_E2E=()
  ALLOC=()
fi
TMP="$ROOT/benches/results/tmp"
mkdir -p "$OUT" "$TMP"
STEPS="$TMP/steps.$$"
: > "$STEPS"
T_ALL=$(date +%s)

step() { # step NAME command...
  local name="$1"; shift
  local t0; t0=$(date +%s)
  echo "==> $name" >&2
  "$@"
  echo "$name $(( $(date +%s) - t0 ))" >> "$STEPS"
}

# ------------------------------------------------------------------ tools
install_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    if [ "${BENCH_SKIP_INSTALL:-0}" = 1 ]; then echo "wrk missing" >&2; exit 1; fi
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  fi
  local need=()
  "$PY" -c "import matplotlib" 2>/dev/null || need+=(matplotlib)
  "$PY" -c "import starlette, uvicorn" 2>/dev/null || need+=("starlette==1.10.0" uvicorn)
  "$PY" -c "import uvloop, httptools" 2>/dev/null || need+=(uvloop httptools)
  if [ "${#need[@]}" -gt 0 ]; then
    [ "${BENCH_SKIP_INSTALL:-0}" = 1 ] && { echo "missing: ${need[*]}" >&2; exit 1; }
    "$PY" -m pip install -q "${need[@]}"
  fi
  if ! "$PY" -c "import fastcors" 2>/dev/null; then
    [ "${BENCH_SKIP_INSTALL:-0}" = 1 ] && { echo "fastcors not installed" >&2; exit 1; }
    "$PY" -m pip install -q ./python
  fi
}

# ------------------------------------------------------------------ build
build() {
  cargo build -q --profile "$PROFILE" -p cors-benches --bins
  # The adapters' example servers (measured end to end when they build and start).
  for fw in axum actix warp; do
    # The harness check (--quick, CI) must fail on a server that does not
    # build; a full run measures what it can.
    if ! cargo build -q --profile "$PROFILE" -p "fastcors-$fw" --example "$fw-serve"; then
      [ "$QUICK" = 1 ] && { echo "error: $fw-serve example did not build" >&2; exit 1; }
      echo "warning: $fw-serve example did not build; not measured" >&2
    fi
  done
  cargo bench -q --profile "$PROFILE" -p fastcors-core --bench evaluate --no-run
  cargo bench -q --profile "$PROFILE" -p cors-benches --bench axum --bench actix --bench warp --no-run
}

core_bench() {
  rm -rf "$CARGO_TARGET_DIR/criterion"
  cargo bench -q --profile "$PROFILE" -p fastcors-core --bench evaluate -- "${CRIT[@]}" > "$TMP/core-criterion.log"
  "$BIN_DIR/core-alloc" "${ALLOC[@]}" > "$TMP/core-alloc.json"
}

adapter_bench() {
  cargo bench -q --profile "$PROFILE" -p cors-benches --bench axum --bench actix --bench warp -- "${CRIT[@]}" \
    > "$TMP/adapters-criterion.log"
}

collect() {
  local q=(); [ "$QUICK" = 1 ] && q=(--quick)
  "$PY" benches/collect.py --criterion "$CARGO_TARGET_DIR/criterion" --out-dir "$OUT" --alloc "$TMP/core-alloc.json" "${q[@]}"
}

step tools install_tools
step build build
step core core_bench
step adapters adapter_bench
step collect collect
step python-inprocess "$PY" benches/python/bench_inprocess.py --out "$OUT/python_inprocess.json" "${PY_IN[@]}"
step python-e2e "$PY" benches/python/bench_e2e.py --out "$OUT/python_e2e.json" "${PY_E2E[@]}"
step rust-e2e "$PY" benches/python/bench_rust_e2e.py --bin-dir "$BIN_DIR" --out "$OUT/rust_e2e.json" "${RS_E2E[@]}"
step report "$PY" benches/report.py --results "$OUT"
echo "total $(( $(date +%s) - T_ALL ))" >> "$STEPS"
"$PY" - "$STEPS" "$OUT/run.json" "$QUICK" <<'EOF2'
import json, sys, datetime
steps = dict((l.split()[0], int(l.split()[1])) for l in open(sys.argv[1]) if l.strip())
json.dump({"quick": sys.argv[3] == "1", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "step_seconds": steps}, open(sys.argv[2], "w"), indent=2)
EOF2
rm -f "$STEPS"
echo "results: $OUT (summary: $OUT/summary.md)" >&2
echo "total: $(( $(date +%s) - T_ALL )) s" >&2
