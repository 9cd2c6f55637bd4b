//! cors-core's conformance vectors, end to end through warp in-process, plus
//! the attacker-origin corpus and hostile inputs.

#[path = "../../cors-axum/tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use cors_core::Cors;
use http::{HeaderName, HeaderValue, Request};
use http_body_util::{BodyExt, Empty};
use support::{Observed, Order, Vector};
use tower_service::Service;
use warp::Filter;

async fn send(cors: Cors, method: &str, path: &str, headers: &[(String, String)]) -> Observed {
    let called = Arc::new(AtomicBool::new(false));
    let flag = called.clone();
    let app = warp::any().map(move || {
        flag.store(true, Ordering::SeqCst);
        "ok"
    });
    let mut svc = warp::service(cors_warp::wrap(app, cors));
    let mut req = Request::builder().method(method).uri(path);
    for (n, v) in headers {
        req = req.header(
            HeaderName::from_bytes(n.as_bytes()).expect("header name"),
            HeaderValue::from_bytes(v.as_bytes()).expect("header value"),
        );
    }
    let res = svc
        .call(req.body(Empty::<Bytes>::new()).unwrap())
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
    eprintln!("{ran} vectors passed through warp ({skipped} not representable in HTTP)");
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
    assert!(!got
        .headers
        .iter()
        .any(|(n, _)| n == "access-control-allow-headers"));
    let mut headers = vec![
        ("origin".to_string(), "https://example.com".to_string()),
        (
            "access-control-request-method".to_string(),
            "PUT".to_string(),
        ),
    ];
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
    let headers: Vec<_> = (0..support::MANY_FIELDS)
        .map(|_| ("origin".to_string(), "https://example.com".to_string()))
        .collect();
    let got = rt.block_on(send(cors, "GET", "/", &headers));
    assert!(!support::grants(&got.headers), "{:?}", got.headers);
}
