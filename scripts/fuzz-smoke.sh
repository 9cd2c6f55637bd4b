#!/usr/bin/env bash
# Fuzz smoke: runs every cargo-fuzz target for SECONDS (default 30) and
# fails on the first crash, panic, leak, timeout or out-of-memory.
#
#   scripts/fuzz-smoke.sh [SECONDS]
#
# FUZZ_KEEP_CORPUS=1 fuzzes fuzz/corpus/<target>/ in place instead of a
# scratch copy of the seeds, so that long runs build on each other (git
# ignores everything there but the seed-* files):
#   FUZZ_KEEP_CORPUS=1 scripts/fuzz-smoke.sh 3600
#
# Works on the stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its
# nightly-only flags (-Zsanitizer=address, sanitizer coverage). Installs
# cargo-fuzz if it is missing. Crashing inputs land in fuzz/artifacts/<target>/;
# reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail

SECONDS_PER_TARGET="${1:-30}"
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

TARGETS=(request_origin request_headers pattern config_toml config_json evaluate)
cargo fuzz build >/dev/null 2>&1 || cargo fuzz build

status=0
for t in "${TARGETS[@]}"; do
    # Work on a scratch copy of the committed seeds so that a smoke run never
    # adds files to the repository's corpus directories.
    if [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ]; then
        work="corpus/$t"
    else
        work="$(mktemp -d)"
        cp corpus/"$t"/seed-* "$work"/ 2>/dev/null || true
    fi
    log="$(mktemp)"
    if [ -n "${FUZZ_RUNS:-}" ]; then
        echo "== $t ($FUZZ_RUNS runs, seed 1)"
    else
        echo "== $t (${SECONDS_PER_TARGET}s)"
    fi
    # FUZZ_RUNS=N: a fixed number of runs from a fixed seed instead of a
    # time budget, so that a smoke run is reproducible (what CI uses).
    if [ -n "${FUZZ_RUNS:-}" ]; then
        budget=(-runs="$FUZZ_RUNS" -seed=1)
    else
        budget=(-max_total_time="$SECONDS_PER_TARGET")
    fi
    if cargo fuzz run "$t" "$work" -- \
        "${budget[@]}" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)' "$log" || true
    else
        status=1
        echo "!! $t failed:"
        grep -E -A15 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -60
    fi
    [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$work"
    rm -f "$log"
done
exit "$status"
