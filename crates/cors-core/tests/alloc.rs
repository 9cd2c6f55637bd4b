//! The hot paths allocate nothing: a counting global allocator proves it.
//!
//! Each path is evaluated once to warm up (arc-swap's thread-local debt list,
//! regex caches), then 1000 times while counting.

use fastcors_core::{Cors, Decision, Preset, RequestView};
use fastcors_testkit::alloc::{count, CountingAlloc};

#[global_allocator]
static A: CountingAlloc = CountingAlloc;

/// Allocations of 1000 calls of `f` (on this thread: the kit's counter is
/// per thread, so parallel tests do not count each other), after one.
fn allocations(f: impl Fn()) -> usize {
    f();
    count(|| {
        for _ in 0..1000 {
            f();
        }
    })
    .1
}

fn engines() -> Vec<(&'static str, Cors)> {
    let many: Vec<String> = (0..10_000)
        .map(|i| format!("https://site{i}.example.com"))
        .collect();
    let build = |p: Preset| {
        Cors::builder()
            .preset(p)
            .allow_origins(many.iter().cloned())
            .allow_origin_patterns(["https://*.tenant.example.net", "http://localhost:*"])
            .allow_methods(["GET", "PUT", "DELETE"])
            .allow_headers(["content-type", "x-token", "x-request-id"])
            .expose_headers(["x-total"])
            .allow_credentials(true)
            .allow_private_network(true)
            .build()
            .unwrap()
    };
    vec![
        ("standard", build(Preset::Standard)),
        ("starlette", build(Preset::Starlette)),
    ]
}

#[test]
fn evaluation_allocates_nothing() {
    let ons = [
        ("exact", &b"https://site4242.example.com"[..]),
        ("wildcard", &b"https://a.b.tenant.example.net"[..]),
        ("port pattern", &b"http://localhost:5173"[..]),
        ("refused", &b"https://evil.example.org"[..]),
        ("malformed", &b"https://site1.example.com/"[..]),
    ];
    for (preset, cors) in engines() {
        for (what, origin) in ons {
            let simple = || {
                let view = RequestView::new(b"GET").with_origin(origin);
                let d = cors.evaluate(&view);
                std::hint::black_box(read_all(&d));
                assert!(matches!(d, Decision::Actual(_)));
            };
            assert_eq!(
                allocations(simple),
                0,
                "{preset} simple request, {what} origin"
            );
            let preflight = || {
                let view = RequestView::new(b"OPTIONS")
                    .with_origin(origin)
                    .with_request_method(b"PUT")
                    .with_request_headers(b"content-type, x-token, X-Request-Id")
                    .with_request_private_network(b"true");
                let d = cors.evaluate(&view);
                std::hint::black_box(read_all(&d));
                assert!(matches!(d, Decision::Preflight(_)));
            };
            assert_eq!(
                allocations(preflight),
                0,
                "{preset} preflight, {what} origin"
            );
        }
    }
}

/// Reads every header value, as an adapter does (values are resolved as
/// they are read, so reading is part of what must not allocate).
fn read_all(d: &Decision<'_>) -> usize {
    d.headers()
        .map_or(0, |h| h.iter().map(|(_, v)| v.as_bytes().len()).sum())
}

#[test]
fn the_counter_counts() {
    // Guards the test above against a counter that never counts.
    let n = allocations(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1000, "{n}");
}
