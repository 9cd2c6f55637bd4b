//! Allocations per request made by the layer itself, counted with a
//! counting global allocator, so that a regression on the hot path fails.
//!
//! The inner service builds a small response (one `content-type` field);
//! the figure reported is what the layered service allocates *beyond* the
//! inner service alone. Requests are built before counting, with values
//! from `from_static` (like hyper's, which share the read buffer, cloning
//! them does not allocate). Run with `--nocapture` to see the figures.

use std::convert::Infallible;

use fastcors_axum::CorsLayer;
use fastcors_core::Cors;
use fastcors_testkit::alloc::{CountingAlloc, Scope};
use futures_util::FutureExt;
use http::header::{CONTENT_TYPE, VARY};
use http::{HeaderValue, Request, Response};
use tower::{Layer, Service};

// Per thread (the kit's counter), so that tests running in parallel do not
// count each other.
#[global_allocator]
static A: CountingAlloc = CountingAlloc;

const ROUNDS: usize = 1000;

/// Allocations per call of `svc` (rounded up), after one warm-up call.
fn per_request<S>(svc: &mut S, make: impl Fn() -> Request<()>) -> usize
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Response: Sized,
    S::Error: std::fmt::Debug,
{
    fn once<S: Service<Request<()>>>(svc: &mut S, req: Request<()>) -> S::Response
    where
        S::Error: std::fmt::Debug,
    {
        let fut = svc.call(req);
        fut.now_or_never()
            .expect("ready at once")
            .expect("infallible")
    }
    drop(once(svc, make()));
    let reqs: Vec<_> = (0..ROUNDS).map(|_| make()).collect();
    let scope = Scope::start();
    for req in reqs {
        drop(once(svc, req));
    }
    scope.stop().div_ceil(ROUNDS)
}

/// Same, for the layered service (its response body type differs).
fn per_request_layered(cors: &Cors, vary: bool, make: impl Fn() -> Request<()>) -> usize {
    let mut svc = CorsLayer::new(cors.clone()).layer(inner(vary));
    let mut unit = tower::service_fn(move |req: Request<()>| {
        let fut = svc.call(req);
        async move { fut.await.map(|res| res.map(|_| ())) }
    });
    per_request(&mut unit, make)
}

/// The application: a response with a `content-type` field, and with a
/// `Vary` field of its own if `vary`.
fn inner(
    vary: bool,
) -> impl Service<Request<()>, Response = Response<()>, Error = Infallible> + Clone {
    tower::service_fn(move |_req: Request<()>| async move {
        let mut res = Response::new(());
        let map = res.headers_mut();
        map.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        if vary {
            map.insert(VARY, HeaderValue::from_static("accept-encoding"));
        }
        Ok::<_, Infallible>(res)
    })
}

fn request(method: &str, headers: &[(&'static str, &'static str)]) -> Request<()> {
    let mut req = Request::builder().method(method).uri("/");
    for (n, v) in headers {
        req = req.header(*n, HeaderValue::from_static(v));
    }
    req.body(()).unwrap()
}

fn policy() -> Cors {
    Cors::builder()
        .allow_origins(["https://app.example.com"])
        .allow_origin_patterns(["https://*.tenant.example.net"])
        .allow_methods(["GET", "PUT", "POST", "DELETE"])
        .allow_headers(["content-type", "x-token"])
        .expose_headers(["x-total"])
        .allow_credentials(true)
        .max_age(600)
        .build()
        .unwrap()
}

fn simple() -> Request<()> {
    request("GET", &[("origin", "https://app.example.com")])
}

fn preflight() -> Request<()> {
    request(
        "OPTIONS",
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type, x-token"),
        ],
    )
}

struct Case {
    what: &'static str,
    make: fn() -> Request<()>,
    /// The application has a `Vary` of its own.
    vary: bool,
    /// The layer answers itself: the application's allocations are not
    /// made, so none are subtracted.
    answered: bool,
    /// Most allocations per request the layer may add.
    most: usize,
}

const CASES: &[Case] = &[
    Case {
        what: "simple allowed request",
        make: simple,
        vary: false,
        answered: false,
        most: 0,
    },
    Case {
        what: "allowed by pattern",
        make: || request("GET", &[("origin", "https://a.tenant.example.net")]),
        vary: false,
        answered: false,
        most: 0,
    },
    Case {
        what: "no Origin",
        make: || request("GET", &[]),
        vary: false,
        answered: false,
        most: 0,
    },
    Case {
        what: "refused origin",
        make: || request("GET", &[("origin", "https://evil.example.org")]),
        vary: false,
        answered: false,
        most: 0,
    },
    Case {
        // One for the second `Vary` field (the header map keeps extra values
        // of a name in a list of their own); `merge_vary` itself allocates
        // nothing when it appends.
        what: "allowed, application's own Vary",
        make: simple,
        vary: true,
        answered: false,
        most: 1,
    },
    Case {
        // The response's header map: its table and its entries.
        what: "preflight",
        make: preflight,
        vary: false,
        answered: true,
        most: 2,
    },
];

#[test]
fn the_layer_allocates_little_per_request() {
    let cors = policy();
    let mut report = Vec::new();
    let mut over = Vec::new();
    for case in CASES {
        let base = if case.answered {
            0
        } else {
            per_request(&mut inner(case.vary), case.make)
        };
        let layered = per_request_layered(&cors, case.vary, case.make);
        let added = layered.saturating_sub(base);
        report.push(format!(
            "{}: {added} (application alone {base}, layered {layered})",
            case.what
        ));
        if added > case.most {
            over.push(format!("{}: {added} > {}", case.what, case.most));
        }
    }
    println!(
        "allocations per request added by the layer:\n  {}",
        report.join("\n  ")
    );
    assert!(over.is_empty(), "over budget: {over:?}\n{report:#?}");
}

#[test]
fn the_counter_counts() {
    // Guards the test above against a counter that never counts.
    let mut svc = tower::service_fn(|_req: Request<()>| async {
        std::hint::black_box(vec![1u8; 16]);
        Ok::<_, Infallible>(Response::new(()))
    });
    let n = per_request(&mut svc, || request("GET", &[("origin", "x")]));
    assert!(n >= 1, "{n}");
}
