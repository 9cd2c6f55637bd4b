//! Writing a [`Decision`](fastcors_core::Decision) back onto actix-web types,
//! exactly as the `fastcors_core::decision` module documents it.
//!
//! The per-request path allocates as little as it can (as fastcors-core's
//! `http` module does for the `http` 1.x types; actix-web 4 has its own
//! header types): a reflected origin is a clone of the request's own
//! `Origin` value (it shares its bytes), the policy's precomputed values
//! (`true`, the method and header lists, `max-age`, ...) are kept as shared
//! [`HeaderValue`]s after their first use, and [`ActualHeaders`] holds a few
//! fields inline.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use fastcors_core::{
    merge_vary, Actual, Cors, HeaderName, Preflight, Reject, Value, VaryMode, VaryUpdate,
};

/// The request header whose value a private-network preflight carries.
pub(crate) const REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");

/// Every request header a [`fastcors_core::RequestView`] reads. Looking these
/// up beats walking every field of the request (cookies, user agent, ...).
pub(crate) const VIEWED: [header::HeaderName; 5] = [
    header::ORIGIN,
    header::UPGRADE,
    header::ACCESS_CONTROL_REQUEST_METHOD,
    header::ACCESS_CONTROL_REQUEST_HEADERS,
    REQUEST_PRIVATE_NETWORK,
];

/// The actix name of a header fastcors-core writes (no allocation).
pub(crate) fn actix_name(name: HeaderName) -> header::HeaderName {
    match name {
        HeaderName::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderName::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderName::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderName::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderName::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        HeaderName::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderName::AllowPrivateNetwork => {
            header::HeaderName::from_static("access-control-allow-private-network")
        }
        HeaderName::Vary => header::VARY,
    }
}

/// The engine's policy values as actix header values, made once per
/// middleware (indexed by [`PolicyValue::id`](fastcors_core::PolicyValue::id)).
#[derive(Debug, Clone)]
pub(crate) struct PolicyHeaders(Arc<[HeaderValue]>);

impl PolicyHeaders {
    pub(crate) fn new(cors: &Cors) -> Self {
        // Shared bytes: `from_maybe_shared` keeps the engine's buffer.
        let values = cors.policy_values().iter().map(|v| {
            HeaderValue::from_maybe_shared(v.bytes().clone())
                .unwrap_or_else(|_| HeaderValue::from_static(""))
        });
        PolicyHeaders(values.collect())
    }
}

/// An owned header value for a decision's value, by its provenance: the
/// policy's shared value, or a clone of the request field it mirrors.
fn owned_value(
    value: Value<'_>,
    request: &HeaderMap,
    policy: &PolicyHeaders,
) -> Option<HeaderValue> {
    let field = |name: header::HeaderName, index: usize| request.get_all(name).nth(index).cloned();
    match value {
        Value::Policy(p) => policy.0.get(p.id() as usize).cloned(),
        Value::Origin(_) => field(header::ORIGIN, 0),
        Value::RequestMethod(_) => field(header::ACCESS_CONTROL_REQUEST_METHOD, 0),
        Value::RequestHeaders { index, .. } => {
            field(header::ACCESS_CONTROL_REQUEST_HEADERS, index as usize)
        }
    }
}

/// Fields an [`ActualHeaders`] holds without allocating. An actual
/// response gets at most `Access-Control-Allow-Origin`, `-Credentials`
/// and `-Expose-Headers`; more fields spill to the heap.
const INLINE: usize = 3;

/// What an [`Actual`] decision writes on the application's response, owned
/// so that it outlives the request.
#[derive(Debug, Clone)]
pub(crate) struct ActualHeaders {
    inline: [Option<(HeaderName, HeaderValue)>; INLINE],
    spill: Vec<(HeaderName, HeaderValue)>,
    vary: Option<&'static str>,
    vary_mode: VaryMode,
}

impl ActualHeaders {
    /// Owns the headers of `actual`; `request` is the request's headers.
    pub(crate) fn new(actual: &Actual<'_>, request: &HeaderMap, policy: &PolicyHeaders) -> Self {
        let mut out = ActualHeaders {
            inline: [const { None }; INLINE],
            spill: Vec::new(),
            vary: actual.vary,
            vary_mode: actual.vary_mode,
        };
        let mut n = 0;
        for (name, value) in actual.headers.iter() {
            let Some(value) = owned_value(value, request, policy) else {
                continue;
            };
            match out.inline.get_mut(n) {
                Some(slot) => *slot = Some((name, value)),
                None => out.spill.push((name, value)),
            }
            n += 1;
        }
        out
    }

    /// Sets each header (its first field in the decision replaces the
    /// response's fields of that name; later ones are appended), then
    /// merges `Vary`. By value: the values move into the map.
    pub(crate) fn apply(self, map: &mut HeaderMap) {
        // One bit per name written so far (a small fieldless enum).
        let mut written = 0u64;
        let fields = self.inline.into_iter().flatten().chain(self.spill);
        for (name, value) in fields {
            let bit = 1u64 << (name as u32 % 64);
            if written & bit == 0 {
                map.insert(actix_name(name), value);
            } else {
                map.append(actix_name(name), value);
            }
            written |= bit;
        }
        if let Some(token) = self.vary {
            apply_vary(map, token, self.vary_mode);
        }
    }
}

/// Applies [`merge_vary`] to the response's `Vary` fields.
pub(crate) fn apply_vary(map: &mut HeaderMap, token: &'static str, mode: VaryMode) {
    let update = merge_vary(
        map.get_all(header::VARY).map(HeaderValue::as_bytes),
        token,
        mode,
    );
    match update {
        VaryUpdate::Keep => {}
        VaryUpdate::Append(t) => map.append(header::VARY, HeaderValue::from_static(t)),
        VaryUpdate::Set(s) => {
            // From the bytes: no second copy.
            if let Ok(v) = HeaderValue::try_from(s) {
                map.insert(header::VARY, v);
            }
        }
    }
}

/// The middleware's own answer to a preflight; `request` is the
/// preflight's headers.
pub(crate) fn preflight_response(
    p: &Preflight<'_>,
    request: &HeaderMap,
    policy: &PolicyHeaders,
) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::NO_CONTENT);
    let mut res = HttpResponse::with_body(status, p.body).map_into_boxed_body();
    let map = res.headers_mut();
    for (name, value) in p.headers.iter() {
        if let Some(v) = owned_value(value, request, policy) {
            map.append(actix_name(name), v);
        }
    }
    if !p.body.is_empty() {
        if let Some(ct) = p.content_type {
            map.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
    }
    res
}

/// The middleware's own refusal (403), without calling the application.
pub(crate) fn reject_response(r: &Reject) -> HttpResponse {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::FORBIDDEN);
    let mut res = HttpResponse::new(status);
    if let Some(token) = r.vary {
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static(token));
    }
    res
}
