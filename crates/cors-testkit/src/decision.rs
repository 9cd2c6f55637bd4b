//! The only place the kit reads a cors-core [`Decision`]: keep it small, it
//! follows the engine's Decision API.

use cors_core::{Decision, HeaderName};

/// The CORS headers of a decision (none for a rejection).
///
/// Panics on `PendingOriginCheck`: the shared data never configures a
/// predicate.
pub fn headers<'a>(d: &Decision<'a>) -> Vec<(HeaderName, &'a [u8])> {
    match d {
        Decision::Preflight(p) => p.headers.iter().collect(),
        Decision::Actual(a) => a.headers.iter().collect(),
        Decision::Reject(_) => Vec::new(),
        Decision::PendingOriginCheck(o) => panic!("pending check without a predicate: {o}"),
    }
}

/// The decision's `Access-Control-Allow-Origin`, if any.
pub fn acao<'a>(d: &Decision<'a>) -> Option<&'a [u8]> {
    match d {
        Decision::Preflight(p) => p.headers.get(HeaderName::AllowOrigin),
        Decision::Actual(a) => a.headers.get(HeaderName::AllowOrigin),
        _ => None,
    }
}
