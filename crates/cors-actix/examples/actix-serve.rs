//! The example API behind actix-web and fastcors-actix.
//!
//! ```text
//! cargo run -p fastcors-actix --example actix-serve -- --config crates/cors-axum/examples/cors.toml --port 8081
//! ```
//!
//! `GET/PUT/POST/DELETE /data` (JSON, `x-total` header), `GET /boom`
//! (a handler error: 500) and a WebSocket echo at `/ws`.

use std::sync::Mutex;

use actix_web::http::StatusCode;
use actix_web::{error, web, App, Error, HttpRequest, HttpResponse, HttpServer};
use fastcors_actix::CorsMiddleware;
use serde_json::{json, Value};

type Items = web::Data<Mutex<Vec<Value>>>;

struct Args {
    config: String,
    host: String,
    port: u16,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        config: String::new(),
        host: "127.0.0.1".into(),
        port: 8081,
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
fn listing(status: StatusCode, items: &[Value]) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("x-total", items.len()))
        .json(json!({ "items": items }))
}

async fn get_data(items: Items) -> HttpResponse {
    listing(StatusCode::OK, &items.lock().unwrap())
}

async fn post_data(items: Items, item: web::Json<Value>) -> HttpResponse {
    let mut items = items.lock().unwrap();
    items.push(item.into_inner());
    listing(StatusCode::CREATED, &items)
}

async fn put_data(items: Items, body: web::Json<Value>) -> HttpResponse {
    let mut items = items.lock().unwrap();
    *items = match body.into_inner() {
        Value::Array(list) => list,
        one => vec![one],
    };
    listing(StatusCode::OK, &items)
}

async fn delete_data(items: Items) -> HttpResponse {
    let mut items = items.lock().unwrap();
    items.clear();
    listing(StatusCode::OK, &items)
}

async fn boom() -> Result<HttpResponse, Error> {
    Err(error::ErrorInternalServerError("boom"))
}

async fn ws(req: HttpRequest, body: web::Payload) -> Result<HttpResponse, Error> {
    let (res, mut session, mut stream) = actix_ws::handle(&req, body)?;
    actix_web::rt::spawn(async move {
        use futures_util::StreamExt;
        while let Some(Ok(msg)) = stream.next().await {
            let sent = match msg {
                actix_ws::Message::Text(t) => session.text(t).await,
                actix_ws::Message::Binary(b) => session.binary(b).await,
                actix_ws::Message::Ping(p) => session.pong(&p).await,
                actix_ws::Message::Close(reason) => {
                    let _ = session.close(reason).await;
                    return;
                }
                _ => Ok(()),
            };
            if sent.is_err() {
                return;
            }
        }
    });
    Ok(res)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args = args().unwrap_or_else(|e| {
        eprintln!(
            "actix-serve: {e}\nusage: actix-serve --config FILE [--host 127.0.0.1] [--port 8081]"
        );
        std::process::exit(2);
    });
    let cors = CorsMiddleware::from_file(&args.config).unwrap_or_else(|e| {
        eprintln!("actix-serve: {}: {e}", args.config);
        std::process::exit(2);
    });
    for w in cors.cors().warnings() {
        eprintln!("actix-serve: warning: {w}");
    }
    let items = Items::new(Mutex::new(Vec::new()));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(items.clone())
            .wrap(cors.clone())
            .service(
                web::resource("/data")
                    .route(web::get().to(get_data))
                    .route(web::post().to(post_data))
                    .route(web::put().to(put_data))
                    .route(web::delete().to(delete_data)),
            )
            .route("/boom", web::get().to(boom))
            .route("/ws", web::get().to(ws))
    })
    .bind((args.host.as_str(), args.port))
    .unwrap_or_else(|e| {
        eprintln!(
            "actix-serve: cannot listen on {}:{}: {e}",
            args.host, args.port
        );
        std::process::exit(1);
    });
    for addr in server.addrs() {
        println!("actix-serve listening on http://{addr}");
    }
    server.run().await
}
