//! A minimal server per framework for the end-to-end benchmark, with no
//! CORS layer, the fastcors adapter or the framework's own CORS layer,
//! configured like the in-process benches. One worker thread, 127.0.0.1.
//!
//! `cors-bench-serve --framework axum|actix|warp --mode none|fastcors|incumbent --origins N --port P`

use std::net::SocketAddr;

use cors_benches::{actix_side, axum_side, fastcors, warp_side, Mode};

fn main() {
    let mut framework = String::from("axum");
    let mut mode = Mode::None;
    let mut n = 3usize;
    let mut port = 8080u16;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--framework" => framework = v,
            "--mode" => mode = Mode::parse(&v).expect("--mode none|fastcors|incumbent"),
            "--origins" => n = v.parse().expect("--origins N"),
            "--port" => port = v.parse().expect("--port N"),
            _ => panic!("unknown argument {a}"),
        }
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    match framework.as_str() {
        "axum" => serve_axum(addr, mode, n),
        "actix" => serve_actix(addr, mode, n).expect("actix server"),
        "warp" => serve_warp(addr, mode, n),
        other => panic!("unknown framework {other}"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn serve_axum(addr: SocketAddr, mode: Mode, n: usize) {
    let app = axum_side::app(mode, n);
    runtime().block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        axum::serve(listener, app).await.unwrap();
    });
}

fn serve_actix(addr: SocketAddr, mode: Mode, n: usize) -> std::io::Result<()> {
    use actix_web::{web, App, HttpServer};
    actix_web::rt::System::new().block_on(async move {
        match mode {
            Mode::None => {
                HttpServer::new(|| App::new().route("/data", web::get().to(actix_side::data)))
                    .workers(1)
                    .bind(addr)?
                    .run()
                    .await
            }
            Mode::Fastcors => {
                HttpServer::new(move || {
                    App::new()
                        .wrap(actix_side::fastcors_mw(n))
                        .route("/data", web::get().to(actix_side::data))
                })
                .workers(1)
                .bind(addr)?
                .run()
                .await
            }
            Mode::Incumbent => {
                HttpServer::new(move || {
                    App::new()
                        .wrap(actix_side::incumbent(n))
                        .route("/data", web::get().to(actix_side::data))
                })
                .workers(1)
                .bind(addr)?
                .run()
                .await
            }
        }
    })
}

fn serve_warp(addr: SocketAddr, mode: Mode, n: usize) {
    use warp::Filter;
    runtime().block_on(async move {
        match mode {
            Mode::None => warp::serve(warp_side::routes()).run(addr).await,
            Mode::Fastcors => {
                warp::serve(fastcors_warp::wrap(warp_side::routes(), fastcors(n)))
                    .run(addr)
                    .await
            }
            Mode::Incumbent => {
                warp::serve(warp_side::routes().with(warp_side::incumbent(n)))
                    .run(addr)
                    .await
            }
        }
    });
}
