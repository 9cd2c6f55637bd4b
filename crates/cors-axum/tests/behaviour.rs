//! axum-, hyper- and tower-specific behaviour of fastcors-axum.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use fastcors_axum::CorsLayer;
use fastcors_core::{Config, Cors, OriginPredicate};
use fastcors_testkit::adapter::{ALLOWED, DENIED};
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;

fn request(method: Method, path: &str, origin: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(Body::empty()).unwrap()
}

fn preflight(path: &str, origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(path)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap()
}

fn acao(res: &Response) -> Option<&str> {
    res.headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .and_then(|v| v.to_str().ok())
}

fn vary(res: &Response) -> Vec<String> {
    res.headers()
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

async fn body(res: Response) -> Bytes {
    res.into_body().collect().await.unwrap().to_bytes()
}

fn counted(count: &Arc<AtomicUsize>) -> impl Fn() -> std::future::Ready<&'static str> + Clone {
    let count = count.clone();
    move || {
        count.fetch_add(1, Ordering::SeqCst);
        std::future::ready("ok")
    }
}

#[tokio::test]
async fn preflight_is_answered_without_the_app() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/data", get(counted(&calls)).put(counted(&calls)))
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app.oneshot(preflight("/data", ALLOWED)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res), Some(ALLOWED));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn streaming_body_passes_through() {
    let app = Router::new()
        .route(
            "/stream",
            get(|| async {
                let chunks = futures_util::stream::iter(
                    ["one ", "two ", "three"].map(|c| Ok::<_, Infallible>(Bytes::from(c))),
                );
                Body::from_stream(chunks)
            }),
        )
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app
        .oneshot(request(Method::GET, "/stream", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(acao(&res), Some(ALLOWED));
    assert_eq!(body(res).await, "one two three");
}

#[tokio::test]
async fn handler_errors_get_headers() {
    let app = Router::new()
        .route(
            "/boom",
            get(|| async { Err::<String, _>((StatusCode::INTERNAL_SERVER_ERROR, "boom")) }),
        )
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app
        .clone()
        .oneshot(request(Method::GET, "/boom", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(acao(&res), Some(ALLOWED));
    assert_eq!(vary(&res), ["Origin"]);
    // Unrouted paths (axum's own 404) too.
    let res = app
        .oneshot(request(Method::GET, "/nope", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(&res), Some(ALLOWED));
}

#[tokio::test]
async fn panics_caught_inside_get_headers() {
    let app = Router::new()
        .route(
            "/panic",
            get(|| async {
                if true {
                    panic!("handler panicked");
                }
                "unreachable"
            }),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app
        .oneshot(request(Method::GET, "/panic", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(acao(&res), Some(ALLOWED));
}

#[tokio::test]
async fn existing_vary_is_preserved() {
    let app = Router::new()
        .route(
            "/v",
            get(|| async {
                let mut res = "ok".into_response();
                res.headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
                res
            }),
        )
        .route(
            "/v2",
            get(|| async {
                let mut res = "ok".into_response();
                res.headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("origin, cookie"));
                res
            }),
        )
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app
        .clone()
        .oneshot(request(Method::GET, "/v", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);
    let res = app
        .clone()
        .oneshot(request(Method::GET, "/v", None))
        .await
        .unwrap();
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);
    // Already listed: not repeated.
    let res = app
        .oneshot(request(Method::GET, "/v2", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(vary(&res), ["origin, cookie"]);
}

#[tokio::test]
async fn head_requests_get_headers_and_no_body() {
    let app = Router::new()
        .route("/data", get(|| async { "[1,2,3]" }))
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app
        .oneshot(request(Method::HEAD, "/data", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), Some(ALLOWED));
    assert!(body(res).await.is_empty());
}

#[tokio::test]
async fn disallowed_origins_get_no_grant_but_the_app_answers() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/data", get(counted(&calls)))
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let res = app
        .clone()
        .oneshot(request(Method::GET, "/data", Some(DENIED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), None);
    assert_eq!(vary(&res), ["Origin"]);
    let res = app.oneshot(preflight("/data", DENIED)).await.unwrap();
    assert_eq!(acao(&res), None);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn block_disallowed_answers_403_without_the_app() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cors = Cors::builder()
        .allow_origins([ALLOWED])
        .block_disallowed(true)
        .build()
        .unwrap();
    let app = Router::new()
        .route("/data", get(counted(&calls)))
        .layer(CorsLayer::new(cors));
    let res = app
        .oneshot(request(Method::GET, "/data", Some(DENIED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn route_layer_applies_per_route() {
    let app = Router::new()
        // A route must accept OPTIONS for its preflights to reach a route layer.
        .route("/cors", get(|| async { "cors" }).options(|| async { "" }))
        .route_layer(CorsLayer::new(fastcors_testkit::adapter::app_config()))
        .route("/plain", get(|| async { "plain" }));
    let res = app
        .clone()
        .oneshot(request(Method::GET, "/cors", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(acao(&res), Some(ALLOWED));
    let res = app
        .clone()
        .oneshot(preflight("/cors", ALLOWED))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res), Some(ALLOWED));
    let res = app
        .clone()
        .oneshot(request(Method::GET, "/plain", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(acao(&res), None);
    // Unmatched routes are not layered by route_layer.
    let res = app
        .oneshot(request(Method::GET, "/nope", Some(ALLOWED)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(&res), None);
}

#[tokio::test]
async fn method_router_layer_handles_preflight() {
    let app = Router::new().route(
        "/only-get",
        get(|| async { "x" }).layer(CorsLayer::new(fastcors_testkit::adapter::app_config())),
    );
    let res = app.oneshot(preflight("/only-get", ALLOWED)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res), Some(ALLOWED));
}

#[tokio::test]
async fn plain_tower_service_with_full_body() {
    let svc = tower::service_fn(|_req: Request<Full<Bytes>>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello"))))
    });
    let svc = tower::ServiceBuilder::new()
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()))
        .service(svc);
    let req = Request::builder()
        .uri("/")
        .header(header::ORIGIN, ALLOWED)
        .body(Full::new(Bytes::new()))
        .unwrap();
    let res = svc.oneshot(req).await.unwrap();
    assert_eq!(
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        ALLOWED
    );
    assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "hello");
}

#[tokio::test]
async fn async_origin_predicate_is_awaited() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let cors = Cors::builder()
        .allow_origins([ALLOWED])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .origin_predicate(OriginPredicate::Async(Arc::new(move |origin: String| {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                tokio::task::yield_now().await;
                origin.ends_with(".partner.test")
            })
        })))
        .build()
        .unwrap();
    let app = Router::new()
        .route("/data", get(|| async { "ok" }))
        .layer(CorsLayer::new(cors));
    let res = app
        .clone()
        .oneshot(request(
            Method::GET,
            "/data",
            Some("https://a.partner.test"),
        ))
        .await
        .unwrap();
    assert_eq!(acao(&res), Some("https://a.partner.test"));
    let res = app
        .clone()
        .oneshot(preflight("/data", "https://a.partner.test"))
        .await
        .unwrap();
    assert_eq!(acao(&res), Some("https://a.partner.test"));
    let res = app
        .oneshot(request(Method::GET, "/data", Some("https://evil.test")))
        .await
        .unwrap();
    assert_eq!(acao(&res), None);
    // The answer is cached: one call per origin.
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[test]
fn construction_errors_are_returned() {
    let config =
        Config::from_toml_str("allow_origins = [\"https://ok.example\", \"not an origin\"]")
            .unwrap();
    let err = CorsLayer::from_config(&config).unwrap_err();
    assert!(err.to_string().contains("allow_origins"), "{err}");
    assert!(err.to_string().contains("not an origin"), "{err}");
    assert!(CorsLayer::from_file("/nonexistent/cors.toml").is_err());
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/cors.toml");
    assert!(CorsLayer::from_file(sample).is_ok());
}

/// Runs `app` on a real socket (hyper through axum::serve).
fn serve(app: Router) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    addr
}

#[test]
fn websocket_upgrade_from_disallowed_origin_is_refused_before_101() {
    let upgrades = Arc::new(AtomicUsize::new(0));
    let count = upgrades.clone();
    let app = Router::new()
        .route(
            "/ws",
            get(move |ws: WebSocketUpgrade| {
                count.fetch_add(1, Ordering::SeqCst);
                async move { ws.on_upgrade(|_socket| async {}) }
            }),
        )
        .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()));
    let addr = serve(app);
    let res = fastcors_testkit::adapter::raw_http(
        addr,
        &fastcors_testkit::adapter::ws_handshake("/ws", DENIED),
    );
    assert_eq!(res.status, 403, "{res:?}");
    assert_eq!(upgrades.load(Ordering::SeqCst), 0);
    let res = fastcors_testkit::adapter::raw_http(
        addr,
        &fastcors_testkit::adapter::ws_handshake("/ws", ALLOWED),
    );
    assert_eq!(res.status, 101, "{res:?}");
    assert_eq!(res.header("access-control-allow-origin"), Some(ALLOWED));
    assert_eq!(upgrades.load(Ordering::SeqCst), 1);
}

#[test]
fn hyper_util_server_serves_the_layer() {
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let svc = tower::ServiceBuilder::new()
                    .layer(CorsLayer::new(fastcors_testkit::adapter::app_config()))
                    .service_fn(|_req: Request<hyper::body::Incoming>| async {
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hi"))))
                    });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc)),
                );
            }
        });
    });
    let res = fastcors_testkit::adapter::raw_http(
        addr,
        &format!("GET / HTTP/1.1\r\nhost: x\r\norigin: {ALLOWED}\r\nconnection: close"),
    );
    assert_eq!(res.status, 200);
    assert_eq!(res.header("access-control-allow-origin"), Some(ALLOWED));
    let res = fastcors_testkit::adapter::raw_http(
        addr,
        &format!(
            "OPTIONS / HTTP/1.1\r\nhost: x\r\norigin: {ALLOWED}\r\n\
             access-control-request-method: PUT\r\nconnection: close"
        ),
    );
    assert_eq!(res.status, 204);
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("GET, PUT, POST, DELETE")
    );
}
