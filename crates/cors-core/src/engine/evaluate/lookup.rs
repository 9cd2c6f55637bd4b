//! Step one of every decision: which rule, if any, admits the request's
//! origin ([Fetch §3.2.2]: the `Origin` header; [§4.10 CORS check]).
//!
//! [Fetch §3.2.2]: https://fetch.spec.whatwg.org/#http-requests
//! [§4.10 CORS check]: https://fetch.spec.whatwg.org/#cors-check

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::decision::{OriginCheck, Reason, Reasons};
use crate::dynamic::OriginPredicate;
use crate::engine::Engine;
use crate::index::{MatchedBy, OriginMatch};
use crate::origin::{parse_request_origin, MalformedOrigin, RequestOrigin};
use crate::request::RequestView;

/// What the lookup found.
pub(super) enum Found<'a> {
    Allowed(OriginMatch),
    Denied,
    /// Only an async or host-side predicate can tell.
    Pending(&'a str),
}

/// The lookup's result, the parsed origin, and the reasons so far.
pub(super) struct Lookup<'a> {
    pub found: Found<'a>,
    pub origin: Option<RequestOrigin<'a>>,
    pub reasons: Reasons,
}

fn denied<'a>(origin: Option<RequestOrigin<'a>>, reasons: Reasons) -> Lookup<'a> {
    Lookup {
        found: Found::Denied,
        origin,
        reasons,
    }
}

/// Finds the rule admitting the request's origin: the rules' static
/// entries first (lowest rule wins), then the global policy's exact
/// origins, patterns, fst set, regexes and `*`, then its dynamic predicate
/// (`answer` is the predicate's answer when resuming a pending check).
pub(super) fn lookup<'a>(
    e: &'a Engine,
    req: &RequestView<'a>,
    answer: Option<OriginCheck>,
) -> Lookup<'a> {
    let mut reasons = Reasons::default();
    let Some(raw) = req.origin() else {
        reasons.add(Reason::NoOrigin);
        return denied(None, reasons);
    };
    if e.behavior.single_origin_field && req.origin_fields() > 1 {
        reasons.add(Reason::MultipleOrigins);
        reasons.malformed(MalformedOrigin::Multiple);
        return denied(None, reasons);
    }
    let origin = match parse_request_origin(raw) {
        Ok(o) => o,
        Err(m) => {
            reasons.malformed(m);
            return denied(None, reasons);
        }
    };
    if let Some(m) = static_match(e, &origin) {
        return Lookup {
            found: Found::Allowed(m),
            origin: Some(origin),
            reasons,
        };
    }
    let global = |by| {
        Found::Allowed(OriginMatch {
            rule: e.policies.len() - 1,
            by,
        })
    };
    let text = origin.as_str();
    let found = match origin {
        RequestOrigin::Null => None,
        RequestOrigin::Tuple(_) => ask_predicate(e, text, answer, &mut reasons),
    };
    let found = match found {
        Some(Ok(by)) => global(by),
        Some(Err(())) => Found::Pending(text),
        None => {
            reasons.add(match origin {
                RequestOrigin::Null => Reason::NullOriginNotAllowed,
                RequestOrigin::Tuple(_) => Reason::OriginNotAllowed,
            });
            Found::Denied
        }
    };
    Lookup {
        found,
        origin: Some(origin),
        reasons,
    }
}

/// The configured (non-dynamic) entries.
fn static_match(e: &Engine, origin: &RequestOrigin<'_>) -> Option<OriginMatch> {
    let text = origin.as_str();
    let tuple = match origin {
        RequestOrigin::Tuple(t) => Some(t),
        RequestOrigin::Null => None,
    };
    // Standard: the opaque origin only matches where "null" is listed.
    let null_listed_only = tuple.is_none() && !e.behavior.any_origin_admits_null;
    if let Some(m) = e.statics.lookup_rules(text, tuple) {
        if !null_listed_only || m.by == MatchedBy::Exact {
            return Some(m);
        }
    }
    let global = |by| OriginMatch {
        rule: e.policies.len() - 1,
        by,
    };
    if let Some(by) = e.global.lookup(text, tuple) {
        return Some(global(by));
    }
    if e.fst.as_ref().is_some_and(|f| f.contains(text)) {
        return Some(global(MatchedBy::Fst));
    }
    if null_listed_only {
        return None;
    }
    if let Some((_, i)) = e
        .statics
        .global_regexes
        .as_ref()
        .and_then(|g| g.first_match(text))
    {
        return Some(global(MatchedBy::Regex(i)));
    }
    e.any_origin().then(|| global(MatchedBy::Any))
}

/// The dynamic predicate: `None` if it does not allow the origin (or there
/// is none), `Some(Err(()))` if only the host can ask it.
fn ask_predicate(
    e: &Engine,
    origin: &str,
    answer: Option<OriginCheck>,
    reasons: &mut Reasons,
) -> Option<Result<MatchedBy, ()>> {
    let d = e.dynamic.as_ref()?;
    let check = match answer {
        Some(a) => {
            d.cache.record(origin, a);
            a
        }
        None => match (d.cache.get(origin), &d.predicate) {
            (Some(a), _) => OriginCheck::from(a),
            (None, OriginPredicate::Sync(f)) => {
                let a = catch_unwind(AssertUnwindSafe(|| f(origin)))
                    .map_or(OriginCheck::Failed, OriginCheck::from);
                d.cache.record(origin, a);
                a
            }
            (None, OriginPredicate::Async(_) | OriginPredicate::External) => return Some(Err(())),
        },
    };
    match check {
        OriginCheck::Allowed => Some(Ok(MatchedBy::Predicate)),
        OriginCheck::Denied => None,
        OriginCheck::Failed => {
            reasons.add(Reason::OriginCheckFailed);
            None
        }
    }
}
