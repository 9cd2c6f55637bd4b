//! Writing a [`Decision`](cors_core::Decision) back onto actix-web types,
//! exactly as the `cors_core::decision` module documents it.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use cors_core::{merge_vary, Actual, HeaderName, Preflight, Reject, VaryMode, VaryUpdate};

/// The actix name of a header cors-core writes (no allocation).
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

/// An owned header value. A value that *is* the request's `Origin` (a
/// reflected origin) is cloned from it, sharing its bytes; a value that is
/// not a valid field value is dropped rather than written.
fn owned_value(value: &[u8], origin: Option<&HeaderValue>) -> Option<HeaderValue> {
    match origin {
        Some(o) if o.as_bytes() == value => Some(o.clone()),
        _ => HeaderValue::from_bytes(value).ok(),
    }
}

/// What an [`Actual`] decision writes on the application's response, owned
/// so that it outlives the request.
#[derive(Debug, Clone)]
pub(crate) struct ActualHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
    vary: Option<&'static str>,
    vary_mode: VaryMode,
}

impl ActualHeaders {
    pub(crate) fn new(actual: &Actual<'_>, origin: Option<&HeaderValue>) -> Self {
        let headers = actual
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name, owned_value(value, origin)?)))
            .collect();
        ActualHeaders {
            headers,
            vary: actual.vary,
            vary_mode: actual.vary_mode,
        }
    }

    /// Sets each header (its first field in the decision replaces the
    /// response's fields of that name; later ones are appended), then
    /// merges `Vary`. By value: the values move into the map (cloning a
    /// freshly copied value would allocate again).
    pub(crate) fn apply(self, map: &mut HeaderMap) {
        // One bit per name written so far (a small fieldless enum).
        let mut written = 0u64;
        for (name, value) in self.headers {
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

/// The middleware's own answer to a preflight.
pub(crate) fn preflight_response(p: &Preflight<'_>, origin: Option<&HeaderValue>) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::NO_CONTENT);
    let mut res = HttpResponse::with_body(status, p.body).map_into_boxed_body();
    let map = res.headers_mut();
    for (name, value) in p.headers.iter() {
        if let Some(v) = owned_value(value, origin) {
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
