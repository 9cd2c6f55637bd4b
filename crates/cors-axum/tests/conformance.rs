//! cors-core's conformance vectors, end to end through axum in-process, plus
//! the attacker-origin corpus and hostile inputs.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::routing::any;
use axum::Router;
use cors_axum::CorsLayer;
use cors_core::Cors;
use http::{HeaderName, HeaderValue, Request};
use http_body_util::BodyExt;
use support::{Observed, Order, Vector};
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
    let (ran, skipped) = support::run_all(Order::GroupedByName, |v: &Vector, cors| {
        rt.block_on(send(cors, &v.method, &v.path, &v.headers))
    });
    eprintln!("{ran} vectors passed through axum ({skipped} not representable in HTTP)");
}

#[test]
fn attacker_origins_get_nothing() {
    let rt = rt();
    let cors = support::attacker_config();
    for origin in support::attacker_origins() {
        for (method, extra) in [
            ("GET", vec![]),
            (
                "OPTIONS",
                vec![(
                    "access-control-request-method".to_string(),
                    "PUT".to_string(),
                )],
            ),
        ] {
            let mut headers = vec![("origin".to_string(), origin.clone())];
            headers.extend(extra);
            let got = rt.block_on(send(cors.clone(), method, "/", &headers));
            assert!(
                !support::grants(&got.headers),
                "{method} {origin:?} was granted: {:?}",
                got.headers
            );
        }
    }
    for origin in support::friendly_origins() {
        let headers = vec![("origin".to_string(), origin.to_string())];
        let got = rt.block_on(send(cors.clone(), "GET", "/", &headers));
        assert!(support::grants(&got.headers), "{origin} should be allowed");
    }
}

#[test]
fn hostile_inputs_fail_closed() {
    let rt = rt();
    let cors = support::attacker_config();
    // 1 MiB Access-Control-Request-Headers.
    let headers = vec![
        ("origin".to_string(), "https://example.com".to_string()),
        (
            "access-control-request-method".to_string(),
            "PUT".to_string(),
        ),
        (
            "access-control-request-headers".to_string(),
            support::huge_request_headers(),
        ),
    ];
    let got = rt.block_on(send(cors.clone(), "OPTIONS", "/", &headers));
    assert!(!got.app_called);
    assert!(
        !got.headers
            .iter()
            .any(|(n, _)| n == "access-control-allow-headers"),
        "{:?}",
        &got.headers
    );
    // Thousands of fields, and thousands of Access-Control-Request-Headers fields.
    let mut headers = vec![("origin".to_string(), "https://example.com".to_string())];
    headers.push((
        "access-control-request-method".to_string(),
        "PUT".to_string(),
    ));
    for i in 0..support::MANY_FIELDS {
        headers.push((format!("x-filler-{i}"), "y".repeat(16)));
        headers.push((
            "access-control-request-headers".to_string(),
            "content-type".to_string(),
        ));
    }
    let got = rt.block_on(send(cors.clone(), "OPTIONS", "/", &headers));
    assert!(!got.app_called);
    assert!(!got
        .headers
        .iter()
        .any(|(n, _)| n == "access-control-allow-headers"));
    // Thousands of Origin fields: ambiguous, never granted.
    let mut headers = Vec::new();
    for _ in 0..support::MANY_FIELDS {
        headers.push(("origin".to_string(), "https://example.com".to_string()));
    }
    let got = rt.block_on(send(cors, "GET", "/", &headers));
    assert!(!support::grants(&got.headers), "{:?}", got.headers);
}
