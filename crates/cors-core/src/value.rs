//! Header values that say where they come from.
//!
//! Every value of a [`Decision`](crate::Decision) is one of three things,
//! and its type says which, so that a frontend writes it without guessing
//! (no pointer comparisons, no caches of its own):
//!
//! - [`Value::Policy`]: a value of the compiled policy (`*`, `true`, the
//!   method list, `max-age`, ...), built once with the engine. It is a
//!   [`PolicyValue`]: shared bytes ([`bytes::Bytes`], cloned by reference
//!   count) with a small id, so a frontend can also keep its own form of
//!   every policy value in a table made once (see
//!   [`Cors::policy_values`](crate::Cors::policy_values)).
//! - [`Value::Origin`]: the request's own (first) `Origin` field, reflected.
//!   The engine only reflects a well-formed origin, byte for byte as sent.
//! - [`Value::RequestMethod`] / [`Value::RequestHeaders`]: a request field
//!   mirrored back whole (`Access-Control-Request-Method`, or the n-th
//!   `Access-Control-Request-Headers` field).

use std::fmt;

use bytes::Bytes;

/// The response headers fastcors-core writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderName {
    /// `access-control-allow-origin`
    AllowOrigin,
    /// `access-control-allow-credentials`
    AllowCredentials,
    /// `access-control-allow-methods`
    AllowMethods,
    /// `access-control-allow-headers`
    AllowHeaders,
    /// `access-control-max-age`
    MaxAge,
    /// `access-control-expose-headers`
    ExposeHeaders,
    /// `access-control-allow-private-network`
    AllowPrivateNetwork,
    /// `vary`
    Vary,
}

impl HeaderName {
    /// The lowercase name, as HTTP/2 and ASGI carry it.
    pub const fn as_str(self) -> &'static str {
        match self {
            HeaderName::AllowOrigin => "access-control-allow-origin",
            HeaderName::AllowCredentials => "access-control-allow-credentials",
            HeaderName::AllowMethods => "access-control-allow-methods",
            HeaderName::AllowHeaders => "access-control-allow-headers",
            HeaderName::MaxAge => "access-control-max-age",
            HeaderName::ExposeHeaders => "access-control-expose-headers",
            HeaderName::AllowPrivateNetwork => "access-control-allow-private-network",
            HeaderName::Vary => "vary",
        }
    }

    /// The conventional capitalisation, for display.
    pub const fn canonical(self) -> &'static str {
        match self {
            HeaderName::AllowOrigin => "Access-Control-Allow-Origin",
            HeaderName::AllowCredentials => "Access-Control-Allow-Credentials",
            HeaderName::AllowMethods => "Access-Control-Allow-Methods",
            HeaderName::AllowHeaders => "Access-Control-Allow-Headers",
            HeaderName::MaxAge => "Access-Control-Max-Age",
            HeaderName::ExposeHeaders => "Access-Control-Expose-Headers",
            HeaderName::AllowPrivateNetwork => "Access-Control-Allow-Private-Network",
            HeaderName::Vary => "Vary",
        }
    }
}

/// A header value owned by the compiled policy.
///
/// Every byte of it is valid in a header field value: the engine refuses,
/// at build time, any configuration that would put a control byte or a
/// non-token character into a response header.
#[derive(Clone, PartialEq, Eq)]
pub struct PolicyValue {
    id: u16,
    bytes: Bytes,
    #[cfg(feature = "http")]
    http: ::http::HeaderValue,
}

impl PolicyValue {
    /// `None` if `bytes` cannot be sent in a header field (checked again
    /// here, whatever the configuration checks found).
    pub(crate) fn new(id: u16, bytes: Bytes) -> Option<PolicyValue> {
        if !bytes
            .iter()
            .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
        {
            return None;
        }
        Some(PolicyValue {
            id,
            #[cfg(feature = "http")]
            http: ::http::HeaderValue::from_maybe_shared(bytes.clone()).ok()?,
            bytes,
        })
    }

    /// The position of this value in [`Cors::policy_values`](crate::Cors::policy_values).
    pub fn id(&self) -> u16 {
        self.id
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, shared (a reference-count increment).
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The value as an `http` header value, shared (feature `http`).
    #[cfg(feature = "http")]
    pub fn header_value(&self) -> &::http::HeaderValue {
        &self.http
    }
}

impl fmt::Debug for PolicyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PolicyValue({}: {:?})",
            self.id,
            String::from_utf8_lossy(&self.bytes)
        )
    }
}

/// A response header value and where it comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A value of the compiled policy.
    Policy(&'a PolicyValue),
    /// The request's first `Origin` field, reflected as sent.
    Origin(&'a [u8]),
    /// The request's first `Access-Control-Request-Method` field, mirrored.
    RequestMethod(&'a [u8]),
    /// The `index`-th `Access-Control-Request-Headers` field (0-based, in
    /// request order), mirrored whole.
    RequestHeaders {
        /// Which field.
        index: u32,
        /// Its bytes.
        value: &'a [u8],
    },
}

impl<'a> Value<'a> {
    /// The bytes to send.
    pub fn as_bytes(&self) -> &'a [u8] {
        match *self {
            Value::Policy(p) => p.as_bytes(),
            Value::Origin(v) | Value::RequestMethod(v) | Value::RequestHeaders { value: v, .. } => {
                v
            }
        }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(self.as_bytes());
        match self {
            Value::Policy(p) => write!(f, "Policy({}: {text:?})", p.id),
            Value::Origin(_) => write!(f, "Origin({text:?})"),
            Value::RequestMethod(_) => write!(f, "RequestMethod({text:?})"),
            Value::RequestHeaders { index, .. } => write!(f, "RequestHeaders[{index}]({text:?})"),
        }
    }
}
