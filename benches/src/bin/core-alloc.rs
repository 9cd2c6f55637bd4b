//! Allocations per `Cors::evaluate` and the memory of 1M origins.
//!
//! fastcors-testkit's counting global allocator (count and live bytes) wraps the
//! system allocator. For each index and size of the core bench it evaluates a
//! simple and a preflight request (after one warm-up evaluation) and reports
//! allocations per evaluation. Then it builds 1M origins as the hash set
//! (`allow_origins`) and as an fst file (`allow_origins_file`), and reports
//! the live heap each engine holds, the fst's size, and the process's
//! resident set (VmRSS) growth.
//!
//! Prints one JSON object on stdout. `--max-n N` limits the sizes (quick runs).

use std::hint::black_box;
use std::time::Instant;

use cors_benches::{origin, HEADERS, METHODS};
use fastcors_core::{Config, Cors, RequestView};
use fastcors_testkit::alloc::CountingAlloc;
use fastcors_testkit::alloc::{live_bytes, Scope};
use serde_json::{json, Value};

#[global_allocator]
static A: CountingAlloc = CountingAlloc;

const ROUNDS: usize = 10_000;
const REQUEST_HEADERS: &[u8] = b"content-type, x-token, x-request-id";

fn allocs_per_op(f: impl Fn()) -> f64 {
    f();
    let scope = Scope::start();
    for _ in 0..ROUNDS {
        f();
    }
    scope.stop() as f64 / ROUNDS as f64
}

fn base() -> Config {
    Config {
        allow_methods: Some(METHODS.iter().map(|s| s.to_string()).collect()),
        allow_headers: HEADERS.iter().map(|s| s.to_string()).collect(),
        expose_headers: vec!["x-total".into()],
        allow_credentials: true,
        max_age: Some(600),
        ..Config::default()
    }
}

fn measure(cors: &Cors, probe: &str) -> (f64, f64) {
    let p = probe.as_bytes();
    let simple = allocs_per_op(|| {
        let v = RequestView::new(b"GET").with_origin(black_box(p));
        black_box(cors.evaluate(&v));
    });
    let preflight = allocs_per_op(|| {
        let v = RequestView::new(b"OPTIONS")
            .with_origin(black_box(p))
            .with_request_method(b"PUT")
            .with_request_headers(REQUEST_HEADERS);
        black_box(cors.evaluate(&v));
    });
    (simple, preflight)
}

fn rss_kib() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(-1)
}

fn live() -> i64 {
    live_bytes() as i64
}

fn main() {
    let mut max_n = usize::MAX;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--max-n") {
        max_n = args[i + 1].parse().expect("--max-n N");
    }
    let mut allocs = Vec::<Value>::new();
    for n in [1usize, 100, 10_000, 1_000_000] {
        if n > max_n {
            continue;
        }
        let mut cfg = base();
        cfg.allow_origins = (0..n).map(origin).collect();
        let cors = Cors::from_config(&cfg).unwrap();
        let (s, p) = measure(&cors, &origin(n / 2));
        allocs.push(json!({"index": "exact", "n": n, "simple": s, "preflight": p}));
    }
    for n in [1usize, 100, 100_000] {
        if n > max_n {
            continue;
        }
        let mut cfg = base();
        cfg.allow_origin_patterns = (0..n)
            .map(|i| format!("https://*.t{i}.example.net"))
            .collect();
        let cors = Cors::from_config(&cfg).unwrap();
        let (s, p) = measure(&cors, &format!("https://a.b.t{}.example.net", n / 2));
        allocs.push(json!({"index": "pattern", "n": n, "simple": s, "preflight": p}));
    }
    // A refused origin and a request without Origin, at the smallest size.
    {
        let mut cfg = base();
        cfg.allow_origins = (0..100).map(origin).collect();
        let cors = Cors::from_config(&cfg).unwrap();
        let (s, p) = measure(&cors, "https://evil.example.org");
        allocs.push(json!({"index": "exact-refused", "n": 100, "simple": s, "preflight": p}));
        let none = allocs_per_op(|| {
            black_box(cors.evaluate(&RequestView::new(black_box(b"GET"))));
        });
        allocs.push(json!({"index": "no-origin", "n": 100, "simple": none, "preflight": none}));
    }

    // Memory of N origins: hash set vs fst.
    let n = 1_000_000.min(max_n);
    let rss0 = rss_kib();
    let live0 = live();
    let t = Instant::now();
    let hash = {
        let mut cfg = base();
        cfg.allow_origins = (0..n).map(origin).collect();
        let cors = Cors::from_config(&cfg).unwrap();
        drop(cfg);
        cors
    };
    let hash_build_s = t.elapsed().as_secs_f64();
    let hash_heap = live() - live0;
    let hash_rss = (rss_kib() - rss0) * 1024;
    let (s, p) = measure(&hash, &origin(n / 2));
    drop(hash);

    let fst_bytes = fastcors_core::build_fst((0..n).map(origin)).unwrap();
    let fst_size = fst_bytes.len();
    let path = std::env::temp_dir().join(format!("cors-alloc-{}.fst", std::process::id()));
    std::fs::write(&path, &fst_bytes).unwrap();
    drop(fst_bytes);
    let rss1 = rss_kib();
    let live1 = live();
    let t = Instant::now();
    let fst = {
        let mut cfg = base();
        cfg.allow_origins_file = Some(path.clone());
        Cors::from_config(&cfg).unwrap()
    };
    let fst_build_s = t.elapsed().as_secs_f64();
    let fst_heap = live() - live1;
    // Touch every page of the map so the RSS figure is the worst case.
    let (fs, fp) = measure(&fst, &origin(n / 2));
    let mut sink = 0u64;
    for i in (0..n).step_by((n / 1000).max(1)) {
        let o = origin(i);
        let v = RequestView::new(b"GET").with_origin(o.as_bytes());
        if matches!(fst.evaluate(&v), fastcors_core::Decision::Actual(a) if a.allowed) {
            sink += 1;
        }
    }
    let fst_rss = (rss_kib() - rss1) * 1024;
    drop(fst);
    let _ = std::fs::remove_file(&path);
    allocs.push(json!({"index": "exact-hash-memtest", "n": n, "simple": s, "preflight": p}));
    allocs.push(json!({"index": "fst", "n": n, "simple": fs, "preflight": fp}));

    let out = json!({
        "allocations_per_evaluation": allocs,
        "rounds": ROUNDS,
        "memory": {
            "n": n,
            "hash": {"heap_bytes": hash_heap, "rss_growth_bytes": hash_rss, "build_seconds": hash_build_s},
            "fst": {
                "heap_bytes": fst_heap,
                "file_bytes": fst_size,
                "resident_bound_bytes": fst_heap + fst_size as i64,
                "rss_growth_bytes": fst_rss,
                "build_seconds": fst_build_s,
                "probe_hits": sink,
            },
        },
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
