//! actix-web-specific behaviour of fastcors-actix: App, Scope and Resource,
//! streaming bodies, handler and service errors, Vary, HEAD, WebSocket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{error, test as atest, web, App, Error, HttpRequest, HttpResponse, HttpServer};
use bytes::Bytes;
use fastcors_actix::CorsMiddleware;
use fastcors_core::{Config, Cors, OriginPredicate};
use fastcors_testkit::adapter::{ALLOWED, DENIED};

fn cors() -> CorsMiddleware {
    CorsMiddleware::new(fastcors_testkit::adapter::app_config())
}

fn get(path: &str, origin: Option<&str>) -> atest::TestRequest {
    let req = atest::TestRequest::get().uri(path);
    match origin {
        Some(o) => req.insert_header((header::ORIGIN, o)),
        None => req,
    }
}

fn preflight(path: &str, origin: &str) -> atest::TestRequest {
    atest::TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"))
        .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type"))
}

fn acao<B>(res: &ServiceResponse<B>) -> Option<String> {
    res.headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn vary<B>(res: &ServiceResponse<B>) -> Vec<String> {
    res.headers()
        .get_all(header::VARY)
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn counted(count: &Arc<AtomicUsize>) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
    let count = count.clone();
    move || {
        count.fetch_add(1, Ordering::SeqCst);
        std::future::ready(HttpResponse::Ok().body("ok"))
    }
}

#[actix_web::test]
async fn preflight_is_answered_without_the_app() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = atest::init_service(
        App::new()
            .wrap(cors())
            .route("/data", web::get().to(counted(&calls)))
            .route("/data", web::put().to(counted(&calls))),
    )
    .await;
    let res = atest::call_service(&app, preflight("/data", ALLOWED).to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res).as_deref(), Some(ALLOWED));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn streaming_body_passes_through() {
    let app = atest::init_service(App::new().wrap(cors()).route(
        "/stream",
        web::get().to(|| async {
            let chunks = futures_util::stream::iter(
                ["one ", "two ", "three"].map(|c| Ok::<_, Error>(Bytes::from(c))),
            );
            HttpResponse::Ok().streaming(chunks)
        }),
    ))
    .await;
    let res = atest::call_service(&app, get("/stream", Some(ALLOWED)).to_request()).await;
    assert_eq!(acao(&res).as_deref(), Some(ALLOWED));
    assert_eq!(atest::read_body(res).await, "one two three");
}

#[actix_web::test]
async fn handler_errors_and_unrouted_paths_get_headers() {
    let app = atest::init_service(App::new().wrap(cors()).route(
        "/boom",
        web::get().to(|| async { Err::<HttpResponse, _>(error::ErrorInternalServerError("boom")) }),
    ))
    .await;
    let res = atest::call_service(&app, get("/boom", Some(ALLOWED)).to_request()).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(acao(&res).as_deref(), Some(ALLOWED));
    let res = atest::call_service(&app, get("/nope", Some(ALLOWED)).to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(&res).as_deref(), Some(ALLOWED));
}

#[actix_web::test]
async fn errors_from_inner_services_are_rendered_with_headers() {
    let app = atest::init_service(
        App::new()
            .wrap(from_fn(|_req: ServiceRequest, _next: Next<_>| async move {
                Err::<ServiceResponse<actix_web::body::BoxBody>, Error>(error::ErrorBadGateway(
                    "upstream down",
                ))
            }))
            .wrap(cors())
            .route("/data", web::get().to(|| async { "never" })),
    )
    .await;
    let err = atest::try_call_service(&app, get("/data", Some(ALLOWED)).to_request())
        .await
        .expect_err("the inner error stays an error");
    let res = err.error_response();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        ALLOWED
    );
    assert_eq!(err.to_string(), "upstream down");
}

#[actix_web::test]
async fn existing_vary_is_preserved() {
    let app = atest::init_service(
        App::new()
            .wrap(cors())
            .route(
                "/v",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::VARY, "Accept-Encoding"))
                        .body("ok")
                }),
            )
            .route(
                "/v2",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header((header::VARY, "origin, cookie"))
                        .body("ok")
                }),
            ),
    )
    .await;
    let res = atest::call_service(&app, get("/v", Some(ALLOWED)).to_request()).await;
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);
    let res = atest::call_service(&app, get("/v2", Some(ALLOWED)).to_request()).await;
    assert_eq!(vary(&res), ["origin, cookie"]);
}

#[actix_web::test]
async fn head_requests_get_headers() {
    let app = atest::init_service(
        App::new().wrap(cors()).route(
            "/data",
            web::route()
                .guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
                .to(|| async { "[1,2,3]" }),
        ),
    )
    .await;
    let req = atest::TestRequest::default()
        .method(Method::HEAD)
        .uri("/data")
        .insert_header((header::ORIGIN, ALLOWED));
    let res = atest::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res).as_deref(), Some(ALLOWED));
}

#[actix_web::test]
async fn scope_and_resource() {
    let app = atest::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .wrap(cors())
                    .route("/data", web::get().to(|| async { "api" })),
            )
            .service(
                web::resource("/res")
                    .wrap(cors())
                    .route(web::get().to(|| async { "res" })),
            )
            .route("/plain", web::get().to(|| async { "plain" })),
    )
    .await;
    for path in ["/api/data", "/res"] {
        let res = atest::call_service(&app, get(path, Some(ALLOWED)).to_request()).await;
        assert_eq!(acao(&res).as_deref(), Some(ALLOWED), "{path}");
        // The preflight is answered even though only GET is routed.
        let res = atest::call_service(&app, preflight(path, ALLOWED).to_request()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
        assert_eq!(acao(&res).as_deref(), Some(ALLOWED), "{path}");
    }
    let res = atest::call_service(&app, get("/plain", Some(ALLOWED)).to_request()).await;
    assert_eq!(acao(&res), None);
}

#[actix_web::test]
async fn disallowed_and_blocked_origins() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = atest::init_service(
        App::new()
            .wrap(cors())
            .route("/data", web::get().to(counted(&calls))),
    )
    .await;
    let res = atest::call_service(&app, get("/data", Some(DENIED)).to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), None);
    assert_eq!(vary(&res), ["Origin"]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    let blocking = Cors::builder()
        .allow_origins([ALLOWED])
        .block_disallowed(true)
        .build()
        .unwrap();
    let app = atest::init_service(
        App::new()
            .wrap(CorsMiddleware::new(blocking))
            .route("/data", web::get().to(counted(&calls))),
    )
    .await;
    let res = atest::call_service(&app, get("/data", Some(DENIED)).to_request()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn async_origin_predicate_is_awaited() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let cors = Cors::builder()
        .allow_origins([ALLOWED])
        .origin_predicate(OriginPredicate::Async(Arc::new(move |origin: String| {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { origin.ends_with(".partner.test") })
        })))
        .build()
        .unwrap();
    let app = atest::init_service(
        App::new()
            .wrap(CorsMiddleware::new(cors))
            .route("/data", web::get().to(|| async { "ok" })),
    )
    .await;
    let res = atest::call_service(
        &app,
        get("/data", Some("https://a.partner.test")).to_request(),
    )
    .await;
    assert_eq!(acao(&res).as_deref(), Some("https://a.partner.test"));
    let res = atest::call_service(
        &app,
        get("/data", Some("https://a.partner.test")).to_request(),
    )
    .await;
    assert_eq!(acao(&res).as_deref(), Some("https://a.partner.test"));
    let res = atest::call_service(&app, get("/data", Some("https://evil.test")).to_request()).await;
    assert_eq!(acao(&res), None);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[test]
fn construction_errors_are_returned() {
    let config =
        Config::from_toml_str("allow_origins = [\"https://ok.example\", \"not an origin\"]")
            .unwrap();
    let err = CorsMiddleware::from_config(&config).unwrap_err();
    assert!(err.to_string().contains("allow_origins"), "{err}");
    assert!(err.to_string().contains("not an origin"), "{err}");
    assert!(CorsMiddleware::from_file("/nonexistent/cors.toml").is_err());
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cors-axum/examples/cors.toml"
    );
    assert!(CorsMiddleware::from_file(sample).is_ok());
}

async fn ws_echo(req: HttpRequest, body: web::Payload) -> Result<HttpResponse, Error> {
    let (res, _session, _stream) = actix_ws::handle(&req, body)?;
    Ok(res)
}

#[test]
fn websocket_upgrade_from_disallowed_origin_is_refused_before_101() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server =
                HttpServer::new(|| App::new().wrap(cors()).route("/ws", web::get().to(ws_echo)))
                    .workers(1)
                    .bind(("127.0.0.1", 0))
                    .unwrap();
            tx.send(server.addrs()[0]).unwrap();
            server.run().await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    let res = fastcors_testkit::adapter::raw_http(
        addr,
        &fastcors_testkit::adapter::ws_handshake("/ws", DENIED),
    );
    assert_eq!(res.status, 403, "{res:?}");
    let res = fastcors_testkit::adapter::raw_http(
        addr,
        &fastcors_testkit::adapter::ws_handshake("/ws", ALLOWED),
    );
    assert_eq!(res.status, 101, "{res:?}");
    assert_eq!(res.header("access-control-allow-origin"), Some(ALLOWED));
}
