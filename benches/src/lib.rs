//! Shared pieces of the fastcors benchmark suite.
//!
//! Every comparison configures both sides the same way: the same origin
//! list ([`origins`]), methods ([`METHODS`]), request headers
//! ([`HEADERS`]), exposed header, credentials and max-age. The requested
//! origin is the middle entry of the list ([`probe`]): the average case of
//! a linear scan.

use std::time::Duration;

pub use fastcors_core;

/// Allowed methods on both sides.
pub const METHODS: [&str; 3] = ["GET", "POST", "PUT"];
/// Allowed request headers on both sides.
pub const HEADERS: [&str; 3] = ["content-type", "x-token", "x-request-id"];
/// The preflight's `Access-Control-Request-Headers` (three headers).
pub const REQUEST_HEADERS: &str = "content-type,x-token,x-request-id";
/// The preflight's `Access-Control-Request-Method`.
pub const REQUEST_METHOD: &str = "PUT";
/// Exposed response header.
pub const EXPOSE: &str = "x-total";
/// Preflight max-age, seconds.
pub const MAX_AGE: u64 = 600;
/// The handler's body.
pub const BODY: &str = r#"{"items":[1,2,3]}"#;

/// A realistic-looking origin, deterministic in `i`: `https://<label>.<domain>.<tld>`
/// with pseudo-random labels (sequential names would make the fst and
/// linear scans unrealistically cheap).
pub fn origin(i: usize) -> String {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn label(mut z: u64, len: usize) -> String {
        const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut s = String::with_capacity(len);
        for k in 0..len {
            s.push(A[(z % if k == 0 { 26 } else { 36 }) as usize] as char);
            z /= 36;
        }
        s
    }
    let a = mix(i as u64);
    let b = mix(a);
    let tld = ["com", "net", "org", "io", "dev", "app"][(b % 6) as usize];
    format!(
        "https://{}.{}.{tld}",
        label(a, 6 + (a >> 60) as usize % 7),
        label(b >> 3, 4 + (b >> 59) as usize % 6)
    )
}

/// `n` configured origins.
pub fn origins(n: usize) -> Vec<String> {
    (0..n).map(origin).collect()
}

/// The requested origin for a list of `n`: the middle entry.
pub fn probe(n: usize) -> String {
    origin(n / 2)
}

/// The fastcors engine for `n` origins (standard preset, the Rust default).
pub fn fastcors(n: usize) -> fastcors_core::Cors {
    fastcors_core::Cors::builder()
        .allow_origins(origins(n))
        .allow_methods(METHODS)
        .allow_headers(HEADERS)
        .expose_headers([EXPOSE])
        .allow_credentials(true)
        .max_age(MAX_AGE)
        .build()
        .expect("fastcors configuration")
}

/// The same policy as a fastcors-core configuration file (TOML), for the
/// example servers.
pub fn config_toml(n: usize) -> String {
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    format!(
        "preset = \"standard\"\nallow_origins = [{}]\nallow_methods = [{}]\nallow_headers = [{}]\n\
         expose_headers = [\"{EXPOSE}\"]\nallow_credentials = true\nmax_age = {MAX_AGE}\n",
        list(&origins(n)),
        list(&s(&METHODS)),
        list(&s(&HEADERS)),
    )
}

/// Which side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No CORS layer at all.
    None,
    /// The fastcors adapter.
    Fastcors,
    /// The framework's own CORS layer.
    Incumbent,
}

impl Mode {
    /// Parses `none`, `fastcors` or `incumbent`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "none" => Some(Mode::None),
            "fastcors" => Some(Mode::Fastcors),
            "incumbent" => Some(Mode::Incumbent),
            _ => None,
        }
    }
}

/// axum 0.8 + tower-http.
pub mod axum_side {
    use super::*;
    use axum::{response::IntoResponse, routing::get, Router};

    async fn data() -> impl IntoResponse {
        (
            [("content-type", "application/json"), ("x-total", "3")],
            BODY,
        )
    }

    /// tower-http's `CorsLayer`, configured like [`fastcors`].
    pub fn incumbent(n: usize) -> tower_http::cors::CorsLayer {
        use http::{HeaderName, HeaderValue, Method};
        use tower_http::cors::{AllowOrigin, CorsLayer};
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(
                origins(n).iter().map(|o| HeaderValue::from_str(o).unwrap()),
            ))
            .allow_methods(METHODS.map(|m| Method::from_bytes(m.as_bytes()).unwrap()))
            .allow_headers(HEADERS.map(HeaderName::from_static))
            .expose_headers([HeaderName::from_static(EXPOSE)])
            .allow_credentials(true)
            .max_age(Duration::from_secs(MAX_AGE))
    }

    /// The router: `GET /data`, with the chosen CORS layer.
    pub fn app(mode: Mode, n: usize) -> Router {
        let r = Router::new().route("/data", get(data));
        match mode {
            Mode::None => r,
            Mode::Fastcors => r.layer(fastcors_axum::CorsLayer::new(fastcors(n))),
            Mode::Incumbent => r.layer(incumbent(n)),
        }
    }
}

/// actix-web 4 + actix-cors.
pub mod actix_side {
    use super::*;
    use actix_web::HttpResponse;

    /// The handler of `GET /data`.
    pub async fn data() -> HttpResponse {
        HttpResponse::Ok()
            .content_type("application/json")
            .insert_header(("x-total", "3"))
            .body(BODY)
    }

    /// actix-cors, configured like [`fastcors`].
    pub fn incumbent(n: usize) -> actix_cors::Cors {
        let mut c = actix_cors::Cors::default();
        for o in origins(n) {
            c = c.allowed_origin(&o);
        }
        c.allowed_methods(METHODS)
            .allowed_headers(HEADERS)
            .expose_headers([EXPOSE])
            .supports_credentials()
            .max_age(MAX_AGE as usize)
    }

    /// The fastcors middleware.
    pub fn fastcors_mw(n: usize) -> fastcors_actix::CorsMiddleware {
        fastcors_actix::CorsMiddleware::new(fastcors(n))
    }
}

/// warp 0.4 + `warp::cors()`.
pub mod warp_side {
    use super::*;
    use warp::{Filter, Rejection, Reply};

    /// `GET /data`.
    pub fn routes() -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
        warp::path("data")
            .and(warp::path::end())
            .and(warp::get())
            .map(|| {
                let mut res = warp::reply::with_header(BODY, "x-total", "3").into_response();
                res.headers_mut().insert(
                    "content-type",
                    http::HeaderValue::from_static("application/json"),
                );
                res
            })
    }

    /// `warp::cors()`, configured like [`fastcors`].
    pub fn incumbent(n: usize) -> warp::filters::cors::Builder {
        let list = origins(n);
        warp::cors()
            .allow_origins(list.iter().map(String::as_str))
            .allow_methods(METHODS)
            .allow_headers(HEADERS)
            .expose_headers([EXPOSE])
            .allow_credentials(true)
            .max_age(Duration::from_secs(MAX_AGE))
    }
}
