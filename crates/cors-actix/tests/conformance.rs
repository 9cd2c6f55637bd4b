//! fastcors-core's conformance vectors, end to end through actix-web
//! in-process, plus the attacker-origin corpus and hostile inputs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::rt::System;
use actix_web::{test as atest, web, App, HttpResponse};
use fastcors_actix::CorsMiddleware;
use fastcors_core::Cors;
use fastcors_testkit::adapter::{Observed, Order, Vector};

async fn send(cors: Cors, method: &str, path: &str, headers: &[(String, String)]) -> Observed {
    let called = Arc::new(AtomicBool::new(false));
    let flag = called.clone();
    let app = atest::init_service(App::new().wrap(CorsMiddleware::new(cors)).default_service(
        web::to(move || {
            flag.store(true, Ordering::SeqCst);
            async { HttpResponse::Ok().body("ok") }
        }),
    ))
    .await;
    let mut req = atest::TestRequest::default()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(path);
    for (n, v) in headers {
        req = req.append_header((
            HeaderName::from_bytes(n.as_bytes()).expect("header name"),
            HeaderValue::from_bytes(v.as_bytes()).expect("header value"),
        ));
    }
    let res = atest::call_service(&app, req.to_request()).await;
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
    let body = atest::read_body(res).await.to_vec();
    Observed {
        status,
        body,
        headers,
        app_called: called.load(Ordering::SeqCst),
    }
}

#[test]
fn conformance_vectors() {
    let sys = System::new();
    let (ran, skipped) = fastcors_testkit::adapter::run_all(Order::None, |v: &Vector, cors| {
        sys.block_on(send(cors, &v.method, &v.path, &v.headers))
    });
    eprintln!("{ran} vectors passed through actix-web ({skipped} not representable in HTTP)");
}

#[test]
fn attacker_origins_get_nothing() {
    let sys = System::new();
    let (sent, skipped) =
        fastcors_testkit::adapter::check_attacker_corpus(&mut |cors, method, path, headers| {
            sys.block_on(send(cors, method, path, headers))
        });
    eprintln!("{sent} attacker origins sent through actix ({skipped} not representable in HTTP)");
}

#[test]
fn hostile_inputs_fail_closed() {
    let sys = System::new();
    let (sent, skipped) =
        fastcors_testkit::adapter::check_hostile_inputs(&mut |cors, method, path, headers| {
            sys.block_on(send(cors, method, path, headers))
        });
    eprintln!(
        "{sent} hostile requests sent through actix ({skipped} cases not representable in HTTP)"
    );
}
