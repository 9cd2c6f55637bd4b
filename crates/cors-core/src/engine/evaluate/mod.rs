//! Evaluation: one request in, one [`Decision`] out, reading the compiled
//! engine only. Each step is a short function citing the part of the Fetch
//! standard (or of Starlette 1.10.0) it follows:
//!
//! 1. [`lookup`]: which rule admits the origin.
//! 2. WebSocket handshakes from refused origins are refused here.
//! 3. [`preflight`] or [`actual`]: checks, then the policy's plan filled
//!    with the request's facts.

mod actual;
mod lookup;
mod preflight;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::decision::{Decision, OriginCheck, PendingCheck, Reason, Reject};
use crate::dynamic::{OriginPredicate, PredicateFuture};
use crate::engine::Engine;
use crate::index::OriginMatch;
use crate::request::RequestView;

use lookup::Found;

/// The `Vary` token of every response that depends on the origin.
pub(crate) const VARY_ORIGIN: &str = "Origin";

/// The decision; `matched` is set to the rule and entry that admitted the
/// origin.
pub(crate) fn evaluate<'a>(
    e: &'a Engine,
    req: &'a RequestView<'a>,
    answer: Option<crate::decision::OriginCheck>,
    matched_out: &mut Option<OriginMatch>,
) -> Decision<'a> {
    let found = lookup::lookup(e, req, answer);
    let matched = match found.found {
        Found::Pending(origin) => return Decision::Pending(PendingCheck { origin }),
        Found::Allowed(m) => Some(m),
        Found::Denied => None,
    };
    *matched_out = matched;
    let global = e.policies.len() - 1;
    let policy = &e.policies[matched.map_or(global, |m| m.rule)];
    // Only a well-formed origin that matched is ever reflected.
    let echo = found
        .origin
        .filter(|_| matched.is_some())
        .map(|o| o.as_str().as_bytes());
    let mut reasons = found.reasons;
    // RFC 6455 §10.2: the server checks a handshake's Origin; browsers
    // apply no CORS to WebSockets, so a refused origin is refused here.
    if req.is_websocket()
        && e.behavior.check_websocket_origin
        && req.origin().is_some()
        && echo.is_none()
    {
        reasons.add(Reason::WebSocketOriginNotAllowed);
        return reject(reasons);
    }
    if req.is_preflight() {
        preflight::answer(e, req, policy, echo, reasons)
    } else {
        actual::answer(e, req, policy, echo, reasons)
    }
}

/// `403` without calling the application.
fn reject(reasons: crate::decision::Reasons) -> Decision<'static> {
    Decision::Reject(Reject {
        status: 403,
        reasons,
        vary: Some(VARY_ORIGIN),
    })
}

/// Runs an async predicate, failing closed on a panic or a timeout.
pub(crate) async fn check_origin(e: Arc<Engine>, origin: String) -> OriginCheck {
    let Some(d) = e.dynamic.as_ref() else {
        return OriginCheck::Failed;
    };
    let OriginPredicate::Async(f) = &d.predicate else {
        return OriginCheck::Failed;
    };
    let Ok(fut) = catch_unwind(AssertUnwindSafe(|| f(origin))) else {
        return OriginCheck::Failed;
    };
    let guarded = CatchUnwind(fut);
    // The timer needs a tokio runtime; outside one (another executor, a
    // test polling by hand) the check runs without a time limit.
    #[cfg(feature = "tokio")]
    if !e.origin_check_timeout.is_zero() && tokio::runtime::Handle::try_current().is_ok() {
        return tokio::time::timeout(e.origin_check_timeout, guarded)
            .await
            .unwrap_or(OriginCheck::Failed);
    }
    guarded.await
}

/// A predicate future whose panic is an answer: [`OriginCheck::Failed`].
struct CatchUnwind(PredicateFuture);

impl Future for CatchUnwind {
    type Output = OriginCheck;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<OriginCheck> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Ready(allowed)) => Poll::Ready(allowed.into()),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(OriginCheck::Failed),
        }
    }
}
