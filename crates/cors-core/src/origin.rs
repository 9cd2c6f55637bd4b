//! Parsing origins: the `Origin` request header and configured origins.
//!
//! A browser sends a *serialized origin* (`scheme "://" host [":" port]`,
//! lowercase, no default port, no path) or the opaque `null`. Anything else
//! in an `Origin` header was not produced by a conforming browser, so it is
//! never allowed and never reflected; [`parse_request_origin`] says why in a
//! [`MalformedOrigin`] without allocating.
//!
//! Configured origins are looser: people write `https://Example.com:443/`.
//! [`parse_configured_origin`] normalises what can be normalised (with a
//! warning) and rejects what can never match (with an error that names the
//! field, the value and a fix). Its scheme, host and port steps are the ones
//! origin patterns use too (the crate's `authority` module), so the same
//! mistake gets the same error in `allow_origins` and
//! `allow_origin_patterns`.

use std::fmt;
use std::net::Ipv6Addr;

use crate::authority::{self, is_label_byte};
use crate::error::{ConfigError, Warning};

/// Longest `Origin` value we look at. Real origins are far shorter; the cap
/// bounds the work an attacker can ask for.
pub const MAX_ORIGIN_LEN: usize = 2048;

/// A well-formed request origin, borrowed from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginRef<'a> {
    /// The whole value, e.g. `https://api.example.com:8443`.
    pub serialized: &'a str,
    /// `https`.
    pub scheme: &'a str,
    /// `api.example.com`, `127.0.0.1` or `[::1]` (brackets kept).
    pub host: &'a str,
    /// The explicit port, if any (never the scheme's default).
    pub port: Option<u16>,
}

/// The parsed `Origin` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOrigin<'a> {
    /// The opaque origin `null` (sandboxed iframes, `file:` pages, redirects).
    Null,
    /// A tuple origin.
    Tuple(OriginRef<'a>),
}

impl<'a> RequestOrigin<'a> {
    /// The header value as sent.
    pub fn as_str(&self) -> &'a str {
        match self {
            RequestOrigin::Null => "null",
            RequestOrigin::Tuple(o) => o.serialized,
        }
    }
}

/// Why an `Origin` value is not a serialized origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedOrigin {
    /// Empty value.
    Empty,
    /// Longer than [`MAX_ORIGIN_LEN`].
    TooLong,
    /// Not UTF-8, or bytes outside printable ASCII (controls, spaces, non-ASCII).
    InvalidByte,
    /// No `://` after a scheme.
    MissingScheme,
    /// Uppercase letters (browsers always serialize lowercase).
    Uppercase,
    /// A path, trailing slash, query or fragment.
    HasPath,
    /// `user@` before the host.
    HasUserinfo,
    /// Empty host, empty label, or characters not allowed in a host.
    InvalidHost,
    /// Non-numeric, zero-padded, or out-of-range port.
    InvalidPort,
    /// The scheme's default port written out (`https://a.com:443`).
    DefaultPort,
    /// Several values (a comma, or several `Origin` fields).
    Multiple,
}

impl MalformedOrigin {
    /// A short description used in decision reasons.
    pub fn as_str(self) -> &'static str {
        match self {
            MalformedOrigin::Empty => "Origin is empty",
            MalformedOrigin::TooLong => "Origin is too long",
            MalformedOrigin::InvalidByte => "Origin contains a byte that is not printable ASCII",
            MalformedOrigin::MissingScheme => "Origin has no scheme",
            MalformedOrigin::Uppercase => "Origin contains uppercase letters",
            MalformedOrigin::HasPath => "Origin has a path, query or fragment",
            MalformedOrigin::HasUserinfo => "Origin has userinfo",
            MalformedOrigin::InvalidHost => "Origin has an invalid host",
            MalformedOrigin::InvalidPort => "Origin has an invalid port",
            MalformedOrigin::DefaultPort => "Origin spells out the default port",
            MalformedOrigin::Multiple => "several Origin values",
        }
    }
}

impl fmt::Display for MalformedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The default port of a scheme, if it has one.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// Parses an `Origin` header value. Never allocates.
///
/// ```
/// use fastcors_core::origin::{parse_request_origin, RequestOrigin, MalformedOrigin};
/// let RequestOrigin::Tuple(o) = parse_request_origin(b"https://a.example:8443").unwrap() else { panic!() };
/// assert_eq!((o.scheme, o.host, o.port), ("https", "a.example", Some(8443)));
/// assert_eq!(parse_request_origin(b"null"), Ok(RequestOrigin::Null));
/// assert_eq!(parse_request_origin(b"https://a.example/"), Err(MalformedOrigin::HasPath));
/// ```
pub fn parse_request_origin(raw: &[u8]) -> Result<RequestOrigin<'_>, MalformedOrigin> {
    if raw.is_empty() {
        return Err(MalformedOrigin::Empty);
    }
    if raw.len() > MAX_ORIGIN_LEN {
        return Err(MalformedOrigin::TooLong);
    }
    // Fast path: what browsers send, `scheme://host[:port]` in lowercase,
    // checked in one pass over the authority. Anything else, or anything
    // wrong, goes through the full classification below, which names the
    // first problem precisely; on success both agree by construction.
    if let Some(fast) = parse_plain(raw) {
        return Ok(fast);
    }
    parse_general(raw)
}

/// Every input, every error named: the reference for [`parse_plain`].
fn parse_general(raw: &[u8]) -> Result<RequestOrigin<'_>, MalformedOrigin> {
    // One pass over the bytes with a class table: printable ASCII only, no
    // comma, no uppercase (the first offending byte decides the error).
    for &b in raw {
        match BYTE_CLASS[b as usize] {
            PLAIN => {}
            COMMA => return Err(MalformedOrigin::Multiple),
            UPPER => return Err(MalformedOrigin::Uppercase),
            _ => return Err(MalformedOrigin::InvalidByte),
        }
    }
    // All bytes are printable ASCII, so this cannot fail; no unsafe needed.
    let s = std::str::from_utf8(raw).map_err(|_| MalformedOrigin::InvalidByte)?;
    if s == "null" {
        return Ok(RequestOrigin::Null);
    }
    let (scheme, rest) = split_scheme(s).ok_or(MalformedOrigin::MissingScheme)?;
    let (host, port) = match split_plain_authority(rest) {
        Some(r) => r?,
        None => split_authority(rest)?,
    };
    if let Some(p) = port {
        if default_port(scheme) == Some(p) {
            return Err(MalformedOrigin::DefaultPort);
        }
    }
    Ok(RequestOrigin::Tuple(OriginRef {
        serialized: s,
        scheme,
        host,
        port,
    }))
}

/// The well-formed common case of [`parse_request_origin`], or `None`.
fn parse_plain(raw: &[u8]) -> Option<RequestOrigin<'_>> {
    // The scheme: lowercase letters up to "://" (http, https, extensions).
    let colon = raw
        .iter()
        .position(|&b| !b.is_ascii_lowercase() && b != b'-')?;
    if !raw[0].is_ascii_lowercase() || raw.get(colon..colon + 3) != Some(b"://") {
        return None;
    }
    let s = std::str::from_utf8(raw).ok()?;
    let scheme = &s[..colon];
    let (host, port) = split_plain_authority(&s[colon + 3..])?.ok()?;
    if port.is_some() && port == default_port(scheme) {
        return None;
    }
    Some(RequestOrigin::Tuple(OriginRef {
        serialized: s,
        scheme,
        host,
        port,
    }))
}

const LABEL: u8 = 0;
const DOT: u8 = 1;
const COLON: u8 = 2;
const OTHER: u8 = 3;

/// Byte classes of a plain authority: label characters, `.`, `:`, the rest.
static HOST_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            c if is_label_byte(c) => LABEL,
            b'.' => DOT,
            b':' => COLON,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

const PLAIN: u8 = 0;
const COMMA: u8 = 1;
const UPPER: u8 = 2;
const INVALID: u8 = 3;

/// The class of every byte for [`parse_request_origin`]'s first pass.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        t[b] = match b as u8 {
            b',' => COMMA,
            b'A'..=b'Z' => UPPER,
            _ => PLAIN,
        };
        b += 1;
    }
    t
};

/// `host[:port]` of lowercase labels in one pass that validates as it goes;
/// `None` when the authority holds anything else (then [`split_authority`]
/// decides). Agrees with [`split_authority`] wherever it answers (a property
/// test checks it).
fn split_plain_authority(rest: &str) -> Option<Result<(&str, Option<u16>), MalformedOrigin>> {
    let bytes = rest.as_bytes();
    // Label lengths are checked once per label, at its end: the loop itself
    // only classifies bytes through a table.
    let mut label_start = 0usize;
    // An empty or over-long label is an error, but only once the whole value
    // is known to be plain: a `/` or `@` later on is the more precise error.
    let mut bad_label = false;
    let mut host_end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match HOST_CLASS[b as usize] {
            LABEL => {}
            DOT => {
                let len = i - label_start;
                bad_label |= len == 0 || len > 63;
                label_start = i + 1;
            }
            COLON => {
                host_end = i;
                break;
            }
            _ => return None,
        }
    }
    let last = host_end - label_start.min(host_end);
    bad_label |= last == 0 || last > 63;
    let port = bytes.get(host_end + 1..).unwrap_or_default();
    if !port.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bad_label || host_end > 255 {
        return Some(Err(MalformedOrigin::InvalidHost));
    }
    let host = &rest[..host_end];
    if host_end == bytes.len() {
        return Some(Ok((host, None)));
    }
    Some(
        parse_port(&rest[host_end + 1..])
            .map(|p| (host, Some(p)))
            .ok_or(MalformedOrigin::InvalidPort),
    )
}

/// `scheme://rest` with a syntactically valid (lowercase) scheme.
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    // The scheme ends at the first ':', which must start "://" (a scheme has
    // no ':' or '/', so this finds the same split as searching for "://").
    let idx = s.bytes().position(|b| b == b':')?;
    if s.as_bytes().get(idx + 1..idx + 3) != Some(b"//") {
        return None;
    }
    let scheme = &s[..idx];
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    if !bytes
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        return None;
    }
    Some((scheme, &s[idx + 3..]))
}

/// Splits `host[:port]` and validates both, for a lowercase ASCII authority.
fn split_authority(rest: &str) -> Result<(&str, Option<u16>), MalformedOrigin> {
    if rest
        .bytes()
        .any(|b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
    {
        return Err(MalformedOrigin::HasPath);
    }
    if rest.contains('@') {
        return Err(MalformedOrigin::HasUserinfo);
    }
    let (host, port_str) = if rest.starts_with('[') {
        let end = rest.find(']').ok_or(MalformedOrigin::InvalidHost)?;
        let host = &rest[..=end];
        let after = &rest[end + 1..];
        match after.strip_prefix(':') {
            Some(p) => (host, Some(p)),
            None if after.is_empty() => (host, None),
            None => return Err(MalformedOrigin::InvalidHost),
        }
    } else {
        match rest.rfind(':') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        }
    };
    validate_host(host)?;
    let port = match port_str {
        None => None,
        Some(p) => Some(parse_port(p).ok_or(MalformedOrigin::InvalidPort)?),
    };
    Ok((host, port))
}

/// A canonical decimal port: 1 to 5 digits, no leading zero, at most 65535.
fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if p.len() > 1 && p.starts_with('0') {
        return None;
    }
    // Port 0 cannot be connected to, so no page has it in its origin.
    p.parse::<u16>().ok().filter(|n| *n != 0)
}

/// A lowercase host: a bracketed canonical IPv6 address, or dot-separated
/// labels of `[a-z0-9_-]` (IPv4 addresses and punycode included).
fn validate_host(host: &str) -> Result<(), MalformedOrigin> {
    if host.is_empty() || host.len() > 253 + 2 {
        return Err(MalformedOrigin::InvalidHost);
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        // Browsers serialize IPv6 in its canonical compressed form; anything
        // else (zone ids, uppercase, expanded zeros) was not sent by one.
        let addr: Ipv6Addr = inner.parse().map_err(|_| MalformedOrigin::InvalidHost)?;
        return if ipv6_is_canonical(inner, &addr) {
            Ok(())
        } else {
            Err(MalformedOrigin::InvalidHost)
        };
    }
    for label in host.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(MalformedOrigin::InvalidHost);
        }
        if !label.bytes().all(is_label_byte) {
            return Err(MalformedOrigin::InvalidHost);
        }
    }
    Ok(())
}

/// Whether `text` is exactly how `addr` is serialized (without allocating).
fn ipv6_is_canonical(text: &str, addr: &Ipv6Addr) -> bool {
    use std::fmt::Write;
    // 39 bytes is the longest IPv6 text form; a fixed buffer avoids the heap.
    struct Buf {
        data: [u8; 48],
        len: usize,
    }
    impl Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len + s.len();
            if end > self.data.len() {
                return Err(fmt::Error);
            }
            self.data[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let mut buf = Buf {
        data: [0; 48],
        len: 0,
    };
    write!(buf, "{addr}").is_ok() && &buf.data[..buf.len] == text.as_bytes()
}

/// Schemes accepted in configured origins besides `http` and `https`:
/// browser extensions and the usual hybrid-app shells.
pub const EXTRA_SCHEMES: &[&str] = &[
    "chrome-extension",
    "moz-extension",
    "safari-web-extension",
    "capacitor",
    "ionic",
    "tauri",
    "app",
];

/// A configured origin in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConfiguredOrigin {
    /// The canonical serialization, what a browser would send.
    pub serialized: String,
    /// Length of the scheme within `serialized`.
    scheme_len: usize,
    /// Byte range of the host within `serialized`.
    host_start: usize,
    host_end: usize,
    /// The explicit port, if any.
    pub port: Option<u16>,
}

impl ConfiguredOrigin {
    /// `https`.
    pub fn scheme(&self) -> &str {
        &self.serialized[..self.scheme_len]
    }
    /// `api.example.com`.
    pub fn host(&self) -> &str {
        &self.serialized[self.host_start..self.host_end]
    }
}

/// The outcome of parsing one configured origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedConfigOrigin {
    /// `null`.
    Null,
    /// A tuple origin in canonical form.
    Tuple(ConfiguredOrigin),
}

/// Parses a configured origin, normalising case, default ports and IPv6 text.
///
/// `field` is used in the error and warnings (e.g. `allow_origins[1]`).
///
/// ```
/// use fastcors_core::origin::{parse_configured_origin, ParsedConfigOrigin};
/// let mut warnings = Vec::new();
/// let ParsedConfigOrigin::Tuple(o) =
///     parse_configured_origin("allow_origins[0]", "HTTPS://Example.com:443", &mut warnings).unwrap()
/// else { panic!() };
/// assert_eq!(o.serialized, "https://example.com");
/// assert_eq!(warnings.len(), 2);
/// let err = parse_configured_origin("allow_origins[0]", "https://example.com/", &mut warnings).unwrap_err();
/// assert_eq!(err.field, "allow_origins[0]");
/// ```
pub fn parse_configured_origin(
    field: &str,
    value: &str,
    warnings: &mut Vec<Warning>,
) -> Result<ParsedConfigOrigin, ConfigError> {
    parse_configured(field, value, warnings)
        .map_err(|e| e.with_kind(crate::ConfigErrorKind::InvalidOrigin))
}

fn parse_configured(
    field: &str,
    value: &str,
    warnings: &mut Vec<Warning>,
) -> Result<ParsedConfigOrigin, ConfigError> {
    let err = |message: &str, hint: &str| ConfigError::new(field, value, message, hint);
    if value == "null" {
        return Ok(ParsedConfigOrigin::Null);
    }
    if value == "*" {
        return Err(err(
            "\"*\" cannot be mixed with a list of origins",
            "use allow_origins = [\"*\"] alone to allow every origin, or list the origins",
        ));
    }
    authority::not_blank(field, value)?;
    if value.contains('*') {
        return Err(err(
            "wildcards are not allowed in exact origins",
            "move it to allow_origin_patterns, e.g. \"https://*.example.com\"",
        ));
    }
    let (scheme, rest) = authority::scheme(field, value)?;
    let (host, port) = authority::split_authority(field, value, rest)?;
    let host = authority::host(field, value, host)?.text;
    let mut port = port.map(|p| authority::port(field, value, p)).transpose()?;
    let spelled_default = port.filter(|p| default_port(&scheme) == Some(*p));
    if spelled_default.is_some() {
        port = None;
    }
    let mut serialized = format!("{scheme}://{host}");
    if let Some(n) = port {
        serialized.push_str(&format!(":{n}"));
    }
    if let Some(n) = spelled_default {
        let w = authority::default_port_warning(field, value, &scheme, n, &serialized);
        warnings.push(w);
    }
    warnings.extend(authority::uppercase_warning(field, value, &serialized));
    let scheme_len = scheme.len();
    let host_start = scheme_len + 3;
    Ok(ParsedConfigOrigin::Tuple(ConfiguredOrigin {
        host_end: host_start + host.len(),
        serialized,
        scheme_len,
        host_start,
        port,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> OriginRef<'_> {
        match parse_request_origin(raw.as_bytes()) {
            Ok(RequestOrigin::Tuple(o)) => o,
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn request_origins_that_browsers_send() {
        let o = ok("https://example.com");
        assert_eq!((o.scheme, o.host, o.port), ("https", "example.com", None));
        assert_eq!(ok("http://localhost:3000").port, Some(3000));
        assert_eq!(ok("http://127.0.0.1:8080").host, "127.0.0.1");
        assert_eq!(ok("http://[::1]:8080").host, "[::1]");
        assert_eq!(
            ok("https://xn--bcher-kva.example").host,
            "xn--bcher-kva.example"
        );
        assert_eq!(
            ok("chrome-extension://abcdefghijklmnop").scheme,
            "chrome-extension"
        );
        assert_eq!(ok("https://a_b.example.com").host, "a_b.example.com");
    }

    #[test]
    fn request_origins_that_browsers_never_send() {
        use MalformedOrigin::*;
        let cases: &[(&[u8], MalformedOrigin)] = &[
            (b"", Empty),
            (b"https://example.com/", HasPath),
            (b"https://example.com/path", HasPath),
            (b"https://example.com?q", HasPath),
            (b"https://example.com#f", HasPath),
            (b"https://user@example.com", HasUserinfo),
            (b"https://Example.com", Uppercase),
            (b"HTTPS://example.com", Uppercase),
            (b"https://example.com:443", DefaultPort),
            (b"http://example.com:80", DefaultPort),
            (b"https://example.com:0443", InvalidPort),
            (b"https://example.com:99999", InvalidPort),
            (b"https://example.com:", InvalidPort),
            (b"https://example.com, https://b.com", Multiple),
            (b" https://example.com", InvalidByte),
            (b"https://exa mple.com", InvalidByte),
            (b"https://example.com\x0b", InvalidByte),
            (b"https://\xffexample.com", InvalidByte),
            (b"example.com", MissingScheme),
            (b"://example.com", MissingScheme),
            (b"https://", InvalidHost),
            (b"https://a..b", InvalidHost),
            (b"https://.example.com", InvalidHost),
            (b"https://example.com.", InvalidHost),
            (b"https://exa\"mple.com", InvalidHost),
            (b"http://[0:0:0:0:0:0:0:1]", InvalidHost),
            (b"http://[::1", InvalidHost),
            (b"nul", MissingScheme),
        ];
        for (raw, want) in cases {
            assert_eq!(
                parse_request_origin(raw),
                Err(*want),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
        let long = format!("https://{}.com", "a".repeat(MAX_ORIGIN_LEN));
        assert_eq!(parse_request_origin(long.as_bytes()), Err(TooLong));
    }

    fn conf(v: &str) -> (Result<ParsedConfigOrigin, ConfigError>, Vec<Warning>) {
        let mut w = Vec::new();
        (parse_configured_origin("allow_origins[0]", v, &mut w), w)
    }

    #[test]
    fn configured_origins_are_normalised_with_a_warning() {
        for (input, want, nwarn) in [
            ("https://example.com", "https://example.com", 0),
            ("HTTPS://EXAMPLE.com", "https://example.com", 1),
            ("https://example.com:443", "https://example.com", 1),
            ("http://example.com:80", "http://example.com", 1),
            ("http://localhost:3000", "http://localhost:3000", 0),
            ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080", 0),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000", 0),
        ] {
            let (r, w) = conf(input);
            match r {
                Ok(ParsedConfigOrigin::Tuple(o)) => {
                    assert_eq!(o.serialized, want, "{input}");
                    // The canonical form is exactly what a browser sends.
                    assert_eq!(ok(&o.serialized).serialized, o.serialized);
                    assert_eq!(o.host(), ok(&o.serialized).host);
                    assert_eq!(o.scheme(), ok(&o.serialized).scheme);
                }
                other => panic!("{input}: {other:?}"),
            }
            assert_eq!(w.len(), nwarn, "{input}: {w:?}");
        }
    }

    #[test]
    fn configured_origin_errors_name_field_value_and_fix() {
        for (input, needle) in [
            ("example.com", "missing scheme"),
            ("https://example.com/", "can never match"),
            ("https://example.com/api", "can never match"),
            ("https://example.com?x", "can never match"),
            ("ftp://example.com", "unsupported scheme"),
            ("*", "cannot be mixed"),
            ("https://*.example.com", "wildcards"),
            (" https://example.com", "whitespace"),
            ("https://bücher.example", "punycode"),
            ("https://example.com:70000", "invalid port"),
            ("https://user@example.com", "userinfo"),
        ] {
            let (r, _) = conf(input);
            let e = r.expect_err(input);
            assert!(e.message.contains(needle), "{input}: {e}");
            assert_eq!(e.field, "allow_origins[0]");
            assert_eq!(e.value, input);
            assert!(!e.hint.is_empty());
        }
    }

    proptest::proptest! {
        /// The fast path agrees with the general one on plain authorities.
        #[test]
        fn plain_authority_fast_path_agrees(rest in "[a-z0-9._:/@\\[\\]-]{0,40}") {
            if let Some(fast) = split_plain_authority(&rest) {
                proptest::prop_assert_eq!(fast, split_authority(&rest));
            }
        }

        /// Wherever the fast path answers, the general parser agrees.
        #[test]
        fn fast_path_agrees_with_the_general_parser(raw in "(https?|ws|chrome-extension|-x|a1)://[a-z0-9._:/@-]{0,30}") {
            if let Some(fast) = parse_plain(raw.as_bytes()) {
                proptest::prop_assert_eq!(Ok(fast), parse_general(raw.as_bytes()));
            }
        }

        /// Arbitrary printable values: parsing never panics, and accepted
        /// values are exactly what a browser serializes.
        #[test]
        fn accepted_origins_are_canonical(raw in "[ -~]{0,40}") {
            if let Ok(RequestOrigin::Tuple(o)) = parse_request_origin(raw.as_bytes()) {
                let port = o.port.map(|p| format!(":{p}")).unwrap_or_default();
                proptest::prop_assert_eq!(format!("{}://{}{}", o.scheme, o.host, port), raw);
            }
        }
    }

    #[test]
    fn null_is_its_own_case() {
        assert_eq!(parse_request_origin(b"null"), Ok(RequestOrigin::Null));
        assert_eq!(conf("null").0, Ok(ParsedConfigOrigin::Null));
    }
}
