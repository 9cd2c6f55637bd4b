//! fastcors-axum vs tower-http `CorsLayer` under axum 0.8, in-process.
//!
//! An axum `Router` with one trivial handler (`GET /data`) is called in a
//! loop (`tower::Service::call`, one request built per iteration) on a
//! current-thread tokio runtime. Ids: `axum/<kind>/<side>/<origins>`, with
//! kind `simple` (GET + allowed Origin) or `preflight` (OPTIONS + Origin +
//! ACRM + three ACRH), side `none` (no CORS layer, the baseline), `fastcors`
//! or `incumbent`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use cors_benches::{axum_side, probe, Mode, REQUEST_HEADERS, REQUEST_METHOD};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use http::Request;
use tower::{Service, ServiceExt};

fn request(preflight: bool, origin: &str) -> Request<Body> {
    let b = Request::builder().uri("/data").header("origin", origin);
    let b = if preflight {
        b.method("OPTIONS")
            .header("access-control-request-method", REQUEST_METHOD)
            .header("access-control-request-headers", REQUEST_HEADERS)
    } else {
        b.method("GET")
    };
    b.body(Body::empty()).unwrap()
}

fn check(rt: &tokio::runtime::Runtime, mode: Mode, n: usize) {
    let origin = probe(n);
    for preflight in [false, true] {
        let res = rt
            .block_on(axum_side::app(mode, n).oneshot(request(preflight, &origin)))
            .unwrap();
        let acao = res.headers().get("access-control-allow-origin");
        if mode == Mode::None {
            assert!(acao.is_none());
        } else {
            assert_eq!(
                acao.map(|v| v.as_bytes()),
                Some(origin.as_bytes()),
                "{mode:?} {n}"
            );
            assert!(res.status().is_success(), "{mode:?} {n} {}", res.status());
        }
    }
}

fn sizes() -> Vec<usize> {
    let cap: usize = std::env::var("CORS_BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    [3usize, 100, 10_000]
        .into_iter()
        .filter(|&n| n <= cap)
        .collect()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut cases = vec![(Mode::None, "none", 3usize)];
    for n in sizes() {
        cases.push((Mode::Fastcors, "fastcors", n));
        cases.push((Mode::Incumbent, "incumbent", n));
    }
    for (mode, side, n) in cases {
        check(&rt, mode, n);
        let origin = probe(n);
        for (kind, preflight) in [("simple", false), ("preflight", true)] {
            let mut app = axum_side::app(mode, n);
            c.bench_with_input(
                BenchmarkId::new(format!("axum/{kind}/{side}"), n),
                &n,
                |b, _| {
                    b.iter_custom(|iters| {
                        rt.block_on(async {
                            let start = Instant::now();
                            for _ in 0..iters {
                                let req = request(preflight, &origin);
                                let svc =
                                    ServiceExt::<Request<Body>>::ready(&mut app).await.unwrap();
                                black_box(svc.call(req).await.unwrap());
                            }
                            start.elapsed()
                        })
                    })
                },
            );
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
