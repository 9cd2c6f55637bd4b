//! CORS for warp 0.4: a thin wrapper over [`fastcors_core`].
//!
//! The wrapper only translates: it builds a [`fastcors_core::RequestView`] from
//! the request headers, asks [`fastcors_core::Cors::evaluate`], and writes the
//! [`Decision`](fastcors_core::Decision) back with [`fastcors_core::http`]:
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
//! use fastcors_core::Cors;
//! use warp::Filter;
//!
//! # fn main() -> Result<(), fastcors_core::ConfigErrors> {
//! let cors = Cors::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_origin_patterns(["https://*.example.com"])
//!     .allow_methods(["GET", "PUT"])
//!     .build()?;
//! let routes = warp::path("data").and(warp::get()).map(|| "[]");
//!
//! // With `.with(...)`, like `warp::cors()` (the wrapped filter is boxed):
//! let app = routes.clone().with(warp::wrap_fn(fastcors_warp::cors(cors.clone())));
//!
//! // Or as a function, without boxing:
//! let app2 = fastcors_warp::wrap(routes, cors);
//! # drop((app, app2));
//! # Ok(())
//! # }
//! ```
//!
//! From a configuration file (TOML or JSON, the same file every fastcors
//! adapter reads): `fastcors_warp::from_file("cors.toml")?` returns the
//! [`Cors`] to pass to either.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod rejection;

use std::convert::Infallible;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use fastcors_core::http::{self as cors_http, ActualHeaders, Outcome, Resolved};
use fastcors_core::{Config, ConfigErrors, Cors};
use http::header::HeaderMap;
use http::Method;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

pub use fastcors_core;

/// Builds a policy from a [`Config`]; every invalid field is reported.
pub fn from_config(config: &Config) -> Result<Cors, ConfigErrors> {
    Cors::from_config(config)
}

/// Reads a configuration file (`.toml` or `.json`) and builds the policy.
pub fn from_file(path: impl AsRef<Path>) -> Result<Cors, ConfigErrors> {
    let config = Config::from_file(path)?;
    Cors::from_config(&config)
}

/// A wrapper for `filter.with(warp::wrap_fn(fastcors_warp::cors(cors)))`.
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
        .and_then(move |method: Method, headers: HeaderMap| decide(&cors, method, headers));
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
                Some(answer) => answer.take(),
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

/// An answer the wrapper gives itself (a preflight or a refusal), carried
/// through warp as a rejection past the wrapped filter.
#[derive(Debug)]
struct Answer(Mutex<Option<Response>>);

impl warp::reject::Reject for Answer {}

impl Answer {
    fn reject(res: Response) -> Rejection {
        warp::reject::custom(Answer(Mutex::new(Some(res))))
    }

    /// `recover` only lends the rejection: the response is taken out (it
    /// is only ever taken once; a poisoned lock still holds it).
    fn take(&self) -> Response {
        let taken = match self.0.lock() {
            Ok(mut res) => res.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        // Taken twice cannot happen (warp recovers a rejection once); were
        // it to, refuse rather than answer nothing.
        taken.unwrap_or_else(|| {
            let mut res = Response::new(Default::default());
            *res.status_mut() = warp::http::StatusCode::FORBIDDEN;
            res
        })
    }
}

/// Decides before the wrapped filter runs: `Ok` lets it run (with the
/// headers for its response), a rejection carrying an [`Answer`] skips it.
/// Decided at once, unless a dynamic origin predicate must answer first.
fn decide(cors: &Cors, method: Method, headers: HeaderMap) -> Decide {
    let ready = match cors_http::decide(cors, &method, &headers) {
        Outcome::Respond(res) => Err(Answer::reject(res)),
        Outcome::Forward(h) => Ok(h),
        Outcome::CheckOrigin(check) => {
            let cors = cors.clone();
            return Decide::Checking(Box::pin(async move {
                let answer = check.await;
                match cors_http::resume(&cors, &method, &headers, answer) {
                    Resolved::Respond(res) => Err(Answer::reject(res)),
                    Resolved::Forward(h) => Ok(h),
                }
            }));
        }
    };
    Decide::Ready(Some(ready))
}

type Decided = Result<Option<ActualHeaders>, Rejection>;

/// The future of [`decide`]: ready at once but for a dynamic origin check.
// The common case is kept inline, not boxed: that is the point.
#[allow(clippy::large_enum_variant)]
enum Decide {
    Ready(Option<Decided>),
    Checking(Pin<Box<dyn Future<Output = Decided> + Send>>),
}

impl Future for Decide {
    type Output = Decided;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Decided> {
        match self.get_mut() {
            Decide::Ready(d) => Poll::Ready(d.take().expect("polled after completion")),
            Decide::Checking(fut) => fut.as_mut().poll(cx),
        }
    }
}
