//! The only place the kit reads a fastcors-core [`Decision`]: keep it small, it
//! follows the engine's Decision API.

use fastcors_core::{Decision, HeaderName};

/// The CORS headers of a decision (none for a rejection).
///
/// Panics on `Pending`: the shared data never configures a predicate.
pub fn headers<'a>(d: &Decision<'a>) -> Vec<(HeaderName, &'a [u8])> {
    let bytes = |h: &fastcors_core::Headers<'a>| h.iter().map(|(n, v)| (n, v.as_bytes())).collect();
    match d {
        Decision::Preflight(p) => bytes(&p.headers),
        Decision::Actual(a) => bytes(&a.headers),
        Decision::Reject(_) => Vec::new(),
        Decision::Pending(p) => panic!("pending check without a predicate: {}", p.origin()),
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
