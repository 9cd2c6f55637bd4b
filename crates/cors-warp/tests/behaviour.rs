//! warp-specific behaviour of fastcors-warp: rejections, `.with(...)`,
//! recovered filters, streaming bodies, Vary, HEAD, WebSocket.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use fastcors_core::{Config, Cors, OriginPredicate};
use fastcors_testkit::adapter::{ALLOWED, DENIED};
use http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use tower_service::Service;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// Sends one request through `filter` in-process.
async fn send<F>(filter: F, req: Request<Full<Bytes>>) -> (Response, Bytes)
where
    F: Filter<Extract = (Response,)> + Clone + Send + Sync + 'static,
    F::Error: Into<Rejection>,
{
    let res = warp::service(filter.boxed()).call(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (Response::from_parts(parts, Default::default()), bytes)
}

fn request(method: Method, path: &str, origin: Option<&str>) -> Request<Full<Bytes>> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(Full::new(Bytes::new())).unwrap()
}

fn preflight(path: &str, origin: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(path)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Full::new(Bytes::new()))
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

#[derive(Debug)]
struct Boom;
impl warp::reject::Reject for Boom {}

fn api(calls: Arc<AtomicUsize>) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let data = warp::path("data").and(warp::path::end());
    let get = data.and(warp::get()).map(move || {
        calls.fetch_add(1, Ordering::SeqCst);
        warp::reply::with_header("[1,2,3]", "x-total", "3").into_response()
    });
    let put = data.and(warp::put()).map(|| "put".into_response());
    let boom = warp::path("boom")
        .and(warp::get())
        .and_then(|| async { Err::<Response, _>(warp::reject::custom(Boom)) });
    get.or(put).unify().or(boom).unify()
}

#[tokio::test]
async fn preflight_is_answered_without_the_filter() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = fastcors_warp::wrap(api(calls.clone()), fastcors_testkit::adapter::app_config());
    let (res, body) = send(app, preflight("/data", ALLOWED)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&res), Some(ALLOWED));
    assert!(body.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn rejections_are_answered_like_warp_with_headers() {
    let app = fastcors_warp::wrap(api(Arc::default()), fastcors_testkit::adapter::app_config());
    // No such path: 404.
    let (res, _) = send(app.clone(), request(Method::GET, "/nope", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(&res), Some(ALLOWED));
    // Path exists, method does not: 405 with warp's text.
    let (res, body) = send(app.clone(), request(Method::DELETE, "/data", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(acao(&res), Some(ALLOWED));
    assert_eq!(body, "HTTP method not allowed");
    // A handler's own rejection: 500.
    let (res, _) = send(app.clone(), request(Method::GET, "/boom", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(acao(&res), Some(ALLOWED));
    // A bad header value: 400.
    let typed = warp::path("typed")
        .and(warp::header::<u32>("x-count"))
        .map(|n: u32| n.to_string().into_response());
    let app = fastcors_warp::wrap(typed, fastcors_testkit::adapter::app_config());
    let mut req = request(Method::GET, "/typed", Some(ALLOWED));
    req.headers_mut().insert("x-count", "many".parse().unwrap());
    let (res, _) = send(app, req).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(acao(&res), Some(ALLOWED));
}

#[tokio::test]
async fn with_wrap_fn_and_recovered_filters() {
    let recovered = api(Arc::default())
        .recover(|_r: Rejection| async {
            Ok::<_, Infallible>(
                warp::reply::with_status("custom", StatusCode::IM_A_TEAPOT).into_response(),
            )
        })
        .unify();
    let app = recovered.clone().with(warp::wrap_fn(fastcors_warp::cors(
        fastcors_testkit::adapter::app_config(),
    )));
    let (res, body) = send(app, request(Method::GET, "/nope", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(body, "custom");
    assert_eq!(acao(&res), Some(ALLOWED));
    let app = fastcors_warp::wrap(recovered, fastcors_testkit::adapter::app_config());
    let (res, _) = send(app, request(Method::GET, "/data", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), Some(ALLOWED));
    let app = api(Arc::default()).with(warp::wrap_fn(fastcors_warp::cors(
        fastcors_testkit::adapter::app_config(),
    )));
    let (res, _) = send(app, request(Method::GET, "/nope", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(&res), Some(ALLOWED));
}

#[tokio::test]
async fn streaming_body_passes_through() {
    let stream = warp::path("stream").map(|| {
        let chunks = futures_util::stream::iter(
            ["one ", "two ", "three"].map(|c| Ok::<_, Infallible>(Bytes::from(c))),
        );
        warp::reply::stream(chunks).into_response()
    });
    let app = fastcors_warp::wrap(stream, fastcors_testkit::adapter::app_config());
    let (res, body) = send(app, request(Method::GET, "/stream", Some(ALLOWED))).await;
    assert_eq!(acao(&res), Some(ALLOWED));
    assert_eq!(body, "one two three");
}

#[tokio::test]
async fn existing_vary_is_preserved() {
    let v = warp::path("v")
        .map(|| warp::reply::with_header("ok", "vary", "Accept-Encoding").into_response());
    let v2 = warp::path("v2")
        .map(|| warp::reply::with_header("ok", "vary", "origin, cookie").into_response());
    let app = fastcors_warp::wrap(v.or(v2).unify(), fastcors_testkit::adapter::app_config());
    let (res, _) = send(app.clone(), request(Method::GET, "/v", Some(ALLOWED))).await;
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);
    let (res, _) = send(app, request(Method::GET, "/v2", Some(ALLOWED))).await;
    assert_eq!(vary(&res), ["origin, cookie"]);
}

#[tokio::test]
async fn head_requests_get_headers() {
    let head = warp::head()
        .and(warp::path("data"))
        .map(|| "".into_response());
    let app = fastcors_warp::wrap(head, fastcors_testkit::adapter::app_config());
    let (res, _) = send(app, request(Method::HEAD, "/data", Some(ALLOWED))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), Some(ALLOWED));
}

#[tokio::test]
async fn disallowed_and_blocked_origins() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = fastcors_warp::wrap(api(calls.clone()), fastcors_testkit::adapter::app_config());
    let (res, _) = send(app, request(Method::GET, "/data", Some(DENIED))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), None);
    assert_eq!(vary(&res), ["Origin"]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let blocking = Cors::builder()
        .allow_origins([ALLOWED])
        .block_disallowed(true)
        .build()
        .unwrap();
    let app = fastcors_warp::wrap(api(calls.clone()), blocking);
    let (res, _) = send(app, request(Method::GET, "/data", Some(DENIED))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn async_origin_predicate_is_awaited() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let cors = Cors::builder()
        .allow_origins([ALLOWED])
        .origin_predicate(OriginPredicate::Async(Arc::new(move |origin: String| {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                tokio::task::yield_now().await;
                origin.ends_with(".partner.test")
            })
        })))
        .build()
        .unwrap();
    let app = fastcors_warp::wrap(api(Arc::default()), cors);
    for _ in 0..2 {
        let (res, _) = send(
            app.clone(),
            request(Method::GET, "/data", Some("https://a.partner.test")),
        )
        .await;
        assert_eq!(acao(&res), Some("https://a.partner.test"));
    }
    let (res, _) = send(
        app,
        request(Method::GET, "/data", Some("https://evil.test")),
    )
    .await;
    assert_eq!(acao(&res), None);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[test]
fn construction_errors_are_returned() {
    let config =
        Config::from_toml_str("allow_origins = [\"https://ok.example\", \"not an origin\"]")
            .unwrap();
    let err = fastcors_warp::from_config(&config).unwrap_err();
    assert!(err.to_string().contains("allow_origins"), "{err}");
    assert!(err.to_string().contains("not an origin"), "{err}");
    assert!(fastcors_warp::from_file("/nonexistent/cors.toml").is_err());
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cors-axum/examples/cors.toml"
    );
    assert!(fastcors_warp::from_file(sample).is_ok());
}

#[test]
fn websocket_upgrade_from_disallowed_origin_is_refused_before_101() {
    let upgrades = Arc::new(AtomicUsize::new(0));
    let count = upgrades.clone();
    let ws = warp::path("ws")
        .and(warp::ws())
        .map(move |ws: warp::ws::Ws| {
            count.fetch_add(1, Ordering::SeqCst);
            ws.on_upgrade(|_socket| async {}).into_response()
        });
    let app = fastcors_warp::wrap(ws, fastcors_testkit::adapter::app_config());
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
            warp::serve(app).incoming(listener).run().await;
        });
    });
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
