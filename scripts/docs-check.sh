#!/usr/bin/env bash
# Runs every code block of the user guide (docs/*.md) and checks the guide
# against the code, so that the docs cannot drift:
#
#   * docs/configuration.md's key tables list exactly CONFIG_KEYS and
#     RULE_KEYS of crates/cors-core/src/config/load.rs;
#   * ```toml / ```json blocks pass `cors check` (or fail it, after an
#     `<!-- expect-error -->` line);
#   * ```sh blocks run from the repository root with `cors` on PATH;
#   * ```python blocks run with python3 (fastcors and the test extra
#     installed: `pip install "./python[test]"`, as scripts/test-all.sh does);
#   * ```rust blocks are compiled as one temporary cargo project (one binary
#     per block, depending on the workspace crates by path, sharing the
#     workspace's target dir) and run;
#   * a ```text block after an `<!-- output -->` line is the exact output of
#     the block before it;
#   * a block after `<!-- file: PATH -->` is the exact content of docs/PATH;
#   * `<!-- no-run: REASON -->` before a block: sh and text blocks are skipped,
#     rust blocks only compiled, python blocks only byte-compiled;
#   * relative links in docs/ and CHANGELOG.md point at files that exist;
#   * every "Starlette X.Y.Z" in docs/ and CHANGELOG.md names the version
#     python/pyproject.toml's test extra pins (and fastcors.STARLETTE_VERSION,
#     once it exists).
#
# Usage: scripts/docs-check.sh [docs/FILE.md ...]   (default: every file)
# Runtime: about 10 s once the Rust blocks' dependencies are built; the first
# run builds axum, actix-web and warp for the temporary project (minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

# The packages, read from the manifests (the folders keep their names).
pkg_name() { sed -n 's/^name *= *"\(.*\)"/\1/p' "$1/Cargo.toml" | head -n 1; }
export DOCS_CORE_PKG=${DOCS_CORE_PKG:-$(pkg_name crates/cors-core)}
export DOCS_AXUM_PKG=${DOCS_AXUM_PKG:-$(pkg_name crates/cors-axum)}
export DOCS_ACTIX_PKG=${DOCS_ACTIX_PKG:-$(pkg_name crates/cors-actix)}
export DOCS_WARP_PKG=${DOCS_WARP_PKG:-$(pkg_name crates/cors-warp)}
export DOCS_CLI_PKG=${DOCS_CLI_PKG:-$(pkg_name crates/cors-cli)}
# The crate names the docs' Rust code uses (`use fastcors_core::Cors;`): the
# temporary project depends on each package under this name, so the docs
# compile whatever `[lib] name` the manifests choose.
export DOCS_CORE_CRATE=fastcors_core
export DOCS_AXUM_CRATE=fastcors_axum
export DOCS_ACTIX_CRATE=fastcors_actix
export DOCS_WARP_CRATE=fastcors_warp

echo "docs-check: building the cors CLI ($DOCS_CLI_PKG)"
cargo build -q -p "$DOCS_CLI_PKG"
DOCS_TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
export DOCS_TARGET_DIR

exec python3 - "$@" <<'PY'
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

ROOT = Path.cwd()
DOCS = ROOT / "docs"
TARGET = Path(os.environ["DOCS_TARGET_DIR"])
CORS_BIN = TARGET / "debug" / "cors"
started = time.monotonic()
failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")
    print(f"FAIL {where}: {message}", flush=True)


def ok(where, what):
    print(f"ok   {where} {what}", flush=True)


# --- the blocks ----------------------------------------------------------

FENCE = re.compile(r"^(\s*)```(.*)$")
MARKER = re.compile(r"^\s*<!--\s*(.*?)\s*-->\s*$")
LANGS = {"python", "toml", "json", "sh", "rust", "text"}


class Block:
    def __init__(self, path, line, lang, body, markers):
        self.path, self.line, self.lang, self.body = path, line, lang, body
        self.markers = markers  # {"no-run": reason, "expect-error": "", ...}
        self.output = None      # the combined stdout+stderr, for an <!-- output --> block

    @property
    def where(self):
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def marker(self, name):
        return self.markers.get(name)


def blocks_of(path):
    lines = path.read_text().split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group(1), m.group(2).strip()
        start = i
        markers, j = {}, i - 1
        while j >= 0 and lines[j].strip() == "":
            j -= 1
        while j >= 0 and MARKER.match(lines[j]):
            text = MARKER.match(lines[j]).group(1)
            name, _, arg = text.partition(":")
            markers[name.strip()] = arg.strip()
            j -= 1
        body, i = [], i + 1
        while i < len(lines) and not (lines[i].strip() == "```" and lines[i].startswith(indent)):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        if i == len(lines):
            fail(f"{path.relative_to(ROOT)}:{start + 1}", "unclosed code block")
        i += 1
        lang = info.split()[0].split(",")[0] if info else ""
        out.append(Block(path, start + 1, lang, "\n".join(body) + "\n", markers))
    return out


def run(cmd, cwd, timeout=120, env=None, shell=False):
    try:
        p = subprocess.run(cmd, cwd=cwd, shell=shell, env=env, timeout=timeout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 124, out + f"\n(timed out after {timeout} s)"


def report(block, rc, out, want_ok=True):
    block.output = out
    good = (rc == 0) if want_ok else (rc != 0)
    if good:
        ok(block.where, block.lang + ("" if want_ok else " (fails, as marked)"))
    else:
        expect = "exit 0" if want_ok else "a failure (<!-- expect-error -->)"
        fail(block.where, f"{block.lang} block: expected {expect}, got exit {rc}:\n{out}")


scratch = Path(tempfile.mkdtemp(prefix="docs-check-"))
bindir = scratch / "bin"
bindir.mkdir()
(bindir / "cors").symlink_to(CORS_BIN)
ENV = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}", PYTHONDONTWRITEBYTECODE="1")


def check_config(block):
    d = scratch / f"cfg-{len(list(scratch.iterdir()))}"
    d.mkdir()
    name = "cors.json" if block.lang == "json" else "cors.toml"
    (d / name).write_text(block.body)
    rc, out = run([str(CORS_BIN), "check", name], cwd=d)
    report(block, rc, out, want_ok=block.marker("expect-error") is None)


def check_sh(block):
    rc, out = run(["bash", "-euo", "pipefail", "-c", block.body], cwd=ROOT, env=ENV)
    report(block, rc, out, want_ok=block.marker("expect-error") is None)


def check_python(block):
    f = scratch / f"block_{len(list(scratch.iterdir()))}.py"
    f.write_text(block.body)
    if block.marker("no-run") is not None:
        rc, out = run([sys.executable, "-m", "py_compile", str(f)], cwd=ROOT, env=ENV)
        block.lang = "python (compiled only)"
    else:
        rc, out = run([sys.executable, str(f)], cwd=ROOT, env=ENV)
    report(block, rc, out, want_ok=block.marker("expect-error") is None)


def rust_project(blocks):
    """One cargo project, one binary per block, the workspace's versions."""
    proj = TARGET / "docs-check"
    src = proj / "src" / "bin"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    ws = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["dependencies"]

    def dep(name, extra_features=()):
        spec = ws[name]
        spec = {"version": spec} if isinstance(spec, str) else dict(spec)
        feats = list(spec.get("features", [])) + list(extra_features)
        parts = [f'version = "{spec["version"]}"']
        if feats:
            parts.append("features = [" + ", ".join(f'"{x}"' for x in feats) + "]")
        return f"{name} = {{ {', '.join(parts)} }}"

    def ours(crate, pkg, folder, features=()):
        feats = ", ".join(f'"{x}"' for x in features)
        return (f'{crate} = {{ package = "{pkg}", path = "{ROOT / folder}"'
                + (f", features = [{feats}]" if features else "") + " }")

    e = os.environ
    manifest = "\n".join([
        "# Generated by scripts/docs-check.sh; not part of the workspace.",
        "[package]", 'name = "fastcors-docs-check"', 'version = "0.0.0"',
        'edition = "2021"', "publish = false", "", "[workspace]", "", "[dependencies]",
        ours(e["DOCS_CORE_CRATE"], e["DOCS_CORE_PKG"], "crates/cors-core", ["http", "tokio"]),
        ours(e["DOCS_AXUM_CRATE"], e["DOCS_AXUM_PKG"], "crates/cors-axum"),
        ours(e["DOCS_ACTIX_CRATE"], e["DOCS_ACTIX_PKG"], "crates/cors-actix"),
        ours(e["DOCS_WARP_CRATE"], e["DOCS_WARP_PKG"], "crates/cors-warp"),
        dep("axum"), dep("tower", ["util"]), dep("tokio"), dep("actix-web"),
        dep("warp"), dep("http"), dep("http-body-util"), dep("serde_json"),
        dep("futures-util"), dep("bytes"), "",
    ])
    (proj / "Cargo.toml").write_text(manifest)
    # Start from the workspace's lock file: the same versions, already built.
    shutil.copy(ROOT / "Cargo.lock", proj / "Cargo.lock")
    names = {}
    for b in blocks:
        stem = re.sub(r"\W", "_", b.path.stem)
        name = f"docs_{stem}_{b.line}"
        body = b.body
        if not re.search(r"^\s*(async\s+)?fn main\s*\(", body, re.M):
            body = ("fn main() -> Result<(), Box<dyn std::error::Error>> {\n"
                    + body + "    Ok(())\n}\n")
        (src / f"{name}.rs").write_text(f"// {b.where}\n" + body)
        names[b] = name
    return proj, names


def check_rust(blocks):
    if not blocks:
        return
    proj, names = rust_project(blocks)
    env = dict(ENV, CARGO_TARGET_DIR=str(TARGET))
    env.pop("RUSTFLAGS", None)
    print(f"docs-check: building {len(blocks)} Rust blocks in {proj}", flush=True)
    rc, out = run(["cargo", "build", "-q", "--bins", "--manifest-path", str(proj / "Cargo.toml")],
                  cwd=ROOT, env=env, timeout=3600)
    if rc != 0:
        # Say which blocks failed: the compiler names the file of each error.
        for b, name in names.items():
            if f"src/bin/{name}.rs" in out:
                fail(b.where, "rust block does not compile (see below)")
        fail("rust blocks", f"cargo build failed:\n{out}")
        return
    for b, name in names.items():
        if b.marker("no-run") is not None:
            b.lang = "rust (compiled only)"
            ok(b.where, b.lang)
            continue
        rc, out = run([str(TARGET / "debug" / name)], cwd=ROOT, env=env, timeout=120)
        report(b, rc, out)


def check_output(block, previous):
    if previous is None or previous.output is None:
        fail(block.where, "an <!-- output --> block must follow a block that was run")
        return
    want = [l.rstrip() for l in block.body.rstrip().split("\n")]
    got = [l.rstrip() for l in previous.output.rstrip().split("\n")]
    if want == got:
        ok(block.where, f"output of {previous.where}")
    else:
        import difflib
        diff = "\n".join(difflib.unified_diff(want, got, "docs", "actual", lineterm=""))
        fail(block.where, f"output differs from {previous.where}:\n{diff}")


def check_file(block, rel):
    path = DOCS / rel
    if not path.is_file():
        fail(block.where, f"<!-- file: {rel} -->: docs/{rel} does not exist")
    elif path.read_text() != block.body:
        fail(block.where, f"the block differs from docs/{rel}")
    else:
        ok(block.where, f"is docs/{rel}")


# --- the configuration reference -----------------------------------------

def model_keys(name):
    src = (ROOT / "crates/cors-core/src/config/load.rs").read_text()
    m = re.search(name + r": &\[&str\] = &\[(.*?)\];", src, re.S)
    if not m:
        fail("load.rs", f"cannot find {name}")
        return []
    return re.findall(r'"([a-z_]+)"', m.group(1))


def table_keys(text, name):
    """First-column keys of the table after `<!-- keys: NAME -->`."""
    m = re.search(r"<!--\s*keys:\s*" + name + r"\s*-->\s*\n((?:\s*\n)*)((?:\|.*\n?)+)", text)
    if not m:
        return None
    keys = []
    for row in m.group(2).strip().split("\n")[2:]:
        first = row.strip().strip("|").split("|")[0]
        keys += re.findall(r"`([a-z_]+)`", first)
    return keys


def check_reference():
    ref = DOCS / "configuration.md"
    text = ref.read_text()
    for name in ("CONFIG_KEYS", "RULE_KEYS"):
        model = model_keys(name)
        documented = table_keys(text, name)
        where = f"docs/configuration.md <!-- keys: {name} -->"
        if documented is None:
            fail(where, "no such table")
            continue
        missing = [k for k in model if k not in documented]
        extra = [k for k in documented if k not in model]
        dupes = sorted({k for k in documented if documented.count(k) > 1})
        if missing or extra or dupes:
            fail(where, f"differs from {name} in load.rs: undocumented {missing}, "
                        f"not in the model {extra}, listed twice {dupes}")
        else:
            ok(where, f"= {name} ({len(model)} keys)")


# --- links and the Starlette version --------------------------------------

LINK = re.compile(r"\]\(([^)\s]+)\)")


def check_links(paths):
    for path in paths:
        for n, line in enumerate(path.read_text().split("\n"), 1):
            for target in LINK.findall(line):
                if re.match(r"[a-z]+:", target) or target.startswith("#"):
                    continue
                file = target.split("#")[0]
                if not (path.parent / file).exists():
                    fail(f"{path.relative_to(ROOT)}:{n}", f"broken link {target}")


def check_starlette_version(paths):
    pin = re.search(r'"starlette==([0-9.]+)"', (ROOT / "python/pyproject.toml").read_text())
    if not pin:
        fail("python/pyproject.toml", "no starlette==X pin in the test extra")
        return
    want = pin.group(1)
    for path in paths:
        for n, line in enumerate(path.read_text().split("\n"), 1):
            for v in re.findall(r"Starlette ([0-9]+\.[0-9]+\.[0-9]+)", line):
                if v != want:
                    fail(f"{path.relative_to(ROOT)}:{n}",
                         f"says Starlette {v}; python/pyproject.toml pins {want}")
    code = ("import fastcors, sys; v = getattr(fastcors, 'STARLETTE_VERSION', None); "
            "print(v if v else '')")
    rc, out = run([sys.executable, "-c", code], cwd=ROOT, env=ENV)
    got = out.strip()
    if rc != 0:
        fail("fastcors", f"cannot import fastcors (pip install './python[test]'):\n{out}")
    elif got and got != want:
        fail("fastcors.STARLETTE_VERSION", f"is {got}; the docs and the pin say {want}")
    else:
        ok("Starlette version", want + ("" if got else " (fastcors.STARLETTE_VERSION not defined yet)"))


# --- main -----------------------------------------------------------------

args = [ROOT / a for a in sys.argv[1:]]
files = args or sorted(DOCS.rglob("*.md"))
if not files:
    fail("docs", "no Markdown files")
all_blocks = []
for f in files:
    all_blocks += blocks_of(f)

rust = []
for b in all_blocks:
    if b.lang not in LANGS:
        fail(b.where, f"code block language {b.lang or '(none)'!r}: use one of {sorted(LANGS)}")
    if b.marker("no-run") == "":
        fail(b.where, "<!-- no-run: REASON --> needs a reason")
    if b.lang == "rust" and b.marker("output") is None:
        rust.append(b)

check_reference()
check_rust(rust)

previous = None
for b in all_blocks:
    rel = b.marker("file")
    if rel:
        check_file(b, rel)
    if b.lang == "rust":
        pass  # built and run above
    elif b.marker("output") is not None:
        check_output(b, previous)
    elif b.lang == "text" or (b.lang == "sh" and b.marker("no-run") is not None):
        if b.marker("no-run") is None and not rel:
            fail(b.where, "a text block is either <!-- output -->, <!-- file: ... --> or <!-- no-run: REASON -->")
        else:
            ok(b.where, f"{b.lang} (not run: {b.marker('no-run') or 'file content'})")
    elif b.lang in ("toml", "json"):
        check_config(b)
    elif b.lang == "sh":
        check_sh(b)
    elif b.lang == "python":
        check_python(b)
    previous = b

meta = [ROOT / "CHANGELOG.md"] + sorted(DOCS.rglob("*.md"))
check_links(meta)
check_starlette_version(meta)

shutil.rmtree(scratch, ignore_errors=True)
elapsed = time.monotonic() - started
n = len(all_blocks)
if failures:
    print(f"\ndocs-check: {len(failures)} failure(s) in {n} blocks ({elapsed:.0f} s):")
    for f in failures:
        print("  " + f.split("\n")[0])
    sys.exit(1)
print(f"\ndocs-check: {n} blocks and the configuration reference ok ({elapsed:.0f} s)")
PY
