//! Preflight requests, two procedures side by side: the Fetch standard's
//! and Starlette 1.10.0's. Each checks the request, then fills the policy's
//! preflight plan (made at compile time) with the request's facts.

use crate::decision::{Decision, Headers, Preflight, Reason, Reasons};
use crate::engine::plan::{CompiledPolicy, Fill, PreflightProcedure};
use crate::engine::Engine;
use crate::headers::is_token;
use crate::request::RequestView;

/// `echo` is the origin to reflect, present only when it is allowed.
pub(super) fn answer<'a>(
    e: &'a Engine,
    req: &'a RequestView<'a>,
    policy: &'a CompiledPolicy,
    echo: Option<&'a [u8]>,
    reasons: Reasons,
) -> Decision<'a> {
    let p = match e.behavior.preflight {
        PreflightProcedure::Fetch => fetch(e, req, policy, echo, reasons),
        PreflightProcedure::Starlette => starlette(e, req, policy, echo, reasons),
    };
    Decision::Preflight(p)
}

/// The Fetch standard, [§3.2.3 HTTP responses] and [§4.8 CORS-preflight
/// fetch] (what the browser checks): the origin, then the method (steps 6-7:
/// a token, listed or CORS-safelisted), then every requested header name,
/// then [Private Network Access] (`Access-Control-Request-Private-Network: true`).
/// A refused preflight learns nothing but the refusal.
///
/// [§3.2.3 HTTP responses]: https://fetch.spec.whatwg.org/#http-responses
/// [§4.8 CORS-preflight fetch]: https://fetch.spec.whatwg.org/#cors-preflight-fetch
/// [Private Network Access]: https://wicg.github.io/private-network-access/#cors-preflight
fn fetch<'a>(
    e: &'a Engine,
    req: &'a RequestView<'a>,
    policy: &'a CompiledPolicy,
    echo: Option<&'a [u8]>,
    mut reasons: Reasons,
) -> Preflight<'a> {
    let method = req.request_method().unwrap_or(b"");
    let fields = req.request_headers();
    let private_network = req
        .request_private_network()
        .is_some_and(|v| v.eq_ignore_ascii_case(b"true"));
    let mut ok = echo.is_some();
    if ok {
        let method_check = if !is_token(method) {
            Err(Reason::InvalidMethod)
        } else if !policy.methods.allows(method) {
            Err(Reason::MethodNotAllowed)
        } else {
            Ok(())
        };
        let headers_check = if req.request_headers_overflow() {
            Err(Reason::TooManyRequestHeaders)
        } else {
            policy.headers.check_standard(fields)
        };
        let pna_check = match private_network && !policy.private_network {
            true => Err(Reason::PrivateNetworkNotAllowed),
            false => Ok(()),
        };
        for r in [method_check, headers_check, pna_check]
            .into_iter()
            .filter_map(Result::err)
        {
            reasons.add(r);
            ok = false;
        }
    }
    let fill = Fill {
        origin: echo,
        request_method: method,
        request_headers: fields,
        private_network,
    };
    let (plan, status) = match ok {
        true => (&policy.preflight_ok, e.behavior.preflight_ok_status),
        false => (&policy.preflight_denied, e.behavior.preflight_denied_status),
    };
    Preflight {
        allowed: ok,
        status,
        headers: Headers::new(plan, &e.values, fill),
        body: "",
        content_type: None,
        reasons,
    }
}

/// Starlette 1.10.0's `CORSMiddleware.preflight_response`: checks the
/// origin, the method (listed, case-sensitive) and, unless `*`, the first
/// `Access-Control-Request-Headers` field (split on `,`, stripped,
/// lowercased), and private network access (any value asks for it); always
/// sends the policy's preflight headers, with a plain-text body saying what
/// failed (200 `OK` or 400 `Disallowed CORS ...`).
fn starlette<'a>(
    e: &'a Engine,
    req: &'a RequestView<'a>,
    policy: &'a CompiledPolicy,
    echo: Option<&'a [u8]>,
    mut reasons: Reasons,
) -> Preflight<'a> {
    let method = req.request_method().unwrap_or(b"");
    let fields = req.request_headers();
    let method_ok = policy.methods.allows(method);
    let headers_ok = match fields.first() {
        Some(first) if !policy.headers.any => policy.headers.check_starlette(first),
        _ => Ok(()),
    };
    let pna_requested = req.request_private_network().is_some();
    let pna_ok = !pna_requested || policy.private_network;
    if !method_ok {
        reasons.add(Reason::MethodNotAllowed);
    }
    if let Err(r) = headers_ok {
        reasons.add(r);
    }
    if !pna_ok {
        reasons.add(Reason::PrivateNetworkNotAllowed);
    }
    let ok = echo.is_some() && method_ok && headers_ok.is_ok() && pna_ok;
    let fill = Fill {
        origin: echo,
        request_method: method,
        request_headers: fields,
        private_network: pna_requested && policy.private_network,
    };
    let body = starlette_failure_body(echo.is_none(), !method_ok, headers_ok.is_err(), !pna_ok);
    Preflight {
        allowed: ok,
        status: match ok {
            true => e.behavior.preflight_ok_status,
            false => e.behavior.preflight_denied_status,
        },
        headers: Headers::new(&policy.preflight_ok, &e.values, fill),
        body,
        content_type: Some("text/plain; charset=utf-8"),
        reasons,
    }
}

/// Starlette's refusal bodies (`"Disallowed CORS " + ", ".join(failures)`),
/// one per combination of failures, so that a refusal needs no formatting.
fn starlette_failure_body(origin: bool, method: bool, headers: bool, pna: bool) -> &'static str {
    match (origin, method, headers, pna) {
        (false, false, false, false) => "OK",
        (true, false, false, false) => "Disallowed CORS origin",
        (false, true, false, false) => "Disallowed CORS method",
        (false, false, true, false) => "Disallowed CORS headers",
        (false, false, false, true) => "Disallowed CORS private-network",
        (true, true, false, false) => "Disallowed CORS origin, method",
        (true, false, true, false) => "Disallowed CORS origin, headers",
        (true, false, false, true) => "Disallowed CORS origin, private-network",
        (false, true, true, false) => "Disallowed CORS method, headers",
        (false, true, false, true) => "Disallowed CORS method, private-network",
        (false, false, true, true) => "Disallowed CORS headers, private-network",
        (true, true, true, false) => "Disallowed CORS origin, method, headers",
        (true, true, false, true) => "Disallowed CORS origin, method, private-network",
        (true, false, true, true) => "Disallowed CORS origin, headers, private-network",
        (false, true, true, true) => "Disallowed CORS method, headers, private-network",
        (true, true, true, true) => "Disallowed CORS origin, method, headers, private-network",
    }
}
