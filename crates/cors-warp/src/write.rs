//! Writing a [`Decision`](cors_core::Decision) back onto warp's `http` 1.x
//! types, exactly as the `cors_core::decision` module documents it.

use cors_core::{merge_vary, Actual, HeaderName, Preflight, Reject, VaryMode, VaryUpdate};
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use warp::reply::Response;

/// The `http` name of a header cors-core writes (no allocation).
pub(crate) fn http_name(name: HeaderName) -> header::HeaderName {
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

/// An owned header value. A value that *is* the request's `Origin` field
/// (a reflected origin) is cloned from it, sharing its bytes; a value that
/// is not a valid field value is dropped rather than written.
fn owned_value(value: &[u8], origin: Option<&HeaderValue>) -> Option<HeaderValue> {
    if let Some(o) = origin {
        let ob = o.as_bytes();
        if ob.as_ptr() == value.as_ptr() && ob.len() == value.len() {
            return Some(o.clone());
        }
    }
    HeaderValue::from_bytes(value).ok()
}

/// What an [`Actual`] decision writes on the application's response, owned
/// so that it outlives the request.
#[derive(Debug, Clone)]
pub(crate) struct ActualHeaders {
    headers: Vec<(header::HeaderName, HeaderValue)>,
    vary: Option<&'static str>,
    vary_mode: VaryMode,
}

impl ActualHeaders {
    pub(crate) fn new(actual: &Actual<'_>, origin: Option<&HeaderValue>) -> Self {
        let mut headers = Vec::with_capacity(actual.headers.len());
        for (name, value) in actual.headers.iter() {
            if let Some(v) = owned_value(value, origin) {
                headers.push((http_name(name), v));
            }
        }
        ActualHeaders {
            headers,
            vary: actual.vary,
            vary_mode: actual.vary_mode,
        }
    }

    /// Sets each header (its first occurrence in the decision replaces the
    /// response's fields of that name; later ones are appended), then
    /// merges `Vary`.
    pub(crate) fn apply(self, map: &mut HeaderMap) {
        for (i, (name, value)) in self.headers.iter().enumerate() {
            if self.headers[..i].iter().any(|(n, _)| n == name) {
                map.append(name.clone(), value.clone());
            } else {
                map.insert(name.clone(), value.clone());
            }
        }
        if let Some(token) = self.vary {
            apply_vary(map, token, self.vary_mode);
        }
    }
}

/// Applies [`merge_vary`] to the response's `Vary` fields.
pub(crate) fn apply_vary(map: &mut HeaderMap, token: &'static str, mode: VaryMode) {
    let update = merge_vary(
        map.get_all(header::VARY).iter().map(HeaderValue::as_bytes),
        token,
        mode,
    );
    match update {
        VaryUpdate::Keep => {}
        VaryUpdate::Append(t) => {
            map.append(header::VARY, HeaderValue::from_static(t));
        }
        VaryUpdate::Set(s) => {
            if let Ok(v) = HeaderValue::from_str(&s) {
                map.insert(header::VARY, v);
            }
        }
    }
}

/// An answer the wrapper gives itself (a preflight or a refusal), owned so
/// that it can travel through warp as a rejection past the wrapped filter.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    status: StatusCode,
    headers: Vec<(header::HeaderName, HeaderValue)>,
    body: &'static str,
    content_type: Option<&'static str>,
}

impl warp::reject::Reject for Answer {}

impl Answer {
    pub(crate) fn preflight(p: &Preflight<'_>, origin: Option<&HeaderValue>) -> Self {
        let mut headers = Vec::with_capacity(p.headers.len());
        for (name, value) in p.headers.iter() {
            if let Some(v) = owned_value(value, origin) {
                headers.push((http_name(name), v));
            }
        }
        Answer {
            status: StatusCode::from_u16(p.status).unwrap_or(StatusCode::NO_CONTENT),
            headers,
            body: p.body,
            content_type: p.content_type,
        }
    }

    pub(crate) fn reject(r: &Reject) -> Self {
        Answer::forbidden(
            StatusCode::from_u16(r.status).unwrap_or(StatusCode::FORBIDDEN),
            r.vary,
        )
    }

    pub(crate) fn forbidden(status: StatusCode, vary: Option<&'static str>) -> Self {
        let headers = vary
            .map(|t| vec![(header::VARY, HeaderValue::from_static(t))])
            .unwrap_or_default();
        Answer {
            status,
            headers,
            body: "",
            content_type: None,
        }
    }

    pub(crate) fn to_response(&self) -> Response {
        let mut res = Response::new(self.body.into());
        *res.status_mut() = self.status;
        let map = res.headers_mut();
        for (name, value) in &self.headers {
            map.append(name.clone(), value.clone());
        }
        if !self.body.is_empty() {
            map.insert(header::CONTENT_LENGTH, HeaderValue::from(self.body.len()));
            if let Some(ct) = self.content_type {
                map.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            }
        }
        res
    }
}
