//! CORS for warp 0.4: a thin wrapper over [`cors_core`].
//!
//! The wrapper only translates: it builds a [`cors_core::RequestView`] from
//! the request headers, asks [`cors_core::Cors::evaluate`], and writes the
//! [`Decision`] back:
//!
//! - a preflight is answered by the wrapper; the wrapped filter is not run;
//! - every response of the wrapped filter gets the CORS headers and `Vary`,
//!   and the application's own `Vary` is kept. That includes requests the
//!   filter *rejects*: the wrapper answers them as warp would (404, 405,
//!   400, ...) and adds the headers, so browsers can read those errors;
//! - a refusal (a blocked origin, or a WebSocket upgrade from a disallowed
//!   origin) is answered `403` before the wrapped filter runs, so no `101`
//!   is ever sent for it.
//!
//! Because rejections are answered inside, put the wrapper around the
//! complete set of routes (a wrapped filter never rejects, so an `.or(...)`
//! after it is never reached).
//!
//! Two ways to apply it:
//!
//! ```
//! use cors_core::Cors;
//! use warp::Filter;
//!
//! # fn main() -> Result<(), cors_core::ConfigErrors> {
//! let cors = Cors::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_origin_patterns(["https://*.example.com"])
//!     .allow_methods(["GET", "PUT"])
//!     .build()?;
//! let routes = warp::path("data").and(warp::get()).map(|| "[]");
//!
//! // With `.with(...)`, like `warp::cors()` (the wrapped filter is boxed):
//! let app = routes.clone().with(warp::wrap_fn(cors_warp::cors(cors.clone())));
//!
//! // Or as a function, without boxing:
//! let app2 = cors_warp::wrap(routes, cors);
//! # drop((app, app2));
//! # Ok(())
//! # }
//! ```
//!
//! From a configuration file (TOML or JSON, the same file every fastcors
//! adapter reads): `cors_warp::from_file("cors.toml")?` returns the
//! [`Cors`] to pass to either.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod rejection;
mod write;

use std::convert::Infallible;
use std::path::Path;

use cors_core::{Config, ConfigErrors, Cors, Decision, RequestView};
use http::header::{HeaderMap, ORIGIN};
use http::{Method, StatusCode};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

pub use cors_core;

use write::{ActualHeaders, Answer};

/// How many times a request waits for a dynamic origin predicate before it
/// is refused. The answer is cached by cors-core, so one round is the norm.
const MAX_ORIGIN_CHECKS: u8 = 2;

/// Builds a policy from a [`Config`]; every invalid field is reported.
pub fn from_config(config: &Config) -> Result<Cors, ConfigErrors> {
    Cors::from_config(config)
}

/// Reads a configuration file (`.toml` or `.json`) and builds the policy.
pub fn from_file(path: impl AsRef<Path>) -> Result<Cors, ConfigErrors> {
    let config = Config::from_file(path)?;
    Cors::from_config(&config)
}

/// A wrapper for `filter.with(warp::wrap_fn(cors_warp::cors(cors)))`.
///
/// warp's `Wrap` trait is sealed, so the wrapper is a function for
/// [`warp::wrap_fn`], and the filter it returns is boxed. [`wrap`] does the
/// same without boxing.
pub fn cors<F, R>(cors: Cors) -> impl Fn(F) -> BoxedFilter<(Response,)> + Clone
where
    F: Filter<Extract = (R,)> + Clone + Send + Sync + 'static,
    F::Error: FilterError,
    R: Reply + 'static,
{
    move |filter: F| wrap(filter, cors.clone()).boxed()
}

/// Wraps `filter` with a policy; the result never rejects.
///
/// `filter` may still reject (`Error = Rejection`: its rejections are
/// answered as warp would, with CORS headers) or may have recovered them
/// already (`Error = Infallible`).
pub fn wrap<F, R>(
    filter: F,
    cors: Cors,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
where
    F: Filter<Extract = (R,)> + Clone + Send + Sync + 'static,
    F::Error: FilterError,
    R: Reply + 'static,
{
    let decide = warp::method()
        .and(warp::header::headers_cloned())
        .and_then(move |method: Method, headers: HeaderMap| decide(cors.clone(), method, headers));
    decide
        .and(F::Error::responses(filter))
        .map(|headers: Option<ActualHeaders>, mut res: Response| {
            if let Some(h) = headers {
                h.apply(res.headers_mut());
            }
            res
        })
        .recover(|r: Rejection| async move {
            // Only `decide` rejects, and only with an answer of its own.
            let res = match r.find::<Answer>() {
                Some(answer) => answer.to_response(),
                None => rejection::response(&r),
            };
            Ok::<_, Infallible>(res)
        })
        .unify()
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for warp::Rejection {}
    impl Sealed for std::convert::Infallible {}
}

/// The error types a wrapped filter may have: [`Rejection`] (its
/// rejections are turned into warp's usual responses inside the wrapper)
/// or [`Infallible`] (it recovered them itself).
pub trait FilterError: sealed::Sealed + Sized + Send + 'static {
    /// `filter`, answering every request with a response.
    fn responses<F, R>(
        filter: F,
    ) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply + 'static;
}

impl FilterError for Rejection {
    fn responses<F, R>(
        filter: F,
    ) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply + 'static,
    {
        filter
            .map(Reply::into_response)
            .recover(|r: Rejection| async move { Ok::<_, Infallible>(rejection::response(&r)) })
            .unify()
    }
}

impl FilterError for Infallible {
    fn responses<F, R>(
        filter: F,
    ) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply + 'static,
    {
        filter.map(Reply::into_response)
    }
}

/// What to do, decided while the request's headers are borrowed.
enum Step {
    Answer(Answer),
    Call(Option<ActualHeaders>),
    Check(String),
}

fn step(cors: &Cors, method: &Method, headers: &HeaderMap) -> Step {
    let view = RequestView::from_pairs(
        method.as_str().as_bytes(),
        headers
            .iter()
            .map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes())),
    );
    let origin = headers.get(ORIGIN);
    match cors.evaluate(&view) {
        Decision::Preflight(p) => Step::Answer(Answer::preflight(&p, origin)),
        Decision::Reject(r) => Step::Answer(Answer::reject(&r)),
        Decision::Actual(a) => {
            let nothing = a.headers.is_empty() && a.vary.is_none();
            Step::Call((!nothing).then(|| ActualHeaders::new(&a, origin)))
        }
        Decision::PendingOriginCheck(o) => Step::Check(o.to_owned()),
    }
}

/// Decides before the wrapped filter runs: `Ok` lets it run (with the
/// headers for its response), a rejection carrying an [`Answer`] skips it.
async fn decide(
    cors: Cors,
    method: Method,
    headers: HeaderMap,
) -> Result<Option<ActualHeaders>, Rejection> {
    for _ in 0..=MAX_ORIGIN_CHECKS {
        match step(&cors, &method, &headers) {
            Step::Answer(answer) => return Err(warp::reject::custom(answer)),
            Step::Call(h) => return Ok(h),
            Step::Check(origin) => cors.resolve_pending(&origin).await,
        }
    }
    // The predicate's answer could not be kept (fail closed).
    Err(warp::reject::custom(Answer::forbidden(
        StatusCode::FORBIDDEN,
        Some("Origin"),
    )))
}
