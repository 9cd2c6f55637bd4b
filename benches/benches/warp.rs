//! fastcors-warp vs `warp::cors()` under warp 0.4, in-process.
//!
//! The filter (`GET /data`, one trivial handler) is turned into a service
//! with `warp::service` and called in a loop (one `http::Request` built per
//! iteration) on a current-thread tokio runtime. Ids:
//! `warp/<kind>/<side>/<origins>` as in the axum bench.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cors_benches::{fastcors, probe, warp_side, Mode, REQUEST_HEADERS, REQUEST_METHOD};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use http::Request;
use http_body_util::Empty;
use std::convert::Infallible;
use tower_service::Service;
use warp::Filter;

fn request(preflight: bool, origin: &str) -> Request<Empty<Bytes>> {
    let b = Request::builder().uri("/data").header("origin", origin);
    let b = if preflight {
        b.method("OPTIONS")
            .header("access-control-request-method", REQUEST_METHOD)
            .header("access-control-request-headers", REQUEST_HEADERS)
    } else {
        b.method("GET")
    };
    b.body(Empty::new()).unwrap()
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

fn run<S>(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    mut svc: S,
    mode: Mode,
    side: &str,
    n: usize,
) where
    S: Service<Request<Empty<Bytes>>, Response = warp::reply::Response, Error = Infallible>,
{
    let origin = probe(n);
    for preflight in [false, true] {
        let res = rt.block_on(svc.call(request(preflight, &origin))).unwrap();
        let acao = res.headers().get("access-control-allow-origin");
        if mode == Mode::None {
            assert!(acao.is_none());
        } else {
            assert_eq!(
                acao.map(|v| v.as_bytes()),
                Some(origin.as_bytes()),
                "{side} {n}"
            );
            assert!(res.status().is_success(), "{side} {n} {}", res.status());
        }
    }
    for (kind, preflight) in [("simple", false), ("preflight", true)] {
        c.bench_with_input(
            BenchmarkId::new(format!("warp/{kind}/{side}"), n),
            &n,
            |b, _| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iters {
                            let req = request(preflight, &origin);
                            black_box(svc.call(req).await.unwrap());
                        }
                        start.elapsed()
                    })
                })
            },
        );
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    run(
        c,
        &rt,
        warp::service(warp_side::routes()),
        Mode::None,
        "none",
        3,
    );
    for n in sizes() {
        run(
            c,
            &rt,
            warp::service(fastcors_warp::wrap(warp_side::routes(), fastcors(n))),
            Mode::Fastcors,
            "fastcors",
            n,
        );
        run(
            c,
            &rt,
            warp::service(warp_side::routes().with(warp_side::incumbent(n))),
            Mode::Incumbent,
            "incumbent",
            n,
        );
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
