#!/usr/bin/env bash
# Release checks (issue 14), as CI runs them:
#   scripts/release-check.sh
# 1. names: no file still names the crates by their old names (taken on
#    crates.io); folder paths crates/cors-*/ are fine.
# 2. crates: every published crate's metadata is complete, the unpublished
#    ones are publish = false, and `cargo package` packages and verifies
#    (builds) the published crates together, in dependency order.
# 3. wheel: a release abi3 wheel for manylinux2014 (glibc 2.17, linked by
#    zig), installed into a fresh venv with no cargo on PATH, and the Python
#    test suite run against that installed copy (not python/src).
# 4. sdist: built, installed into a second fresh venv (this one compiles,
#    with cargo), and the Python test suite run against it too.
# Needs: cargo, python3 with venv and pip, network (crates.io index, PyPI),
# objdump (binutils); pip-installs maturin, ziglang and auditwheel for
# $PYTHON if they are missing. SKIP_SDIST=1 leaves step 4 out.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
export CARGO_TERM_COLOR=never
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fastcors-release.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PUBLISHED=(fastcors-core fastcors-axum fastcors-actix fastcors-warp fastcors-cli)
UNPUBLISHED=(fastcors-testkit fastcors-native cors-benches)

started=$(date +%s)
declare -a timings=()
step() {
  local name=$1
  shift
  printf '\n==== %s\n' "$name"
  local t0
  t0=$(date +%s)
  "$@"
  timings+=("$(printf '%-34s %4ss' "$name" $(($(date +%s) - t0)))")
}
die() { printf 'release-check: %s\n' "$*" >&2; exit 1; }

# --- 1. names ---------------------------------------------------------------
check_names() {
  # Every tracked or new (not ignored) file but the changelog (history) and
  # the fuzz seeds (data). A crate name is the old name not inside a path:
  # not after "/" (crates/cors-core, ../cors-core) or a Python path join
  # ("crates" / "cors-core"), not followed by "/" or "-".
  git ls-files -z --cached --others --exclude-standard \
    | grep -zv -e '^CHANGELOG\.md$' -e '^fuzz/corpus/' \
    | xargs -0 perl -ne '
        BEGIN { $found = 0 }
        next if -B $ARGV or -l $ARGV;
        while (/(?<![\w\/-])(?<!\/ ")cors-(?:core|axum|actix|warp|cli|testkit)\b(?![\/-])|\bcors_(?:core|axum|actix|warp|cli|testkit)\b/g) {
          print "$ARGV:$.: $_"; $found = 1; last;
        }
        close ARGV if eof;
        END { exit $found }' \
    || die "the files above still name a crate by its old name (now fastcors-*)"
  echo "no old crate names"
}

# --- 2. crates --------------------------------------------------------------
check_metadata() {
  cargo metadata --format-version 1 --no-deps | "$PY" -c '
import json, os, sys
published, unpublished = sys.argv[1].split(), sys.argv[2].split()
pkgs = {p["name"]: p for p in json.load(sys.stdin)["packages"]}
bad = []
for name, p in pkgs.items():
    is_pub = p["publish"] != []
    if is_pub and name not in published:
        bad.append(f"{name}: publishable but not in PUBLISHED (publish = false, or add it)")
    if not is_pub and name not in unpublished:
        bad.append(f"{name}: publish = false but not in UNPUBLISHED")
for name in published:
    p = pkgs.get(name)
    if p is None:
        bad.append(f"{name}: no such package"); continue
    d = os.path.dirname(p["manifest_path"])
    for field in ("description", "license", "repository", "readme", "rust_version", "homepage"):
        if not p.get(field):
            bad.append(f"{name}: no {field}")
    if not p["keywords"] or len(p["keywords"]) > 5:
        bad.append(f"{name}: keywords must be 1 to 5")
    if not p["categories"]:
        bad.append(f"{name}: no categories")
    for f in ("LICENSE-MIT", "LICENSE-APACHE", p.get("readme") or "README.md"):
        if not os.path.isfile(os.path.join(d, f)):
            bad.append(f"{name}: {f} missing next to Cargo.toml")
    has_lib = any("lib" in t["kind"] for t in p["targets"])
    if has_lib and not ((p.get("metadata") or {}).get("docs") or {}).get("rs"):
        bad.append(f"{name}: no [package.metadata.docs.rs]")
    for dep in p["dependencies"]:
        if dep.get("path") and dep["kind"] in (None, "build") and not dep["req"].startswith("^0.1"):
            bad.append(f"{name}: path dependency {dep['name']} without a version")
        if dep["name"] in unpublished and dep["kind"] in (None, "build"):
            bad.append(f"{name}: depends on unpublished {dep['name']}")
for name in unpublished:
    if name in pkgs and pkgs[name]["publish"] != []:
        bad.append(f"{name}: must be publish = false")
print("\n".join(bad) or f"metadata complete: {len(published)} published, {len(unpublished)} publish = false")
sys.exit(1 if bad else 0)
' "${PUBLISHED[*]}" "${UNPUBLISHED[*]}"
  grep -q '^publish = false' fuzz/Cargo.toml || die "fuzz/Cargo.toml: publish = false missing"
}

cargo_package() {
  local excl=()
  for p in "${UNPUBLISHED[@]}"; do excl+=(--exclude "$p"); done
  # Packages the published crates together (local dependencies resolved in
  # dependency order through a temporary registry) and verifies each one by
  # building it from its .crate.
  cargo package --workspace "${excl[@]}" --allow-dirty 2>&1 | tee "$WORK/package.log" \
    | grep -vE '^\s+(Compiling|Downloaded|Downloading|Checking) |is not included in the published package'
  [ "${PIPESTATUS[0]}" = 0 ] || die "cargo package failed"
  echo "($(grep -c 'is not included in the published package' "$WORK/package.log") tests left out of the packages, as intended)"
  # The only expected warnings: tests left out of the packages on purpose
  # (they need the unpublished fastcors-testkit).
  if grep '^warning:' "$WORK/package.log" | grep -vq 'is not included in the published package'; then
    grep '^warning:' "$WORK/package.log" | grep -v 'is not included in the published package'
    die "unexpected cargo package warnings"
  fi
  local v
  v=$(cargo metadata --format-version 1 --no-deps | "$PY" -c 'import json,sys; print({p["name"]: p["version"] for p in json.load(sys.stdin)["packages"]}["fastcors-core"])')
  for p in "${PUBLISHED[@]}"; do
    local crate="target/package/$p-$v.crate"
    [ -f "$crate" ] || die "$crate not produced"
    local listing
    listing=$(tar tzf "$crate")
    for f in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE; do
      grep -qx "$p-$v/$f" <<<"$listing" || die "$crate: no $f"
    done
    # The license files are the real texts, not dangling symlinks.
    tar xzOf "$crate" "$p-$v/LICENSE-APACHE" >"$WORK/license.txt"
    grep -q 'Apache License' "$WORK/license.txt" || die "$crate: LICENSE-APACHE is not the license text"
  done
  echo "packaged and verified: ${PUBLISHED[*]}"
}

# --- 3. wheel -----------------------------------------------------------------
pip_tools() {
  local need=()
  "$PY" -c 'import maturin' 2>/dev/null || command -v maturin >/dev/null || need+=("maturin>=1.9.4,<2")
  "$PY" -c 'import ziglang' 2>/dev/null || need+=(ziglang)
  "$PY" -c 'import auditwheel' 2>/dev/null || need+=(auditwheel)
  if [ ${#need[@]} -gt 0 ]; then
    "$PY" -m pip install -q --disable-pip-version-check --root-user-action=ignore "${need[@]}"
  fi
  MATURIN=(maturin)
  command -v maturin >/dev/null || MATURIN=("$PY" -m maturin)
}

build_wheel() {
  (cd python && "${MATURIN[@]}" build --release --zig --compatibility manylinux2014 -i "$PY" --out "$WORK/wheel")
  local whl
  whl=$(ls "$WORK"/wheel/*.whl)
  [ "$(echo "$whl" | wc -l)" = 1 ] || die "expected one wheel: $whl"
  local base
  base=$(basename "$whl")
  echo "wheel: $base"
  # abi3 for CPython >= 3.9, and tagged for glibc 2.17.
  [[ $base == fastcors-*-cp39-abi3-*manylinux_2_17_x86_64*.whl ]] || die "$base: not a cp39-abi3 manylinux_2_17 wheel"
  [[ $base == *manylinux2014_x86_64* ]] || die "$base: no manylinux2014 tag"
  local listing
  listing=$(unzip -l "$whl")
  grep -E 'fastcors/(_native.*\.so|__init__\.py|py\.typed)$' <<<"$listing" | awk '{print "  " $4}'
  grep -q 'fastcors/_native.abi3.so$' <<<"$listing" || die "$base: no fastcors/_native.abi3.so"
  grep -qE '\.dist-info/licenses/LICENSE-APACHE$' <<<"$listing" || die "$base: no license files"
  # The extension's own needs: no GLIBC symbol version above 2.17.
  unzip -q -o "$whl" 'fastcors/_native.abi3.so' -d "$WORK/so"
  local maxglibc
  maxglibc=$(objdump -T "$WORK/so/fastcors/_native.abi3.so" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  echo "highest GLIBC symbol version needed: $maxglibc"
  [ "$(printf '%s\n2.17\n' "$maxglibc" | sort -V | tail -1)" = 2.17 ] || die "needs glibc $maxglibc > 2.17"
  # auditwheel's verdict from the symbols (the tag it would give).
  "$PY" -m auditwheel show "$whl" | tee "$WORK/auditwheel.txt"
  grep -q 'manylinux_2_17_x86_64' "$WORK/auditwheel.txt" || die "auditwheel: not manylinux_2_17"
  WHEEL=$whl
}

# PATH without any directory holding cargo (~/.cargo/bin, /usr/local/cargo/bin, ...).
no_cargo_path() {
  local out="" d
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    [ -n "$d" ] && [ -x "$d/cargo" ] && continue
    out=${out:+$out:}$d
  done
  printf '%s' "$out"
}

# Runs python/tests against the fastcors installed in venv $1 (from $WORK,
# so neither the checkout nor python/src is on sys.path), extra pytest args after.
run_suite_in() {
  local venv=$1
  shift
  (cd "$WORK" && FASTCORS_EXPECT_PREFIX="$venv" "$venv/bin/python" -c '
import os, sys, fastcors
from pathlib import Path
f = Path(fastcors.__file__).resolve()
print("fastcors", fastcors.__version__, "from", f)
assert f.is_relative_to(Path(os.environ["FASTCORS_EXPECT_PREFIX"]).resolve()), f
assert not any(Path(p or ".").resolve() == Path(sys.argv[1]).resolve() for p in sys.path)
' "$ROOT/python/src")
  (cd "$WORK" && FASTCORS_EXPECT_PREFIX="$venv" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
    --rootdir "$ROOT/python" -c "$ROOT/python/pyproject.toml" "$@")
}

wheel_in_clean_venv() {
  local venv="$WORK/venv-wheel" path
  "$PY" -m venv "$venv"
  path="$venv/bin:$(no_cargo_path)"
  if env PATH="$path" sh -c 'command -v cargo' >/dev/null 2>&1; then
    die "cargo still on PATH: $(env PATH="$path" sh -c 'command -v cargo')"
  fi
  echo "no cargo on PATH (checked with command -v)"
  # Binary distributions only: nothing is compiled, fastcors included.
  env PATH="$path" "$venv/bin/python" -m pip install -q --disable-pip-version-check --only-binary :all: \
    "$WHEEL[test]" websockets
  PATH="$path" run_suite_in "$venv" "$ROOT/python/tests"
}

# --- 4. sdist -----------------------------------------------------------------
sdist_install() {
  # (maturin prints "error: manifest path `Cargo.toml` does not exist" from a
  # probe in python/ before it reads pyproject's manifest-path; harmless.)
  (cd python && "${MATURIN[@]}" sdist --out "$WORK/sdist")
  local sd
  sd=$(ls "$WORK"/sdist/*.tar.gz)
  echo "sdist: $(basename "$sd")"
  local listing
  listing=$(tar tzf "$sd")
  for f in pyproject.toml README.md LICENSE-MIT LICENSE-APACHE src/fastcors/__init__.py src/fastcors/py.typed; do
    grep -qE "^fastcors-[^/]+/(python/)?$f\$" <<<"$listing" || die "sdist: no $f"
  done
  grep -qE '^fastcors-[^/]+/crates/cors-core/src/lib.rs$' <<<"$listing" || die "sdist: no fastcors-core sources"
  local venv="$WORK/venv-sdist"
  "$PY" -m venv "$venv"
  # Compiles the extension with cargo (release); the shared target directory
  # keeps the dependencies' builds between runs.
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/release-check-sdist" \
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$sd[test]" websockets
  run_suite_in "$venv" "$ROOT/python/tests"
}

step "names" check_names
step "crate metadata" check_metadata
step "cargo package (verify)" cargo_package
step "pip tools" pip_tools
step "wheel (manylinux2014, zig)" build_wheel
step "wheel tests (venv, no cargo)" wheel_in_clean_venv
[ "${SKIP_SDIST:-0}" = 1 ] || step "sdist build + install + tests" sdist_install

printf '\n==== timings\n'
printf '%s\n' "${timings[@]}"
printf 'total %ss\n' $(($(date +%s) - started))
printf 'release checks: %s passed, 0 failed\n' "${#timings[@]}"
