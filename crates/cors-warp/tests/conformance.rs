//! fastcors-core's conformance vectors, end to end through warp in-process, plus
//! the attacker-origin corpus and hostile inputs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use fastcors_core::Cors;
use fastcors_testkit::adapter::{Observed, Order, Vector};
use http::{HeaderName, HeaderValue, Request};
use http_body_util::{BodyExt, Empty};
use tower_service::Service;
use warp::Filter;

async fn send(cors: Cors, method: &str, path: &str, headers: &[(String, String)]) -> Observed {
    let called = Arc::new(AtomicBool::new(false));
    let flag = called.clone();
    let app = warp::any().map(move || {
        flag.store(true, Ordering::SeqCst);
        "ok"
    });
    let mut svc = warp::service(fastcors_warp::wrap(app, cors));
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
    let (ran, skipped) =
        fastcors_testkit::adapter::run_all(Order::GroupedByName, |v: &Vector, cors| {
            rt.block_on(send(cors, &v.method, &v.path, &v.headers))
        });
    eprintln!("{ran} vectors passed through warp ({skipped} not representable in HTTP)");
}

#[test]
fn attacker_origins_get_nothing() {
    let rt = rt();
    let (sent, skipped) =
        fastcors_testkit::adapter::check_attacker_corpus(&mut |cors, method, path, headers| {
            rt.block_on(send(cors, method, path, headers))
        });
    eprintln!("{sent} attacker origins sent through warp ({skipped} not representable in HTTP)");
}

#[test]
fn hostile_inputs_fail_closed() {
    let rt = rt();
    let (sent, skipped) =
        fastcors_testkit::adapter::check_hostile_inputs(&mut |cors, method, path, headers| {
            rt.block_on(send(cors, method, path, headers))
        });
    eprintln!(
        "{sent} hostile requests sent through warp ({skipped} cases not representable in HTTP)"
    );
}
