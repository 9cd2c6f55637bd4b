//! fastcors-core's conformance vectors, end to end through axum in-process, plus
//! the attacker-origin corpus and hostile inputs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::routing::any;
use axum::Router;
use fastcors_axum::CorsLayer;
use fastcors_core::Cors;
use fastcors_testkit::adapter::{Observed, Order, Vector};
use http::{HeaderName, HeaderValue, Request};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn app(cors: Cors, called: Arc<AtomicBool>) -> Router {
    let handler = move || {
        let called = called.clone();
        async move {
            called.store(true, Ordering::SeqCst);
            "ok"
        }
    };
    Router::new()
        .route("/", any(handler.clone()))
        .fallback(handler)
        .layer(CorsLayer::new(cors))
}

async fn send(cors: Cors, method: &str, path: &str, headers: &[(String, String)]) -> Observed {
    let called = Arc::new(AtomicBool::new(false));
    let mut req = Request::builder().method(method).uri(path);
    for (n, v) in headers {
        req = req.header(
            HeaderName::from_bytes(n.as_bytes()).expect("header name"),
            HeaderValue::from_bytes(v.as_bytes())
                .unwrap_or_else(|e| panic!("header value {v:?}: {e}")),
        );
    }
    let res = app(cors, called.clone())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Observed {
        status,
        body,
        headers,
        app_called: called.load(Ordering::SeqCst),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn conformance_vectors() {
    let rt = rt();
    let (ran, skipped) =
        fastcors_testkit::adapter::run_all(Order::GroupedByName, |v: &Vector, cors| {
            rt.block_on(send(cors, &v.method, &v.path, &v.headers))
        });
    eprintln!("{ran} vectors passed through axum ({skipped} not representable in HTTP)");
}

#[test]
fn attacker_origins_get_nothing() {
    let rt = rt();
    let (sent, skipped) =
        fastcors_testkit::adapter::check_attacker_corpus(&mut |cors, method, path, headers| {
            rt.block_on(send(cors, method, path, headers))
        });
    eprintln!("{sent} attacker origins sent through axum ({skipped} not representable in HTTP)");
}

#[test]
fn hostile_inputs_fail_closed() {
    let rt = rt();
    let (sent, skipped) =
        fastcors_testkit::adapter::check_hostile_inputs(&mut |cors, method, path, headers| {
            rt.block_on(send(cors, method, path, headers))
        });
    eprintln!(
        "{sent} hostile requests sent through axum ({skipped} cases not representable in HTTP)"
    );
}
