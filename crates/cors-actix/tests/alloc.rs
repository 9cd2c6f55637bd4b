//! Allocations per request made by the middleware itself, counted with a
//! counting global allocator, so that a regression on the hot path fails.
//!
//! The figure reported is what the wrapped app allocates *beyond* the same
//! app without the middleware (actix-web's own allocations per request are
//! the same on both sides). Requests are built before counting, with values
//! from `from_static` (like the ones actix's parser produces, which share
//! the read buffer, cloning them does not allocate). Run with
//! `--nocapture` to see the figures.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::{test, web, App, HttpResponse};
use fastcors_actix::CorsMiddleware;
use fastcors_core::Cors;
use fastcors_testkit::alloc::{CountingAlloc, Scope};

// Per thread (the kit's counter), so that tests running in parallel do not
// count each other.
#[global_allocator]
static A: CountingAlloc = CountingAlloc;

const ROUNDS: usize = 500;

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

fn request(method: Method, headers: &[(&'static str, &'static str)]) -> actix_http::Request {
    let mut req = test::TestRequest::default().method(method).uri("/data");
    for (n, v) in headers {
        req = req.insert_header((HeaderName::from_static(n), HeaderValue::from_static(v)));
    }
    req.to_request()
}

async fn handler() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("content-type", HeaderValue::from_static("text/plain")))
        .finish()
}

/// Allocations per call (rounded up), after a few warm-up calls.
async fn per_request<S, B>(app: &S, make: &dyn Fn() -> actix_http::Request) -> usize
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for _ in 0..3 {
        drop(test::call_service(app, make()).await);
    }
    let reqs: Vec<_> = (0..ROUNDS).map(|_| make()).collect();
    let scope = Scope::start();
    for req in reqs {
        drop(test::call_service(app, req).await);
    }
    scope.stop().div_ceil(ROUNDS)
}

struct Case {
    what: &'static str,
    make: fn() -> actix_http::Request,
    /// The middleware answers itself: the handler's allocations are not
    /// made, so the bare app's are not subtracted.
    answered: bool,
    /// Most allocations per request the middleware may add.
    most: usize,
}

fn simple() -> actix_http::Request {
    request(Method::GET, &[("origin", "https://app.example.com")])
}

const CASES: &[Case] = &[
    Case {
        what: "simple allowed request",
        make: simple,
        answered: false,
        most: 0,
    },
    Case {
        what: "allowed by pattern",
        make: || request(Method::GET, &[("origin", "https://a.tenant.example.net")]),
        answered: false,
        most: 0,
    },
    Case {
        what: "no Origin",
        make: || request(Method::GET, &[]),
        answered: false,
        most: 0,
    },
    Case {
        what: "refused origin",
        make: || request(Method::GET, &[("origin", "https://evil.example.org")]),
        answered: false,
        most: 0,
    },
    Case {
        // The middleware's own response (actix's response head and the
        // service response), compared with nothing: the handler is not run.
        what: "preflight",
        make: || {
            request(
                Method::OPTIONS,
                &[
                    ("origin", "https://app.example.com"),
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-headers", "content-type, x-token"),
                ],
            )
        },
        answered: true,
        most: 2,
    },
];

#[actix_web::test]
async fn the_middleware_allocates_little_per_request() {
    let bare = test::init_service(App::new().route("/data", web::get().to(handler))).await;
    let wrapped = test::init_service(
        App::new()
            .wrap(CorsMiddleware::new(policy()))
            .route("/data", web::get().to(handler)),
    )
    .await;
    let mut failures = Vec::new();
    for case in CASES {
        let base = if case.answered {
            0
        } else {
            per_request(&bare, &case.make).await
        };
        let with = per_request(&wrapped, &case.make).await;
        let added = with.saturating_sub(base);
        println!(
            "{}: {added} allocation(s) per request ({with} vs {base})",
            case.what
        );
        if added > case.most {
            failures.push(format!("{}: {added} > {}", case.what, case.most));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
