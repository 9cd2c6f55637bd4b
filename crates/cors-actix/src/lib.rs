//! CORS for actix-web 4: a thin [`Transform`] over [`fastcors_core`].
//!
//! [`CorsMiddleware`] works on an `App`, a `Scope` or a `Resource`. It only
//! translates: it builds a [`fastcors_core::RequestView`] from the request
//! headers (borrowing them), asks [`fastcors_core::Cors::evaluate`], and writes
//! the [`Decision`] back:
//!
//! - a preflight is answered by the middleware; the wrapped service is not
//!   called;
//! - every response of the wrapped service gets the CORS headers and `Vary`,
//!   error responses included (an `Err` from an inner service stays an
//!   `Err`, and the response actix renders for it gets the headers), and
//!   the application's own `Vary` is kept;
//! - a refusal (a blocked origin, or a WebSocket upgrade from a disallowed
//!   origin) is answered `403` before the wrapped service runs, so no `101`
//!   is ever sent for it.
//!
//! ```
//! use actix_web::{web, App, HttpResponse};
//! use fastcors_actix::CorsMiddleware;
//! use fastcors_core::Cors;
//!
//! # fn main() -> Result<(), fastcors_core::ConfigErrors> {
//! let cors = Cors::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_origin_patterns(["https://*.example.com"])
//!     .allow_methods(["GET", "PUT"])
//!     .build()?;
//!
//! let app = App::new()
//!     .wrap(CorsMiddleware::new(cors))
//!     .route("/data", web::get().to(|| async { HttpResponse::Ok().body("[]") }));
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
//! let cors = fastcors_actix::CorsMiddleware::from_file("cors.toml")?;
//! # drop(cors);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod write;

use std::future::{ready, Future, Ready};
use std::path::Path;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderValue, VARY};
use actix_web::http::{Method, StatusCode};
use actix_web::{Error, HttpResponse, ResponseError};
use fastcors_core::{Config, ConfigErrors, Cors, Decision, OriginCheck, RequestView};
use futures_util::future::LocalBoxFuture;
use pin_project_lite::pin_project;

pub use fastcors_core;

use write::{preflight_response, reject_response, ActualHeaders, PolicyHeaders, VIEWED};

/// An actix-web middleware applying a [`Cors`] policy.
///
/// Cheap to clone: the policy is shared.
#[derive(Clone, Debug)]
pub struct CorsMiddleware {
    cors: Cors,
}

impl CorsMiddleware {
    /// A middleware for a built policy.
    pub fn new(cors: Cors) -> Self {
        CorsMiddleware { cors }
    }

    /// Builds the policy from a [`Config`]; every invalid field is reported.
    pub fn from_config(config: &Config) -> Result<Self, ConfigErrors> {
        Cors::from_config(config).map(CorsMiddleware::new)
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

impl From<Cors> for CorsMiddleware {
    fn from(cors: Cors) -> Self {
        CorsMiddleware::new(cors)
    }
}

impl<S, B> Transform<S, ServiceRequest> for CorsMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type InitError = ();
    type Transform = CorsService<S>;
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CorsService {
            service: Rc::new(service),
            cors: self.cors.clone(),
            policy: PolicyHeaders::new(&self.cors),
        }))
    }
}

/// The service made by [`CorsMiddleware`].
#[derive(Debug)]
pub struct CorsService<S> {
    service: Rc<S>,
    cors: Cors,
    policy: PolicyHeaders,
}

/// What to do, decided while the request's headers are borrowed.
enum Step {
    Answer(HttpResponse),
    Call(Option<ActualHeaders>),
    Check(fastcors_core::OriginCheckFuture),
}

/// The request as fastcors-core sees it.
fn view(req: &ServiceRequest) -> RequestView<'_> {
    let headers = req.headers();
    let mut view = RequestView::new(req.method().as_str().as_bytes());
    // `Origin` and `Upgrade` matter to every request; the
    // `Access-Control-Request-*` fields only to a preflight (an `OPTIONS`
    // request), so other methods skip looking them up.
    let viewed = if req.method() == Method::OPTIONS {
        &VIEWED[..]
    } else {
        &VIEWED[..2]
    };
    for name in viewed {
        for value in headers.get_all(name) {
            view.add_header(name.as_str().as_bytes(), value.as_bytes());
        }
    }
    view
}

/// Evaluates the request (`answer`: resuming after an origin check).
fn step(
    cors: &Cors,
    policy: &PolicyHeaders,
    req: &ServiceRequest,
    answer: Option<OriginCheck>,
) -> Step {
    let headers = req.headers();
    let view = view(req);
    let decision = match answer {
        None => cors.evaluate(&view),
        Some(a) => cors.resume(&view, a),
    };
    match decision {
        Decision::Preflight(p) => Step::Answer(preflight_response(&p, headers, policy)),
        Decision::Reject(r) => Step::Answer(reject_response(&r)),
        Decision::Actual(a) => {
            let nothing = a.headers.is_empty() && a.vary.is_none();
            Step::Call((!nothing).then(|| ActualHeaders::new(&a, headers, policy)))
        }
        Decision::Pending(p) => Step::Check(Box::pin(cors.check_origin(&p))),
    }
}

/// Writes the decision on the wrapped service's response. An `Err` keeps
/// travelling as an error (actix renders it further out), wrapped so that
/// its rendered response gets the headers too.
fn finish<B>(
    result: Result<ServiceResponse<B>, Error>,
    headers: Option<ActualHeaders>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    match (result, headers) {
        (Ok(res), None) => Ok(res.map_into_left_body()),
        (Ok(mut res), Some(h)) => {
            h.apply(res.headers_mut());
            Ok(res.map_into_left_body())
        }
        (Err(e), None) => Err(e),
        (Err(e), Some(h)) => Err(CorsError {
            inner: e,
            headers: h,
        }
        .into()),
    }
}

/// An error of the wrapped service whose response must carry CORS headers.
/// (Holding on to the request to render the error here is not possible:
/// actix's router needs the request unshared while it runs.)
#[derive(Debug)]
struct CorsError {
    inner: Error,
    headers: ActualHeaders,
}

impl std::fmt::Display for CorsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.inner, f)
    }
}

impl ResponseError for CorsError {
    fn status_code(&self) -> StatusCode {
        self.inner.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = self.inner.error_response();
        // Rendering lends the error: its headers are cloned (error path).
        self.headers.clone().apply(res.headers_mut());
        res
    }
}

/// The slow path: a dynamic async origin predicate must answer first.
async fn check_then_call<S, B>(
    service: Rc<S>,
    cors: Cors,
    policy: PolicyHeaders,
    req: ServiceRequest,
    check: fastcors_core::OriginCheckFuture,
) -> Result<ServiceResponse<EitherBody<B>>, Error>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    let answer = check.await;
    match step(&cors, &policy, &req, Some(answer)) {
        Step::Answer(res) => Ok(req.into_response(res).map_into_right_body()),
        Step::Call(headers) => finish(service.call(req).await, headers),
        // `resume` never pends; were it to, refuse (fail closed).
        Step::Check(_) => {
            let mut res = HttpResponse::new(StatusCode::FORBIDDEN);
            res.headers_mut()
                .insert(VARY, HeaderValue::from_static("Origin"));
            Ok(req.into_response(res).map_into_right_body())
        }
    }
}

pin_project! {
    /// The response future of [`CorsService`].
    pub struct CorsFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        // The wrapped service was called; its response gets `headers`.
        Inner { #[pin] fut: F, headers: Option<ActualHeaders> },
        // The middleware answered itself (a preflight or a refusal).
        Answered { res: Option<ServiceResponse<EitherBody<B>>> },
        // Waiting for a dynamic origin predicate (rare: boxed).
        Checking { fut: LocalBoxFuture<'static, Result<ServiceResponse<EitherBody<B>>, Error>> },
    }
}

impl<F, B> Future for CorsFuture<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Inner { fut, headers } => match fut.poll(cx) {
                Poll::Ready(result) => Poll::Ready(finish(result, headers.take())),
                Poll::Pending => Poll::Pending,
            },
            StateProj::Answered { res } => {
                Poll::Ready(Ok(res.take().expect("polled after completion")))
            }
            StateProj::Checking { fut } => fut.as_mut().poll(cx),
        }
    }
}

impl<F, B> std::fmt::Debug for CorsFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsFuture").finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for CorsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S::Future, B>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let state = match step(&self.cors, &self.policy, &req, None) {
            Step::Answer(res) => State::Answered {
                res: Some(req.into_response(res).map_into_right_body()),
            },
            Step::Call(headers) => State::Inner {
                fut: self.service.call(req),
                headers,
            },
            Step::Check(check) => State::Checking {
                fut: Box::pin(check_then_call(
                    self.service.clone(),
                    self.cors.clone(),
                    self.policy.clone(),
                    req,
                    check,
                )),
            },
        };
        CorsFuture { state }
    }
}
