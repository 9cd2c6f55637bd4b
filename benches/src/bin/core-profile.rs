//! A plain loop over `Cors::evaluate` for profilers (callgrind, perf):
//! `core-profile simple|preflight[-read] [N evaluations] [origins]`
//! (`-read`: also read every header of the decision, as an adapter does).

use std::hint::black_box;

use cors_benches::{fastcors, probe, REQUEST_HEADERS};
use fastcors_core::RequestView;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map(String::as_str).unwrap_or("simple");
    let n: u64 = args
        .get(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let origins: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(3);
    let cors = fastcors(origins);
    let origin = probe(origins);
    let o = origin.as_bytes();
    for _ in 0..n {
        let view = if kind.starts_with("preflight") {
            RequestView::new(black_box(b"OPTIONS"))
                .with_origin(black_box(o))
                .with_request_method(black_box(b"PUT"))
                .with_request_headers(black_box(REQUEST_HEADERS.as_bytes()))
        } else {
            RequestView::new(black_box(b"GET")).with_origin(black_box(o))
        };
        let d = cors.evaluate(&view);
        if kind.ends_with("-read") {
            let mut n = 0;
            let headers = match &d {
                fastcors_core::Decision::Preflight(p) => Some(p.headers),
                fastcors_core::Decision::Actual(a) => Some(a.headers),
                _ => None,
            };
            for (_, v) in headers.iter().flat_map(|h| h.iter()) {
                n += v.as_bytes().len();
            }
            black_box(n);
        }
        black_box(d);
    }
}
