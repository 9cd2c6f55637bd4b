//! The example API behind axum and fastcors-axum.
//!
//! ```text
//! cargo run -p fastcors-axum --example axum-serve -- --config crates/cors-axum/examples/cors.toml --port 8080
//! ```
//!
//! `GET/PUT/POST/DELETE /data` (JSON, `x-total` header), `GET /boom`
//! (a handler error: 500) and a WebSocket echo at `/ws`.

use std::sync::{Arc, Mutex};

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use fastcors_axum::CorsLayer;
use serde_json::{json, Value};

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
        port: 8080,
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
    let mut res = (status, Json(json!({ "items": items }))).into_response();
    res.headers_mut()
        .insert("x-total", HeaderValue::from(items.len()));
    res
}

async fn get_data(State(items): State<Items>) -> Response {
    listing(StatusCode::OK, &items.lock().unwrap())
}

async fn post_data(State(items): State<Items>, Json(item): Json<Value>) -> Response {
    let mut items = items.lock().unwrap();
    items.push(item);
    listing(StatusCode::CREATED, &items)
}

async fn put_data(State(items): State<Items>, Json(body): Json<Value>) -> Response {
    let mut items = items.lock().unwrap();
    *items = match body {
        Value::Array(list) => list,
        one => vec![one],
    };
    listing(StatusCode::OK, &items)
}

async fn delete_data(State(items): State<Items>) -> Response {
    let mut items = items.lock().unwrap();
    items.clear();
    listing(StatusCode::OK, &items)
}

async fn boom() -> Result<String, (StatusCode, String)> {
    Err((StatusCode::INTERNAL_SERVER_ERROR, "boom".into()))
}

async fn ws(upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(echo)
}

async fn echo(mut socket: WebSocket) {
    while let Some(Ok(msg)) = socket.recv().await {
        if socket.send(msg).await.is_err() {
            break;
        }
    }
}

#[tokio::main]
async fn main() {
    let args = args().unwrap_or_else(|e| {
        eprintln!(
            "axum-serve: {e}\nusage: axum-serve --config FILE [--host 127.0.0.1] [--port 8080]"
        );
        std::process::exit(2);
    });
    let layer = CorsLayer::from_file(&args.config).unwrap_or_else(|e| {
        eprintln!("axum-serve: {}: {e}", args.config);
        std::process::exit(2);
    });
    for w in layer.cors().warnings() {
        eprintln!("axum-serve: warning: {w}");
    }
    let app = Router::new()
        .route(
            "/data",
            get(get_data)
                .post(post_data)
                .put(put_data)
                .delete(delete_data),
        )
        .route("/boom", get(boom))
        .route("/ws", get(ws))
        .with_state(Items::default())
        .layer(layer);
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .unwrap_or_else(|e| {
            eprintln!(
                "axum-serve: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            std::process::exit(1);
        });
    println!(
        "axum-serve listening on http://{}",
        listener.local_addr().unwrap()
    );
    axum::serve(listener, app).await.unwrap();
}
