//! fastcors-actix vs actix-cors under actix-web 4, in-process.
//!
//! The app (`GET /data`, one trivial handler) is built once with
//! `actix_web::test::init_service` and called in a loop with
//! `test::call_service` (one `TestRequest` built per iteration). Ids:
//! `actix/<kind>/<side>/<origins>` as in the axum bench.

use std::hint::black_box;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use cors_benches::{actix_side, probe, Mode, REQUEST_HEADERS, REQUEST_METHOD};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn request(preflight: bool, origin: &str) -> actix_http::Request {
    let r = if preflight {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .insert_header(("access-control-request-method", REQUEST_METHOD))
            .insert_header(("access-control-request-headers", REQUEST_HEADERS))
    } else {
        test::TestRequest::get()
    };
    r.uri("/data")
        .insert_header(("origin", origin))
        .to_request()
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

fn run<S, B>(
    c: &mut Criterion,
    sys: &actix_web::rt::SystemRunner,
    app: S,
    mode: Mode,
    side: &str,
    n: usize,
) where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let origin = probe(n);
    // Correctness first: both sides must allow the probe.
    for preflight in [false, true] {
        let res = sys.block_on(test::call_service(&app, request(preflight, &origin)));
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
            BenchmarkId::new(format!("actix/{kind}/{side}"), n),
            &n,
            |b, _| {
                b.iter_custom(|iters| {
                    sys.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iters {
                            let req = request(preflight, &origin);
                            black_box(test::call_service(&app, req).await);
                        }
                        start.elapsed()
                    })
                })
            },
        );
    }
}

fn bench(c: &mut Criterion) {
    let sys = actix_web::rt::System::new();
    let app = sys.block_on(test::init_service(
        App::new().route("/data", web::get().to(actix_side::data)),
    ));
    run(c, &sys, app, Mode::None, "none", 3);
    for n in sizes() {
        let app = sys.block_on(test::init_service(
            App::new()
                .wrap(actix_side::fastcors_mw(n))
                .route("/data", web::get().to(actix_side::data)),
        ));
        run(c, &sys, app, Mode::Fastcors, "fastcors", n);
        let app = sys.block_on(test::init_service(
            App::new()
                .wrap(actix_side::incumbent(n))
                .route("/data", web::get().to(actix_side::data)),
        ));
        run(c, &sys, app, Mode::Incumbent, "incumbent", n);
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
