//! The example API behind warp and fastcors-warp.
//!
//! ```text
//! cargo run -p fastcors-warp --example warp-serve -- --config crates/cors-axum/examples/cors.toml --port 8082
//! ```
//!
//! `GET/PUT/POST/DELETE /data` (JSON, `x-total` header), `GET /boom`
//! (a handler error: 500) and a WebSocket echo at `/ws`.

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

type Items = Arc<Mutex<Vec<Value>>>;

struct Args {
    config: String,
    host: String,
    port: u16,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        config: String::new(),
        host: "127.0.0.1".into(),
        port: 8082,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--config" => out.config = value()?,
            "--host" => out.host = value()?,
            "--port" => out.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.config.is_empty() {
        return Err("--config FILE is required".into());
    }
    Ok(out)
}

/// The list as JSON, with its length in `x-total`.
fn listing(status: StatusCode, items: &[Value]) -> Response {
    let reply = warp::reply::json(&json!({ "items": items }));
    let reply = warp::reply::with_header(reply, "x-total", items.len().to_string());
    warp::reply::with_status(reply, status).into_response()
}

/// A handler error: warp turns it into a 500.
#[derive(Debug)]
struct Boom;

impl warp::reject::Reject for Boom {}

fn routes(items: Items) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let state = warp::any().map(move || items.clone());
    let data = warp::path("data").and(warp::path::end());
    let get = data
        .and(warp::get())
        .and(state.clone())
        .map(|items: Items| listing(StatusCode::OK, &items.lock().unwrap()));
    let post = data
        .and(warp::post())
        .and(state.clone())
        .and(warp::body::json())
        .map(|items: Items, item: Value| {
            let mut items = items.lock().unwrap();
            items.push(item);
            listing(StatusCode::CREATED, &items)
        });
    let put = data
        .and(warp::put())
        .and(state.clone())
        .and(warp::body::json())
        .map(|items: Items, body: Value| {
            let mut items = items.lock().unwrap();
            *items = match body {
                Value::Array(list) => list,
                one => vec![one],
            };
            listing(StatusCode::OK, &items)
        });
    let delete = data.and(warp::delete()).and(state).map(|items: Items| {
        let mut items = items.lock().unwrap();
        items.clear();
        listing(StatusCode::OK, &items)
    });
    let boom = warp::path("boom")
        .and(warp::path::end())
        .and(warp::get())
        .and_then(|| async { Err::<Response, _>(warp::reject::custom(Boom)) });
    let ws = warp::path("ws")
        .and(warp::path::end())
        .and(warp::ws())
        .map(|ws: warp::ws::Ws| {
            ws.on_upgrade(|socket| async move {
                let (mut tx, mut rx) = socket.split();
                while let Some(Ok(msg)) = rx.next().await {
                    if msg.is_close() || tx.send(msg).await.is_err() {
                        break;
                    }
                }
            })
            .into_response()
        });
    get.or(post)
        .unify()
        .or(put)
        .unify()
        .or(delete)
        .unify()
        .or(boom)
        .unify()
        .or(ws)
        .unify()
}

#[tokio::main]
async fn main() {
    let args = args().unwrap_or_else(|e| {
        eprintln!(
            "warp-serve: {e}\nusage: warp-serve --config FILE [--host 127.0.0.1] [--port 8082]"
        );
        std::process::exit(2);
    });
    let cors = fastcors_warp::from_file(&args.config).unwrap_or_else(|e| {
        eprintln!("warp-serve: {}: {e}", args.config);
        std::process::exit(2);
    });
    for w in cors.warnings() {
        eprintln!("warp-serve: warning: {w}");
    }
    let app = routes(Items::default()).with(warp::wrap_fn(fastcors_warp::cors(cors)));
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .unwrap_or_else(|e| {
            eprintln!(
                "warp-serve: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            std::process::exit(1);
        });
    println!(
        "warp-serve listening on http://{}",
        listener.local_addr().unwrap()
    );
    warp::serve(app).incoming(listener).run().await;
}
