//! Reading requests from, and writing a [`Decision`] back onto, the `http`
//! 1.x types (axum, hyper, tonic, warp; enable the `http` feature).
//!
//! This is the whole translation layer of an `http`-based adapter, written
//! once, exactly as the [`decision`](crate::decision) module documents it:
//! [`request_view`] borrows the few request headers a decision depends on,
//! [`decide`] evaluates and turns the decision into an [`Outcome`]
//! (answer now, call the application, or check the origin first),
//! [`ActualHeaders::apply`] *sets* the CORS headers on the application's
//! response and merges `Vary`, and [`preflight_response`] /
//! [`reject_response`] build the answers the adapter gives itself.
//!
//! Each value is written by its provenance ([`Value`]): a policy value is
//! the engine's shared [`HeaderValue`] (a reference count), a reflected
//! origin or a mirrored field is a clone of the request's own field (it
//! shares its bytes). Nothing is copied, cached or compared per request.
//!
//! ```
//! use fastcors_core::http::{decide, Outcome};
//! use fastcors_core::Cors;
//! use http::{header, Request, Response};
//!
//! let cors = Cors::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods(["GET", "PUT"])
//!     .build()
//!     .unwrap();
//!
//! // A small middleware: decide, then answer or call the application.
//! let handle = |req: Request<()>| -> Response<&'static str> {
//!     match decide(&cors, req.method(), req.headers()) {
//!         Outcome::Respond(res) => res,
//!         Outcome::Forward(headers) => {
//!             let mut res = Response::new("hello"); // the application
//!             if let Some(h) = headers {
//!                 h.apply(res.headers_mut());
//!             }
//!             res
//!         }
//!         // Only with an async origin predicate: await the check, then
//!         // `resume(&cors, method, headers, answer)` gives one of the above.
//!         Outcome::CheckOrigin(_check) => unreachable!(),
//!     }
//! };
//!
//! let req = Request::builder()
//!     .header(header::ORIGIN, "https://app.example.com")
//!     .body(())
//!     .unwrap();
//! let res = handle(req);
//! assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
//! assert_eq!(res.headers()[header::VARY], "Origin");
//!
//! let preflight = Request::builder()
//!     .method("OPTIONS")
//!     .header(header::ORIGIN, "https://app.example.com")
//!     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
//!     .body(())
//!     .unwrap();
//! let res = handle(preflight);
//! assert_eq!(res.status(), 204);
//! assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "GET, PUT");
//! ```

use ::http::header::{self as h, HeaderMap, HeaderValue};
use ::http::{Method, Response, StatusCode};

use crate::{
    merge_vary, Actual, Cors, Decision, HeaderName, Headers, OriginCheck, Preflight, Reject,
    RequestView, Value, VaryMode, VaryUpdate,
};

const ALLOW_PRIVATE_NETWORK: h::HeaderName =
    h::HeaderName::from_static("access-control-allow-private-network");
const REQUEST_PRIVATE_NETWORK: h::HeaderName =
    h::HeaderName::from_static("access-control-request-private-network");

/// Every request header a [`RequestView`] reads. Looking these up beats
/// walking every field of the request (cookies, user agent, ...).
/// (`Origin` and `Upgrade` first: they are all that matters to a request
/// that is not a preflight.)
const VIEWED: [h::HeaderName; 5] = [
    h::ORIGIN,
    h::UPGRADE,
    h::ACCESS_CONTROL_REQUEST_METHOD,
    h::ACCESS_CONTROL_REQUEST_HEADERS,
    REQUEST_PRIVATE_NETWORK,
];

/// The `http` name of a header fastcors-core writes (no allocation).
pub fn header_name(name: HeaderName) -> h::HeaderName {
    match name {
        HeaderName::AllowOrigin => h::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderName::AllowCredentials => h::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderName::AllowMethods => h::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderName::AllowHeaders => h::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderName::MaxAge => h::ACCESS_CONTROL_MAX_AGE,
        HeaderName::ExposeHeaders => h::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderName::AllowPrivateNetwork => ALLOW_PRIVATE_NETWORK,
        HeaderName::Vary => h::VARY,
    }
}

/// The request as fastcors-core sees it, borrowing `method` and `headers`.
///
/// Fields of the same name keep their order; the rules for which field
/// counts (the first `Origin`, every `Access-Control-Request-Headers`
/// field, ...) are [`RequestView::add_header`]'s.
pub fn request_view<'a>(method: &'a Method, headers: &'a HeaderMap) -> RequestView<'a> {
    view_of(method, headers, &VIEWED)
}

fn view_of<'a>(
    method: &'a Method,
    headers: &'a HeaderMap,
    names: &[h::HeaderName],
) -> RequestView<'a> {
    let mut view = RequestView::new(method.as_str().as_bytes());
    for name in names {
        for value in headers.get_all(name) {
            view.add_header(name.as_str().as_bytes(), value.as_bytes());
        }
    }
    view
}

/// The view [`decide`] evaluates: the `Access-Control-Request-*` fields
/// only matter to a preflight (an `OPTIONS` request; the engine reads them
/// nowhere else), so other methods skip looking them up.
fn decision_view<'a>(method: &'a Method, headers: &'a HeaderMap) -> RequestView<'a> {
    if method == Method::OPTIONS {
        view_of(method, headers, &VIEWED)
    } else {
        view_of(method, headers, &VIEWED[..2])
    }
}

/// The dynamic origin check of an [`Outcome::CheckOrigin`]: await it, then
/// [`resume`] with its answer. Panics and (with the `tokio` feature)
/// timeouts are answered [`OriginCheck::Failed`].
pub use crate::OriginCheckFuture;

/// What an adapter does with a request, decided while its headers are
/// borrowed. Every variant owns its data, so the request can move on.
pub enum Outcome<B = &'static str> {
    /// Answer with this response (a preflight or a refusal); do not call
    /// the application.
    Respond(Response<B>),
    /// Call the application and [`apply`](ActualHeaders::apply) these
    /// headers to its response (`None`: there is nothing to write).
    Forward(Option<ActualHeaders>),
    /// Await the check, then [`resume`]: it returns one of the above.
    CheckOrigin(OriginCheckFuture),
}

impl<B: std::fmt::Debug> std::fmt::Debug for Outcome<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Respond(r) => f.debug_tuple("Respond").field(r).finish(),
            Outcome::Forward(h) => f.debug_tuple("Forward").field(h).finish(),
            Outcome::CheckOrigin(_) => f.write_str("CheckOrigin(..)"),
        }
    }
}

/// What an adapter does once the origin is judged: [`resume`]'s answer.
#[derive(Debug)]
pub enum Resolved<B = &'static str> {
    /// Answer with this response; do not call the application.
    Respond(Response<B>),
    /// Call the application and apply these headers to its response.
    Forward(Option<ActualHeaders>),
}

impl<B> From<Resolved<B>> for Outcome<B> {
    fn from(r: Resolved<B>) -> Self {
        match r {
            Resolved::Respond(res) => Outcome::Respond(res),
            Resolved::Forward(h) => Outcome::Forward(h),
        }
    }
}

/// Evaluates the request and translates the [`Decision`].
pub fn decide<B: From<&'static str>>(
    cors: &Cors,
    method: &Method,
    headers: &HeaderMap,
) -> Outcome<B> {
    let view = decision_view(method, headers);
    match cors.evaluate(&view) {
        Decision::Pending(p) => Outcome::CheckOrigin(Box::pin(cors.check_origin(&p))),
        d => translate(d, headers).into(),
    }
}

/// Finishes an [`Outcome::CheckOrigin`] with the check's answer.
pub fn resume<B: From<&'static str>>(
    cors: &Cors,
    method: &Method,
    headers: &HeaderMap,
    answer: OriginCheck,
) -> Resolved<B> {
    let view = decision_view(method, headers);
    translate(cors.resume(&view, answer), headers)
}

fn translate<B: From<&'static str>>(d: Decision<'_>, headers: &HeaderMap) -> Resolved<B> {
    match d {
        Decision::Preflight(p) => Resolved::Respond(preflight_response(&p, headers)),
        Decision::Reject(r) => Resolved::Respond(reject_response(&r)),
        Decision::Actual(a) => {
            let nothing = a.headers.is_empty() && a.vary.is_none();
            Resolved::Forward((!nothing).then(|| ActualHeaders::new(&a, headers)))
        }
        // Only `evaluate` pends, and `decide` handles that before; were
        // it ever to reach here, refuse (fail closed).
        Decision::Pending(_) => Resolved::Respond(reject_response(&Reject {
            status: 403,
            reasons: d.reasons(),
            vary: Some("Origin"),
        })),
    }
}

/// Fields an [`ActualHeaders`] holds without allocating. An actual
/// response gets at most `Access-Control-Allow-Origin`, `-Credentials`
/// and `-Expose-Headers`; more fields spill to the heap. (No more: the
/// value travels through the adapter's futures, and is moved with them.)
const INLINE: usize = 3;

/// The part of an [`Actual`] decision that outlives the request: what to
/// write on the application's response once it arrives.
#[derive(Debug, Clone)]
pub struct ActualHeaders {
    inline: [Option<(HeaderName, HeaderValue)>; INLINE],
    spill: Vec<(HeaderName, HeaderValue)>,
    vary: Option<&'static str>,
    vary_mode: VaryMode,
}

impl ActualHeaders {
    /// Owns the headers of `actual`. `request` is the request's headers
    /// (the reflected origin is cloned from it).
    pub fn new(actual: &Actual<'_>, request: &HeaderMap) -> Self {
        let mut out = ActualHeaders {
            inline: [const { None }; INLINE],
            spill: Vec::new(),
            vary: actual.vary,
            vary_mode: actual.vary_mode,
        };
        for (n, (name, value)) in owned_fields(&actual.headers, request).enumerate() {
            match out.inline.get_mut(n) {
                Some(slot) => *slot = Some((name, value)),
                None => out.spill.push((name, value)),
            }
        }
        out
    }

    /// Nothing to write: no field and no `Vary`.
    pub fn is_empty(&self) -> bool {
        self.inline[0].is_none() && self.vary.is_none()
    }

    /// Writes the headers on the application's response: the first field
    /// of each name *sets* it (replacing the response's fields of that name
    /// in place), later fields of the same name are appended; then `Vary`
    /// is merged with [`apply_vary`].
    pub fn apply(self, map: &mut HeaderMap) {
        // One bit per name written so far (`HeaderName` is a small
        // fieldless enum; `% 64` only guards against it ever growing).
        let mut written = 0u64;
        let fields = self.inline.into_iter().flatten().chain(self.spill);
        for (name, value) in fields {
            let bit = 1u64 << (name as u32 % 64);
            if written & bit == 0 {
                map.insert(header_name(name), value);
            } else {
                map.append(header_name(name), value);
            }
            written |= bit;
        }
        if let Some(token) = self.vary {
            apply_vary(map, token, self.vary_mode);
        }
    }
}

/// The response's `Vary` values as a re-iterable view, for [`merge_vary`]
/// (which looks at them more than once, without collecting them).
#[derive(Clone, Copy)]
struct VaryValues<'a>(&'a HeaderMap);

impl<'a> IntoIterator for VaryValues<'a> {
    type Item = &'a [u8];
    type IntoIter = std::iter::Map<h::ValueIter<'a, HeaderValue>, fn(&HeaderValue) -> &[u8]>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.get_all(h::VARY).iter().map(HeaderValue::as_bytes)
    }
}

/// Merges `token` into the response's `Vary` fields with [`merge_vary`].
pub fn apply_vary(map: &mut HeaderMap, token: &'static str, mode: VaryMode) {
    let update = merge_vary(VaryValues(map), token, mode);
    match update {
        VaryUpdate::Keep => {}
        VaryUpdate::Append(t) => {
            map.append(h::VARY, HeaderValue::from_static(t));
        }
        VaryUpdate::Set(s) => {
            // From the bytes: no second copy. `insert` keeps the position
            // of the first `Vary` field and drops the others.
            if let Ok(v) = HeaderValue::try_from(s) {
                map.insert(h::VARY, v);
            }
        }
    }
}

/// The adapter's own answer to a preflight: `status`, the headers in
/// order, then `Content-Length` and `Content-Type` when the body is not
/// empty. `request` is the preflight's headers (see [`ActualHeaders::new`]).
pub fn preflight_response<B: From<&'static str>>(
    p: &Preflight<'_>,
    request: &HeaderMap,
) -> Response<B> {
    // Sized once for the most a preflight carries (plus the body's two
    // fields), so that the map does not grow while it is filled; counting
    // the fields first would cost a pass over them.
    let mut map = HeaderMap::with_capacity(crate::decision::MAX_DECISION_HEADERS + 2);
    for (name, value) in owned_fields(&p.headers, request) {
        map.append(header_name(name), value);
    }
    if !p.body.is_empty() {
        map.insert(h::CONTENT_LENGTH, HeaderValue::from(p.body.len()));
        if let Some(ct) = p.content_type {
            map.insert(h::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
    }
    let mut res = Response::new(B::from(p.body));
    *res.status_mut() = StatusCode::from_u16(p.status).unwrap_or(StatusCode::NO_CONTENT);
    *res.headers_mut() = map;
    res
}

/// The adapter's own refusal (`403`, empty), given without calling the
/// application.
pub fn reject_response<B: From<&'static str>>(r: &Reject) -> Response<B> {
    let mut res = Response::new(B::from(""));
    *res.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::FORBIDDEN);
    if let Some(token) = r.vary {
        res.headers_mut()
            .insert(h::VARY, HeaderValue::from_static(token));
    }
    res
}

/// The fields of `headers` as owned values, each by its provenance.
fn owned_fields<'h>(
    headers: &'h Headers<'_>,
    request: &'h HeaderMap,
) -> impl Iterator<Item = (HeaderName, HeaderValue)> + 'h {
    headers
        .iter()
        .filter_map(move |(name, value)| Some((name, owned_value(value, request)?)))
}

/// An owned header value: the engine's shared value, or a clone of the
/// request field it mirrors (which shares its bytes). `None` only if the
/// request no longer has that field, which cannot happen for the request
/// the decision was made from.
fn owned_value(value: Value<'_>, request: &HeaderMap) -> Option<HeaderValue> {
    let field =
        |name: h::HeaderName, index: usize| request.get_all(name).iter().nth(index).cloned();
    match value {
        Value::Policy(p) => Some(p.header_value().clone()),
        Value::Origin(_) => field(h::ORIGIN, 0),
        Value::RequestMethod(_) => field(h::ACCESS_CONTROL_REQUEST_METHOD, 0),
        Value::RequestHeaders { index, .. } => {
            field(h::ACCESS_CONTROL_REQUEST_HEADERS, index as usize)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cors, Preset, Reasons};

    fn cors(preset: Preset) -> Cors {
        Cors::builder()
            .preset(preset)
            .allow_origins(["https://app.example.com", "null"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["content-type", "x-token"])
            .expose_headers(["x-total"])
            .allow_credentials(true)
            .max_age(600)
            .build()
            .unwrap()
    }

    fn request(method: &str, fields: &[(&str, &str)]) -> (Method, HeaderMap) {
        let mut map = HeaderMap::new();
        for (n, v) in fields {
            map.append(
                h::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        (method.parse().unwrap(), map)
    }

    fn values<'m>(map: &'m HeaderMap, name: &str) -> Vec<&'m str> {
        map.get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    fn forward(outcome: Outcome) -> ActualHeaders {
        match outcome {
            Outcome::Forward(Some(h)) => h,
            other => panic!("{other:?}"),
        }
    }

    fn respond(outcome: Outcome) -> Response<&'static str> {
        match outcome {
            Outcome::Respond(res) => res,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_names_match_cors_core() {
        // Every name a decision writes: a Starlette preflight (its `Vary`
        // is a header) asking for private-network access, and an actual
        // response exposing headers.
        let cors = Cors::builder()
            .preset(Preset::Starlette)
            .allow_origins(["https://app.example.com"])
            .allow_headers(["x-token"])
            .expose_headers(["x-total"])
            .allow_credentials(true)
            .allow_private_network(true)
            .build()
            .unwrap();
        let origin = b"https://app.example.com";
        let preflight = RequestView::new(b"OPTIONS")
            .with_origin(origin)
            .with_request_method(b"GET")
            .with_request_private_network(b"true");
        let actual = RequestView::new(b"GET").with_origin(origin);
        let mut seen = Vec::new();
        for d in [cors.evaluate(&preflight), cors.evaluate(&actual)] {
            let fields = match d {
                Decision::Preflight(p) => p.headers,
                Decision::Actual(a) => a.headers,
                other => panic!("{other:?}"),
            };
            for (name, _) in fields.iter() {
                assert_eq!(header_name(name).as_str(), name.as_str());
                if !seen.contains(&name) {
                    seen.push(name);
                }
            }
        }
        assert_eq!(seen.len(), 8, "{seen:?}");
    }

    #[test]
    fn the_view_is_the_one_from_every_pair() {
        let (method, map) = request(
            "OPTIONS",
            &[
                ("cookie", "a=b"),
                ("Origin", "https://app.example.com"),
                ("access-control-request-headers", "content-type"),
                ("origin", "https://second.example.com"),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x-token"),
                ("access-control-request-method", "DELETE"),
                ("access-control-request-private-network", "true"),
                ("upgrade", "WebSocket"),
            ],
        );
        let ours = request_view(&method, &map);
        let pairs = RequestView::from_pairs(
            b"OPTIONS",
            map.iter()
                .map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes())),
        );
        assert_eq!(format!("{ours:?}"), format!("{pairs:?}"));
        assert_eq!(ours.origin_fields(), 2);
        assert_eq!(ours.request_method(), Some(&b"PUT"[..]));
        assert_eq!(ours.request_headers().len(), 2);
        assert!(ours.is_websocket());
    }

    #[test]
    fn actual_headers_set_replace_and_keep_the_applications_vary() {
        let cors = cors(Preset::Standard);
        let (method, req) = request("GET", &[("origin", "https://app.example.com")]);
        let headers = forward(decide(&cors, &method, &req));
        let mut res = HeaderMap::new();
        res.append(
            h::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        res.append(
            h::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("x"),
        );
        res.append(h::VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.apply(&mut res);
        assert_eq!(
            values(&res, "access-control-allow-origin"),
            ["https://app.example.com"]
        );
        assert_eq!(values(&res, "access-control-allow-credentials"), ["true"]);
        assert_eq!(values(&res, "access-control-expose-headers"), ["x-total"]);
        assert_eq!(values(&res, "vary"), ["Accept-Encoding", "Origin"]);
    }

    #[test]
    fn later_fields_of_a_name_are_appended() {
        let values_: Vec<_> = [&b"a"[..], b"b", b"*", b"x", b"y", b"z", b"w"]
            .into_iter()
            .enumerate()
            .map(|(i, v)| crate::PolicyValue::new(i as u16, bytes::Bytes::from_static(v)).unwrap())
            .collect();
        let mut plan = crate::plan::Plan::default();
        plan.push(HeaderName::AllowHeaders, crate::plan::Src::Policy(0));
        plan.push(HeaderName::AllowHeaders, crate::plan::Src::Policy(1));
        plan.push(HeaderName::AllowOrigin, crate::plan::Src::Policy(2));
        // Past the inline capacity.
        const { assert!(INLINE < 7) };
        for id in 3..7 {
            plan.push(HeaderName::ExposeHeaders, crate::plan::Src::Policy(id));
        }
        let fields = crate::Headers::new(&plan, &values_, crate::plan::Fill::NONE);
        let actual = Actual {
            cors: true,
            allowed: true,
            headers: fields,
            vary: None,
            vary_mode: VaryMode::Merge,
            reasons: Reasons::default(),
        };
        let headers = ActualHeaders::new(&actual, &HeaderMap::new());
        assert!(!headers.spill.is_empty());
        let mut res = HeaderMap::new();
        res.insert(
            h::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("old"),
        );
        headers.apply(&mut res);
        assert_eq!(values(&res, "access-control-allow-headers"), ["a", "b"]);
        assert_eq!(values(&res, "access-control-allow-origin"), ["*"]);
        assert_eq!(
            values(&res, "access-control-expose-headers"),
            ["x", "y", "z", "w"]
        );
        assert!(res.get(h::VARY).is_none());
    }

    #[test]
    fn vary_is_merged_or_joined() {
        let mut map = HeaderMap::new();
        map.append(h::VARY, HeaderValue::from_static("accept-encoding, origin"));
        apply_vary(&mut map, "Origin", VaryMode::Merge);
        assert_eq!(values(&map, "vary"), ["accept-encoding, origin"]);

        let mut map = HeaderMap::new();
        map.append(h::VARY, HeaderValue::from_static("Cookie"));
        map.append(h::VARY, HeaderValue::from_static("Origin"));
        apply_vary(&mut map, "Origin", VaryMode::Append);
        assert_eq!(values(&map, "vary"), ["Cookie, Origin, Origin"]);

        let mut map = HeaderMap::new();
        apply_vary(&mut map, "Origin", VaryMode::Append);
        assert_eq!(values(&map, "vary"), ["Origin"]);
    }

    #[test]
    fn a_reflected_origin_shares_the_requests_bytes() {
        let cors = cors(Preset::Standard);
        for origin in ["https://app.example.com", "null"] {
            let (method, req) = request("GET", &[("origin", origin)]);
            let headers = forward(decide(&cors, &method, &req));
            let (name, value) = headers.inline[0].as_ref().unwrap();
            assert_eq!(*name, HeaderName::AllowOrigin);
            assert_eq!(value, origin);
            assert_eq!(
                value.as_bytes().as_ptr(),
                req[h::ORIGIN].as_bytes().as_ptr()
            );
        }
    }

    #[test]
    fn policy_values_are_shared_and_request_values_come_from_the_request() {
        let cors = Cors::builder()
            .preset(Preset::Starlette)
            .allow_origins(["https://app.example.com"])
            .allow_headers(["*"])
            .allow_methods(["GET", "PATCH"])
            .build()
            .unwrap();
        let mirrored = "x-cache-test-9f1c";
        let (method, req) = request(
            "OPTIONS",
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PATCH"),
                ("access-control-request-headers", mirrored),
            ],
        );
        let first: Response<&str> = respond(decide(&cors, &method, &req));
        let second: Response<&str> = respond(decide(&cors, &method, &req));
        assert_eq!(first.headers()[h::ACCESS_CONTROL_ALLOW_HEADERS], mirrored);
        let methods = |r: &Response<&str>| {
            r.headers()[h::ACCESS_CONTROL_ALLOW_METHODS]
                .as_bytes()
                .as_ptr()
        };
        // The same shared bytes both times: no copy per request.
        assert_eq!(methods(&first), methods(&second));
        // The mirrored field is the request's own.
        assert_eq!(
            first.headers()[h::ACCESS_CONTROL_ALLOW_HEADERS]
                .as_bytes()
                .as_ptr(),
            req[h::ACCESS_CONTROL_REQUEST_HEADERS].as_bytes().as_ptr()
        );
    }

    #[test]
    fn preflights_carry_length_and_type_with_a_body() {
        let (method, req) = request(
            "OPTIONS",
            &[
                ("origin", "https://evil.example.org"),
                ("access-control-request-method", "PUT"),
            ],
        );
        let res = respond(decide(&cors(Preset::Starlette), &method, &req));
        assert_eq!(res.status(), 400);
        assert!(!res.body().is_empty());
        assert_eq!(
            res.headers()[h::CONTENT_LENGTH],
            res.body().len().to_string()
        );
        assert_eq!(res.headers()[h::CONTENT_TYPE], "text/plain; charset=utf-8");

        let res = respond(decide(&cors(Preset::Standard), &method, &req));
        assert!(res.body().is_empty());
        assert!(res.headers().get(h::CONTENT_LENGTH).is_none());
        assert!(res.headers().get(h::CONTENT_TYPE).is_none());
    }

    #[test]
    fn refusals_are_403_with_vary() {
        let r = Reject {
            status: 403,
            reasons: Reasons::default(),
            vary: Some("Origin"),
        };
        let res: Response<String> = reject_response(&r);
        assert_eq!(res.status(), 403);
        assert_eq!(res.body(), "");
        assert_eq!(res.headers()[h::VARY], "Origin");
    }

    #[test]
    fn no_origin_still_varies() {
        // The response depends on `Origin` even when there is none, so
        // that caches do not serve it to a cross-origin request.
        let (method, req) = request("GET", &[]);
        let headers = forward(decide(&cors(Preset::Standard), &method, &req));
        assert!(headers.inline[0].is_none() && !headers.is_empty());
        let mut res = HeaderMap::new();
        headers.apply(&mut res);
        assert_eq!(res.len(), 1);
        assert_eq!(values(&res, "vary"), ["Origin"]);
    }
}
