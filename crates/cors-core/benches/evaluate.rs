//! `Cors::evaluate` cost as the origin list and the pattern list grow.
//!
//! Groups (criterion ids are `core/<kind>/<index>/<n>`):
//! - `core/simple/...`: `GET` with an allowed `Origin` (an actual request);
//! - `core/preflight/...`: `OPTIONS` + `Origin` + `Access-Control-Request-Method: PUT`
//!   + `Access-Control-Request-Headers` naming three headers;
//!
//! and the index is `exact` (1, 100, 10k, 1M origins in the hash set),
//! `pattern` (1, 100, 100k wildcard patterns `https://*.tN.example.net`) or
//! `fst` (1M origins in a memory-mapped fst file built by `build_fst`).
//!
//! Origins are pseudo-random realistic names (`origin`, the same generator
//! as `cors-benches`). The requested origin is the middle entry of the list (for patterns: a
//! two-label subdomain of the middle pattern's domain).
//!
//! Allocations per evaluation and the memory of 1M origins are measured by
//! the `core-alloc` binary of the `cors-benches` crate (`benches/`), which
//! needs a counting global allocator of its own.
//!
//! Sizes can be limited for a quick run with `CORS_BENCH_MAX_N` (e.g. 1000).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fastcors_core::{Config, Cors, Decision, RequestView};

const METHODS: [&str; 3] = ["GET", "POST", "PUT"];
const HEADERS: [&str; 3] = ["content-type", "x-token", "x-request-id"];
const REQUEST_HEADERS: &[u8] = b"content-type, x-token, x-request-id";

/// A realistic-looking origin, deterministic in `i`: `https://<label>.<domain>.<tld>`
/// with pseudo-random labels (sequential names would make the fst and
/// linear scans unrealistically cheap).
fn origin(i: usize) -> String {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn label(mut z: u64, len: usize) -> String {
        const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut s = String::with_capacity(len);
        for k in 0..len {
            s.push(A[(z % if k == 0 { 26 } else { 36 }) as usize] as char);
            z /= 36;
        }
        s
    }
    let a = mix(i as u64);
    let b = mix(a);
    let tld = ["com", "net", "org", "io", "dev", "app"][(b % 6) as usize];
    format!(
        "https://{}.{}.{tld}",
        label(a, 6 + (a >> 60) as usize % 7),
        label(b >> 3, 4 + (b >> 59) as usize % 6)
    )
}

fn pattern(i: usize) -> String {
    format!("https://*.t{i}.example.net")
}

fn max_n() -> usize {
    std::env::var("CORS_BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

fn base(cfg: &mut Config) {
    cfg.allow_methods = Some(METHODS.iter().map(|s| s.to_string()).collect());
    cfg.allow_headers = HEADERS.iter().map(|s| s.to_string()).collect();
    cfg.expose_headers = vec!["x-total".into()];
    cfg.allow_credentials = true;
    cfg.max_age = Some(600);
}

fn exact(n: usize) -> (Cors, String) {
    let mut cfg = Config::default();
    base(&mut cfg);
    cfg.allow_origins = (0..n).map(origin).collect();
    (Cors::from_config(&cfg).expect("config"), origin(n / 2))
}

fn patterns(n: usize) -> (Cors, String) {
    let mut cfg = Config::default();
    base(&mut cfg);
    cfg.allow_origin_patterns = (0..n).map(pattern).collect();
    let probe = format!("https://a.b.t{}.example.net", n / 2);
    (Cors::from_config(&cfg).expect("config"), probe)
}

fn fst_file(n: usize) -> (Cors, String, PathBuf) {
    let bytes = fastcors_core::build_fst((0..n).map(origin)).expect("fst");
    let path = std::env::temp_dir().join(format!("cors-bench-{}-{n}.fst", std::process::id()));
    std::fs::write(&path, bytes).expect("write fst");
    let mut cfg = Config::default();
    base(&mut cfg);
    cfg.allow_origins_file = Some(path.clone());
    (
        Cors::from_config(&cfg).expect("config"),
        origin(n / 2),
        path,
    )
}

fn check_allowed(cors: &Cors, probe: &str) {
    let simple = RequestView::new(b"GET").with_origin(probe.as_bytes());
    match cors.evaluate(&simple) {
        Decision::Actual(a) => assert!(a.allowed, "{probe} refused"),
        other => panic!("{other:?}"),
    }
    let pre = RequestView::new(b"OPTIONS")
        .with_origin(probe.as_bytes())
        .with_request_method(b"PUT")
        .with_request_headers(REQUEST_HEADERS);
    match cors.evaluate(&pre) {
        Decision::Preflight(p) => assert!(p.allowed, "{probe} preflight refused"),
        other => panic!("{other:?}"),
    }
}

/// Evaluates and reads every header of the decision, as an adapter does
/// (a decision's headers are resolved as they are read).
fn decide_and_read(cors: &Cors, view: &RequestView<'_>) -> usize {
    let d = cors.evaluate(view);
    let n = d
        .headers()
        .map_or(0, |h| h.iter().map(|(_, v)| v.as_bytes().len()).sum());
    black_box(d);
    n
}

fn bench_one(c: &mut Criterion, index: &str, n: usize, cors: &Cors, probe: &str) {
    check_allowed(cors, probe);
    let probe = probe.as_bytes();
    c.bench_with_input(
        BenchmarkId::new(format!("core/simple/{index}"), n),
        &n,
        |b, _| {
            b.iter(|| {
                let view = RequestView::new(black_box(b"GET")).with_origin(black_box(probe));
                black_box(decide_and_read(cors, &view));
            })
        },
    );
    c.bench_with_input(
        BenchmarkId::new(format!("core/preflight/{index}"), n),
        &n,
        |b, _| {
            b.iter(|| {
                let view = RequestView::new(black_box(b"OPTIONS"))
                    .with_origin(black_box(probe))
                    .with_request_method(black_box(b"PUT"))
                    .with_request_headers(black_box(REQUEST_HEADERS));
                black_box(decide_and_read(cors, &view));
            })
        },
    );
}

fn evaluate(c: &mut Criterion) {
    let cap = max_n();
    for n in [1usize, 100, 10_000, 1_000_000] {
        if n > cap {
            continue;
        }
        let (cors, probe) = exact(n);
        bench_one(c, "exact", n, &cors, &probe);
    }
    for n in [1usize, 100, 100_000] {
        if n > cap {
            continue;
        }
        let (cors, probe) = patterns(n);
        bench_one(c, "pattern", n, &cors, &probe);
    }
    let n = 1_000_000.min(cap);
    let (cors, probe, path) = fst_file(n);
    bench_one(c, "fst", n, &cors, &probe);
    drop(cors);
    let _ = std::fs::remove_file(path);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(700))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(40);
    targets = evaluate
}
criterion_main!(benches);
