//! Actual (non-preflight) requests: the headers for the application's
//! response ([Fetch §3.2.3 HTTP responses]: `Access-Control-Allow-Origin`,
//! `-Allow-Credentials`, `-Expose-Headers`), or a refusal.
//!
//! [Fetch §3.2.3 HTTP responses]: https://fetch.spec.whatwg.org/#http-responses

use crate::decision::{Actual, Decision, Headers, Reasons};
use crate::engine::plan::{CompiledPolicy, Fill};
use crate::engine::Engine;
use crate::request::RequestView;

use super::{reject, VARY_ORIGIN};

/// `echo` is the origin to reflect, present only when it is allowed.
pub(super) fn answer<'a>(
    e: &'a Engine,
    req: &'a RequestView<'a>,
    policy: &'a CompiledPolicy,
    echo: Option<&'a [u8]>,
    reasons: Reasons,
) -> Decision<'a> {
    let cors = req.origin().is_some();
    let allowed = echo.is_some();
    if cors && !allowed && e.behavior.block_disallowed {
        return reject(reasons);
    }
    let plan = match (cors, allowed) {
        (false, _) => None,
        (true, true) => Some(&policy.actual_allowed),
        (true, false) => Some(&policy.actual_denied),
    };
    let fill = Fill {
        origin: echo,
        request_method: b"",
        request_headers: &[],
        private_network: false,
    };
    Decision::Actual(Actual {
        cors,
        allowed,
        headers: plan.map_or_else(Headers::default, |p| Headers::new(p, &e.values, fill)),
        // The response depends on the Origin header whatever it is, so
        // caches must key on it ([Fetch §3.2.5 CORS protocol and HTTP caches]).
        //
        // [Fetch §3.2.5 CORS protocol and HTTP caches]: https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
        vary: Some(VARY_ORIGIN),
        vary_mode: e.behavior.vary_mode,
        reasons,
    })
}
