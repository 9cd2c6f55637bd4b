//! CORS for axum, hyper and tonic: a thin tower adapter over
//! [`fastcors_core`].
//!
//! [`CorsLayer`] wraps any [`tower_service::Service`] over `http` 1.x
//! requests and responses. The adapter only translates: it builds a
//! [`fastcors_core::RequestView`] from the request headers (borrowing them),
//! asks [`fastcors_core::Cors::evaluate`], and writes the
//! [`Decision`](fastcors_core::Decision) back with [`fastcors_core::http`]:
//!
//! - a preflight is answered by the layer; the inner service is not called;
//! - every response of the inner service gets the CORS headers and `Vary`,
//!   error responses included, and the application's own `Vary` is kept;
//! - a refusal (a blocked origin, or a WebSocket upgrade from a disallowed
//!   origin) is answered `403` before the inner service runs, so no `101`
//!   is ever sent for it.
//!
//! Responses use [`CorsBody`], which is either the inner body or the
//! layer's own (possibly empty) preflight body.
//!
//! ```
//! use axum::{routing::get, Router};
//! use fastcors_axum::CorsLayer;
//! use fastcors_core::Cors;
//!
//! # fn main() -> Result<(), fastcors_core::ConfigErrors> {
//! let cors = Cors::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_origin_patterns(["https://*.example.com"])
//!     .allow_methods(["GET", "PUT"])
//!     .build()?;
//!
//! let app: Router = Router::new()
//!     .route("/data", get(|| async { "[]" }))
//!     .layer(CorsLayer::new(cors));
//! # drop(app);
//! # Ok(())
//! # }
//! ```
//!
//! From a configuration file (TOML or JSON, the same file every fastcors
//! adapter reads):
//!
//! ```no_run
//! # fn main() -> Result<(), fastcors_core::ConfigErrors> {
//! let layer = fastcors_axum::CorsLayer::from_file("cors.toml")?;
//! # drop(layer);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod future;

use std::path::Path;
use std::task::{Context, Poll};

use fastcors_core::http::{self as cors_http, Outcome, Resolved};
use fastcors_core::{Config, ConfigErrors, Cors};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

pub use body::CorsBody;
pub use fastcors_core;
pub use future::ResponseFuture;

/// A tower [`Layer`] applying a [`Cors`] policy.
///
/// Cheap to clone: the policy is shared.
#[derive(Clone, Debug)]
pub struct CorsLayer {
    cors: Cors,
}

impl CorsLayer {
    /// A layer for a built policy.
    pub fn new(cors: Cors) -> Self {
        CorsLayer { cors }
    }

    /// Builds the policy from a [`Config`]; every invalid field is reported.
    pub fn from_config(config: &Config) -> Result<Self, ConfigErrors> {
        Cors::from_config(config).map(CorsLayer::new)
    }

    /// Reads a configuration file (`.toml` or `.json`) and builds the policy.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigErrors> {
        let config = Config::from_file(path)?;
        Self::from_config(&config)
    }

    /// The policy.
    pub fn cors(&self) -> &Cors {
        &self.cors
    }
}

impl From<Cors> for CorsLayer {
    fn from(cors: Cors) -> Self {
        CorsLayer::new(cors)
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        CorsService {
            inner,
            cors: self.cors.clone(),
        }
    }
}

/// The service made by [`CorsLayer`].
#[derive(Clone, Debug)]
pub struct CorsService<S> {
    inner: S,
    cors: Cors,
}

impl<S> CorsService<S> {
    /// Wraps `inner` with a policy.
    pub fn new(inner: S, cors: Cors) -> Self {
        CorsService { inner, cors }
    }

    /// The policy.
    pub fn cors(&self) -> &Cors {
        &self.cors
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CorsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
{
    type Response = Response<CorsBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        dispatch(&self.cors, &mut self.inner, req)
    }
}

/// Evaluates the request and acts on the decision. `svc` has been polled
/// ready; it is called at most once.
fn dispatch<S, ReqBody, ResBody>(
    cors: &Cors,
    svc: &mut S,
    req: Request<ReqBody>,
) -> ResponseFuture<S, ReqBody, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
{
    match cors_http::decide(cors, req.method(), req.headers()) {
        Outcome::Respond(res) => ResponseFuture::answered(res.map(CorsBody::fixed)),
        Outcome::Forward(headers) => ResponseFuture::inner(svc.call(req), headers),
        Outcome::CheckOrigin(check) => {
            // Take the service that was polled ready; leave a clone behind.
            let clone = svc.clone();
            let ready = std::mem::replace(svc, clone);
            ResponseFuture::checking(check, cors.clone(), ready, req)
        }
    }
}

/// Acts on the answer of an origin check: answer, or call the service.
pub(crate) fn resolved<S, ReqBody, ResBody>(
    cors: &Cors,
    mut svc: S,
    req: Request<ReqBody>,
    answer: fastcors_core::OriginCheck,
) -> ResponseFuture<S, ReqBody, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
{
    match cors_http::resume(cors, req.method(), req.headers(), answer) {
        Resolved::Respond(res) => ResponseFuture::answered(res.map(CorsBody::fixed)),
        Resolved::Forward(headers) => ResponseFuture::inner(svc.call(req), headers),
    }
}
