//! What fastcors-core decided, and how an adapter writes it back.
//!
//! A [`Decision`] borrows its header values from the engine (precomputed
//! once when the configuration was built) and from the request (a reflected
//! origin or mirrored request headers), so producing one never allocates.
//! Each value says which it is ([`Value`]).
//!
//! Writing a decision back is the same in every adapter:
//! - [`Decision::Preflight`]: answer with `status`, the headers in order,
//!   then `content-length` and `content-type` when `body` is not empty;
//!   do not call the application.
//! - [`Decision::Actual`]: call the application; on its response, *set* each
//!   header (replace the first field of that name in place and drop the
//!   others, or append if absent), then apply [`Actual::vary`] with
//!   [`merge_vary`].
//! - [`Decision::Reject`]: answer `403` without calling the application.
//! - [`Decision::Pending`]: ask the dynamic origin predicate about
//!   [`PendingCheck::origin`] and hand the answer back with
//!   [`Cors::resume`](crate::Cors::resume), which returns one of the three
//!   above. A predicate that fails, panics or times out is
//!   [`OriginCheck::Failed`]: denied.

use std::fmt;

use crate::origin::MalformedOrigin;
use crate::plan::{Fill, Plan, Src};
pub use crate::value::{HeaderName, PolicyValue, Value};

/// Most header fields a plan lays out: the seven CORS headers and `Vary`.
/// (Mirrored `Access-Control-Request-Headers` fields are one entry,
/// however many fields they are.)
pub const MAX_DECISION_HEADERS: usize = 8;

/// The response header fields of a decision, in order, each value saying
/// where it comes from ([`Value`]).
///
/// A small view, cheap to copy: the policy's plan for this kind of response
/// (laid out when the engine was built) and the request facts its
/// placeholders are filled with. Values are resolved as they are iterated.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Headers<'a> {
    plan: &'a Plan,
    values: &'a [PolicyValue],
    fill: Fill<'a>,
}

static NO_PLAN: Plan = Plan::EMPTY;

impl Default for Headers<'_> {
    fn default() -> Self {
        Headers {
            plan: &NO_PLAN,
            values: &[],
            fill: Fill::NONE,
        }
    }
}

impl<'a> Headers<'a> {
    pub(crate) fn new(plan: &'a Plan, values: &'a [PolicyValue], fill: Fill<'a>) -> Self {
        Headers { plan, values, fill }
    }

    /// The fields, in order, with their provenance.
    pub fn iter(&self) -> HeadersIter<'a> {
        HeadersIter {
            entries: self.plan.entries(),
            values: self.values,
            fill: self.fill,
            mirror: 0,
        }
    }

    /// The first value of `name`, as bytes.
    pub fn get(&self, name: HeaderName) -> Option<&'a [u8]> {
        self.get_value(name).map(|v| v.as_bytes())
    }

    /// The first value of `name`.
    pub fn get_value(&self, name: HeaderName) -> Option<Value<'a>> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// No fields.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// The fields of a [`Headers`], in order.
#[derive(Clone)]
pub struct HeadersIter<'a> {
    entries: &'a [(HeaderName, Src)],
    values: &'a [PolicyValue],
    fill: Fill<'a>,
    /// Position within a mirrored-fields entry at the front.
    mirror: usize,
}

impl<'a> Iterator for HeadersIter<'a> {
    type Item = (HeaderName, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some((&(name, src), rest)) = self.entries.split_first() {
            let fill = &self.fill;
            let value = match src {
                Src::Policy(id) => self.values.get(id as usize).map(Value::Policy),
                Src::Origin => fill.origin.map(Value::Origin),
                Src::RequestMethod => Some(Value::RequestMethod(fill.request_method)),
                Src::FirstRequestHeaders => fill
                    .request_headers
                    .first()
                    .map(|f| Value::RequestHeaders { index: 0, value: f }),
                Src::IfPrivateNetwork(id) if fill.private_network => {
                    self.values.get(id as usize).map(Value::Policy)
                }
                Src::IfPrivateNetwork(_) => None,
                // One field per non-empty request field, each mirrored whole:
                // stay on this entry until they are all out.
                Src::RequestHeaders => match self.next_mirrored() {
                    Some(v) => return Some((name, v)),
                    None => {
                        self.mirror = 0;
                        None
                    }
                },
            };
            self.entries = rest;
            if let Some(v) = value {
                return Some((name, v));
            }
        }
        None
    }
}

impl<'a> HeadersIter<'a> {
    fn next_mirrored(&mut self) -> Option<Value<'a>> {
        while let Some(f) = self.fill.request_headers.get(self.mirror) {
            let index = self.mirror as u32;
            self.mirror += 1;
            if !trim_ows(f).is_empty() {
                return Some(Value::RequestHeaders { index, value: f });
            }
        }
        None
    }
}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.iter()
                    .map(|(n, v)| (n.as_str(), String::from_utf8_lossy(v.as_bytes()))),
            )
            .finish()
    }
}

/// Why a request was refused, or why a header was left out. A small bit set,
/// so that carrying every reason costs nothing.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Reasons {
    bits: u32,
    malformed: Option<MalformedOrigin>,
}

/// One reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// No `Origin` header: not a CORS request.
    NoOrigin,
    /// The `Origin` header is not a serialized origin.
    MalformedOrigin,
    /// Several `Origin` fields.
    MultipleOrigins,
    /// The origin is not allowed by any rule.
    OriginNotAllowed,
    /// `null` is not listed.
    NullOriginNotAllowed,
    /// The requested method is not allowed.
    MethodNotAllowed,
    /// `Access-Control-Request-Method` is not a method token.
    InvalidMethod,
    /// A requested header is not allowed.
    HeaderNotAllowed,
    /// `Access-Control-Request-Headers` is not a list of header names.
    InvalidRequestHeaders,
    /// `Authorization` was requested; a `*` in `allow_headers` never covers it.
    AuthorizationNeedsExplicitAllow,
    /// More `Access-Control-Request-Headers` names or bytes than any browser
    /// sends (see [`request`](crate::request) for the limits).
    TooManyRequestHeaders,
    /// Private-network access was requested and is not allowed.
    PrivateNetworkNotAllowed,
    /// A WebSocket handshake from a disallowed origin.
    WebSocketOriginNotAllowed,
    /// The dynamic origin predicate failed (raised, panicked or timed out).
    OriginCheckFailed,
}

const ALL_REASONS: [Reason; 14] = [
    Reason::NoOrigin,
    Reason::MalformedOrigin,
    Reason::MultipleOrigins,
    Reason::OriginNotAllowed,
    Reason::NullOriginNotAllowed,
    Reason::MethodNotAllowed,
    Reason::InvalidMethod,
    Reason::HeaderNotAllowed,
    Reason::InvalidRequestHeaders,
    Reason::AuthorizationNeedsExplicitAllow,
    Reason::TooManyRequestHeaders,
    Reason::PrivateNetworkNotAllowed,
    Reason::WebSocketOriginNotAllowed,
    Reason::OriginCheckFailed,
];

impl Reason {
    fn bit(self) -> u32 {
        1 << (ALL_REASONS.iter().position(|r| *r == self).unwrap_or(0) as u32)
    }

    /// A sentence for logs and explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoOrigin => "no Origin header: not a CORS request",
            Reason::MalformedOrigin => "the Origin header is not a serialized origin",
            Reason::MultipleOrigins => "several Origin headers",
            Reason::OriginNotAllowed => "origin not allowed",
            Reason::NullOriginNotAllowed => "the null origin is not allowed (list \"null\" to allow it)",
            Reason::MethodNotAllowed => "method not allowed",
            Reason::InvalidMethod => "Access-Control-Request-Method is not a method token",
            Reason::HeaderNotAllowed => "a requested header is not allowed",
            Reason::InvalidRequestHeaders => {
                "Access-Control-Request-Headers is not a list of header names"
            }
            Reason::AuthorizationNeedsExplicitAllow => {
                "Authorization requested: \"*\" in allow_headers does not cover it; list it explicitly"
            }
            Reason::TooManyRequestHeaders => {
                "too many requested headers (more names or bytes than any browser sends)"
            }
            Reason::PrivateNetworkNotAllowed => "private network access not allowed",
            Reason::WebSocketOriginNotAllowed => "WebSocket handshake from a disallowed origin",
            Reason::OriginCheckFailed => {
                "the dynamic origin check failed (error, panic or timeout): denied"
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reasons {
    pub(crate) fn add(&mut self, r: Reason) {
        self.bits |= r.bit();
    }

    pub(crate) fn malformed(&mut self, m: MalformedOrigin) {
        self.add(Reason::MalformedOrigin);
        self.malformed = Some(m);
    }

    /// Whether `r` is among the reasons.
    pub fn contains(&self, r: Reason) -> bool {
        self.bits & r.bit() != 0
    }

    /// No reasons.
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }

    /// The reasons, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = Reason> + '_ {
        ALL_REASONS
            .iter()
            .copied()
            .filter(move |r| self.contains(*r))
    }

    /// What exactly was wrong with a malformed origin.
    pub fn malformed_origin(&self) -> Option<MalformedOrigin> {
        self.malformed
    }
}

impl fmt::Debug for Reasons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// How the `Vary` token of a decision joins the application's `Vary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaryMode {
    /// Join every existing value and the token with `", "` into one field,
    /// even if the token is already there (Starlette's behaviour).
    Append,
    /// Add the token only if no existing value lists it (case-insensitively)
    /// or `*`; never drop or repeat the application's values.
    Merge,
}

/// What to do with the response's `Vary` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaryUpdate {
    /// Leave them as they are.
    Keep,
    /// Add one more `Vary` field with this value.
    Append(&'static str),
    /// Replace every `Vary` field with one field of this value (raw bytes:
    /// the application's values are kept byte for byte, UTF-8 or not).
    Set(Vec<u8>),
}

/// Merges `token` into the existing `Vary` field values.
///
/// `existing` is walked more than once, so it is a cheap-to-clone view
/// (an array, or an adapter's handle on its header map). Allocates only when
/// it must build a combined value ([`VaryUpdate::Set`]).
///
/// ```
/// use fastcors_core::{merge_vary, VaryMode, VaryUpdate};
/// let existing: [&[u8]; 1] = [b"Accept-Encoding"];
/// assert_eq!(merge_vary(existing, "Origin", VaryMode::Merge), VaryUpdate::Append("Origin"));
/// let existing: [&[u8]; 1] = [b"accept-encoding, origin"];
/// assert_eq!(merge_vary(existing, "Origin", VaryMode::Merge), VaryUpdate::Keep);
/// let existing: [&[u8]; 1] = [b"Accept-Encoding"];
/// assert_eq!(
///     merge_vary(existing, "Origin", VaryMode::Append),
///     VaryUpdate::Set(b"Accept-Encoding, Origin".to_vec())
/// );
/// ```
pub fn merge_vary<'v, I>(existing: I, token: &'static str, mode: VaryMode) -> VaryUpdate
where
    I: IntoIterator<Item = &'v [u8]> + Clone,
{
    let values = || existing.clone().into_iter();
    if values().next().is_none() {
        return VaryUpdate::Append(token);
    }
    let join = |extra: &mut dyn Iterator<Item = &str>| {
        let mut out = Vec::new();
        for v in values() {
            if !out.is_empty() {
                out.extend_from_slice(b", ");
            }
            out.extend_from_slice(v);
        }
        for name in extra {
            out.extend_from_slice(b", ");
            out.extend_from_slice(name.as_bytes());
        }
        VaryUpdate::Set(out)
    };
    match mode {
        VaryMode::Append => join(&mut std::iter::once(token)),
        VaryMode::Merge => {
            // The token may itself be a list ("Origin, Access-Control-Request-Method");
            // each name must be present, or covered by "*".
            let present = |name: &str| {
                values().any(|v| {
                    v.split(|b| *b == b',')
                        .map(trim_ows)
                        .any(|item| item == b"*" || item.eq_ignore_ascii_case(name.as_bytes()))
                })
            };
            let names = || token.split(',').map(str::trim);
            let missing = names().filter(|n| !present(n)).count();
            if missing == 0 {
                VaryUpdate::Keep
            } else if missing == names().count() {
                VaryUpdate::Append(token)
            } else {
                join(&mut names().filter(|n| !present(n)))
            }
        }
    }
}

/// Trims HTTP optional whitespace (spaces and tabs).
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// A preflight answer.
#[derive(Debug, Clone, Copy)]
pub struct Preflight<'a> {
    /// Whether the browser will let the actual request through.
    pub allowed: bool,
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Headers<'a>,
    /// The body (empty for the standard preset).
    pub body: &'static str,
    /// The content type of a non-empty body.
    pub content_type: Option<&'static str>,
    /// Why it was refused, or what was left out.
    pub reasons: Reasons,
}

/// Headers for the application's response to an actual (non-preflight) request.
#[derive(Debug, Clone, Copy)]
pub struct Actual<'a> {
    /// The request carried an `Origin` header.
    pub cors: bool,
    /// The origin is allowed (always `false` when `cors` is false).
    pub allowed: bool,
    /// Headers to set on the response, in order.
    pub headers: Headers<'a>,
    /// The `Vary` token to merge with [`merge_vary`], if any.
    pub vary: Option<&'static str>,
    /// How to merge it.
    pub vary_mode: VaryMode,
    /// Why the origin was refused, or why it is not a CORS request.
    pub reasons: Reasons,
}

/// Refuse the request with `403` without calling the application.
#[derive(Debug, Clone, Copy)]
pub struct Reject {
    /// The status code (403).
    pub status: u16,
    /// Why.
    pub reasons: Reasons,
    /// The `Vary` token to put on the refusal.
    pub vary: Option<&'static str>,
}

/// An origin only a dynamic predicate can judge (an async or host-side
/// one): the frontend obtains the answer and hands it back with
/// [`Cors::resume`](crate::Cors::resume), which always returns a final
/// decision. See [`OriginCheck`] for what to hand back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingCheck<'a> {
    pub(crate) origin: &'a str,
}

impl<'a> PendingCheck<'a> {
    /// The origin to ask about: always a well-formed serialized origin,
    /// never `null`.
    pub fn origin(&self) -> &'a str {
        self.origin
    }
}

impl fmt::Display for PendingCheck<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.origin)
    }
}

/// The answer to a [`PendingCheck`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OriginCheck {
    /// The predicate allows the origin.
    Allowed,
    /// The predicate does not allow it.
    Denied,
    /// The predicate failed: it raised, panicked, or did not answer in
    /// time. The origin is not allowed (fail closed), and the answer is
    /// not cached, so the next request asks again.
    Failed,
}

impl From<bool> for OriginCheck {
    fn from(allowed: bool) -> Self {
        if allowed {
            OriginCheck::Allowed
        } else {
            OriginCheck::Denied
        }
    }
}

/// What to do with a request.
#[derive(Debug, Clone, Copy)]
pub enum Decision<'a> {
    /// Answer the preflight; do not call the application.
    Preflight(Preflight<'a>),
    /// Call the application and add these headers to its response.
    Actual(Actual<'a>),
    /// Answer 403 without calling the application.
    Reject(Reject),
    /// Only a dynamic predicate can judge the origin: ask it, then
    /// [`Cors::resume`](crate::Cors::resume) with the answer.
    Pending(PendingCheck<'a>),
}

impl<'a> Decision<'a> {
    /// Whether the origin (and, for preflights, the request) is allowed.
    pub fn is_allowed(&self) -> bool {
        match self {
            Decision::Preflight(p) => p.allowed,
            Decision::Actual(a) => a.allowed,
            Decision::Reject(_) | Decision::Pending(_) => false,
        }
    }

    /// The reasons carried by the decision.
    pub fn reasons(&self) -> Reasons {
        match self {
            Decision::Preflight(p) => p.reasons,
            Decision::Actual(a) => a.reasons,
            Decision::Reject(r) => r.reasons,
            Decision::Pending(_) => Reasons::default(),
        }
    }

    /// The headers of a preflight or actual decision (none otherwise).
    pub fn headers(&self) -> Option<&Headers<'a>> {
        match self {
            Decision::Preflight(p) => Some(&p.headers),
            Decision::Actual(a) => Some(&a.headers),
            Decision::Reject(_) | Decision::Pending(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_order_and_expand_mirrored_fields() {
        let values = [PolicyValue::new(0, bytes::Bytes::from_static(b"*")).unwrap()];
        let fields: [&[u8]; 4] = [b"x-a", b" ", b"x-b, x-c", b""];
        let mut plan = Plan::default();
        plan.push(HeaderName::AllowOrigin, Src::Policy(0));
        plan.push(HeaderName::AllowHeaders, Src::RequestHeaders);
        plan.push(HeaderName::Vary, Src::Origin);
        plan.push(HeaderName::AllowPrivateNetwork, Src::IfPrivateNetwork(0));
        let fill = Fill {
            origin: Some(b"https://a.example"),
            request_headers: &fields,
            ..Fill::NONE
        };
        let h = Headers::new(&plan, &values, fill);
        let v: Vec<_> = h.iter().collect();
        assert_eq!(
            v,
            vec![
                (HeaderName::AllowOrigin, Value::Policy(&values[0])),
                (
                    HeaderName::AllowHeaders,
                    Value::RequestHeaders {
                        index: 0,
                        value: b"x-a"
                    }
                ),
                (
                    HeaderName::AllowHeaders,
                    Value::RequestHeaders {
                        index: 2,
                        value: b"x-b, x-c"
                    }
                ),
                (HeaderName::Vary, Value::Origin(b"https://a.example")),
            ]
        );
        assert_eq!(h.len(), 4);
        assert_eq!(h.get(HeaderName::AllowHeaders), Some(&b"x-a"[..]));
        assert_eq!(h.get(HeaderName::MaxAge), None);
        // Without the origin (refused), its placeholder is left out.
        let refused = Headers::new(
            &plan,
            &values,
            Fill {
                origin: None,
                ..fill
            },
        );
        assert_eq!(refused.len(), 3);
        assert!(Headers::default().is_empty());
    }

    #[test]
    fn merge_vary_never_drops_or_duplicates() {
        let none: [&[u8]; 0] = [];
        assert_eq!(
            merge_vary(none, "Origin", VaryMode::Merge),
            VaryUpdate::Append("Origin")
        );
        let star: [&[u8]; 1] = [b"*"];
        assert_eq!(
            merge_vary(star, "Origin", VaryMode::Merge),
            VaryUpdate::Keep
        );
        let two: [&[u8]; 2] = [b"Accept-Encoding", b"ORIGIN"];
        assert_eq!(merge_vary(two, "Origin", VaryMode::Merge), VaryUpdate::Keep);
        let part: [&[u8]; 1] = [b"Origin"];
        assert_eq!(
            merge_vary(
                part,
                "Origin, Access-Control-Request-Method",
                VaryMode::Merge
            ),
            VaryUpdate::Set(b"Origin, Access-Control-Request-Method".to_vec())
        );
        // Starlette appends even when present.
        let dup: [&[u8]; 2] = [b"Origin", b"Cookie"];
        assert_eq!(
            merge_vary(dup, "Origin", VaryMode::Append),
            VaryUpdate::Set(b"Origin, Cookie, Origin".to_vec())
        );
    }

    #[test]
    fn reasons_round_trip() {
        let mut r = Reasons::default();
        assert!(r.is_empty());
        r.add(Reason::MethodNotAllowed);
        r.malformed(MalformedOrigin::HasPath);
        assert!(r.contains(Reason::MethodNotAllowed));
        assert!(r.contains(Reason::MalformedOrigin));
        assert!(!r.contains(Reason::HeaderNotAllowed));
        assert_eq!(r.iter().count(), 2);
        assert_eq!(r.malformed_origin(), Some(MalformedOrigin::HasPath));
    }
}
