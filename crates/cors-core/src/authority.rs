//! The parts of a configured origin, parsed and checked once.
//!
//! An exact origin (`allow_origins`) and a pattern (`allow_origin_patterns`)
//! are written the same way, `scheme "://" host [":" port]`, and the same
//! mistakes are possible in both. This module holds the steps they share, so
//! that a mistake gets the same error, word for word, wherever it is made:
//!
//! 1. [`not_blank`]: no empty value, no surrounding whitespace.
//! 2. [`scheme`]: a scheme before `://`, one browsers send in `Origin`.
//! 3. [`split_authority`]: no path, query, fragment, `\` or userinfo; the
//!    host and the text after its `:` (the port, not yet checked).
//! 4. [`host`]: a DNS name (labels of `[a-z0-9_-]`, internationalised names
//!    in punycode), an IPv4 address in dotted decimal, or a bracketed IPv6
//!    address (normalised to its canonical text). Lowercased.
//! 5. [`port`]: ASCII digits, 1 to 65535 (zero padding is tolerated and
//!    dropped); no sign, space or other digits.
//!
//! What only a pattern has (a leading `*.` label, `:*` and `:[8080,8081]`
//! ports, the public-suffix rule) lives in [`crate::pattern`], built on these
//! steps; [`crate::origin::parse_configured_origin`] is these steps alone.
//!
//! Every error names the field and the value as written, and its hint is a
//! concrete fix: wherever possible the value with the faulty part corrected.
//!
//! The request side ([`crate::origin::parse_request_origin`]) is stricter
//! (only what a browser serializes) and allocation-free, so it keeps its own
//! code; it shares the one rule of which bytes a host label may contain,
//! [`is_label_byte`].

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::{ConfigError, Warning, WarningKind};
use crate::origin::EXTRA_SCHEMES;

/// Longest DNS name, without a trailing dot.
pub(crate) const MAX_NAME_LEN: usize = 253;

/// Whether `b` may appear in a (lowercase) host label: letters, digits, `-`
/// and `_` (seen in real hostnames, and sent by browsers).
pub(crate) const fn is_label_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_')
}

/// What kind of host [`host`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKind {
    /// A DNS name such as `api.example.com` or `localhost`.
    Name,
    /// A dotted-decimal IPv4 address.
    Ipv4,
    /// A bracketed IPv6 address.
    Ipv6,
}

/// A checked host in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Host {
    /// Lowercase; IPv6 in brackets and in its canonical text (`[::1]`).
    pub text: String,
    pub kind: HostKind,
}

/// `value` with `part` (a subslice of it) replaced by `with`; `with` alone
/// if `part` does not lie within `value`. Used to spell out fixes.
fn replaced(value: &str, part: &str, with: &str) -> String {
    let start = (part.as_ptr() as usize).wrapping_sub(value.as_ptr() as usize);
    let end = start.checked_add(part.len());
    match (value.get(..start), end.and_then(|end| value.get(end..))) {
        (Some(before), Some(after)) => format!("{before}{with}{after}"),
        _ => with.to_string(),
    }
}

/// Refuses an empty value and surrounding whitespace.
pub(crate) fn not_blank(field: &str, value: &str) -> Result<(), ConfigError> {
    let trimmed = value.trim();
    if !value.is_empty() && trimmed == value {
        return Ok(());
    }
    let hint = if trimmed.is_empty() {
        "remove the entry, or write an origin such as \"https://example.com\"".to_string()
    } else {
        format!("write {trimmed:?}")
    };
    Err(ConfigError::new(
        field,
        value,
        "the value cannot be empty or have surrounding whitespace",
        hint,
    ))
}

/// The lowercased scheme (a supported one) and the text after `://`.
pub(crate) fn scheme<'a>(field: &str, value: &'a str) -> Result<(String, &'a str), ConfigError> {
    let err = |message: &str, hint: String| ConfigError::new(field, value, message, hint);
    let Some((raw, rest)) = value.split_once("://") else {
        return Err(err(
            "missing scheme",
            format!("write \"https://{value}\" (or http:// for plain-HTTP development hosts)"),
        ));
    };
    let scheme = raw.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" && !EXTRA_SCHEMES.contains(&scheme.as_str()) {
        return Err(err(
            "unsupported scheme",
            format!(
                "browsers send Origin with http or https (or {}); use one of those",
                EXTRA_SCHEMES.join(", ")
            ),
        ));
    }
    Ok((scheme, rest))
}

/// Splits `rest` (after `://`) into the host and, after a `:`, the port
/// text, both as written. Refuses a path, query, fragment, `\` (URL parsers
/// read it as `/`) and userinfo. Brackets delimit an IPv6 host; otherwise the
/// last `:` starts the port.
pub(crate) fn split_authority<'a>(
    field: &str,
    value: &'a str,
    rest: &'a str,
) -> Result<(&'a str, Option<&'a str>), ConfigError> {
    let err = |message: &str, hint: String| ConfigError::new(field, value, message, hint);
    if let Some(cut) = rest.find(['/', '?', '#', '\\']) {
        let message = if rest[cut..].starts_with('\\') {
            "a '\\' is read as '/', and an origin has no path, query, fragment or trailing slash, so this can never match"
        } else {
            "an origin has no path, query, fragment or trailing slash, so this can never match"
        };
        let end = value.len() - rest.len() + cut;
        return Err(err(message, format!("write {:?}", &value[..end])));
    }
    if rest.contains('@') {
        return Err(err(
            "an origin has no userinfo",
            "remove the part up to and including '@'".into(),
        ));
    }
    if !rest.starts_with('[') {
        return Ok(match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        });
    }
    let Some(end) = rest.find(']') else {
        return Err(err(
            "unterminated IPv6 host",
            "close the bracket: [address], e.g. \"http://[::1]:8080\"".into(),
        ));
    };
    let (host, after) = rest.split_at(end + 1);
    match after.strip_prefix(':') {
        Some(port) => Ok((host, Some(port))),
        None if after.is_empty() => Ok((host, None)),
        None => Err(err(
            "invalid IPv6 host: only a port may follow the ']'",
            "write [address] or [address]:port, e.g. \"http://[::1]:8080\"".into(),
        )),
    }
}

/// Checks and normalises a host as written (`host` is a subslice of `value`).
pub(crate) fn host(field: &str, value: &str, host: &str) -> Result<Host, ConfigError> {
    if host.starts_with('[') {
        return ipv6(field, value, host);
    }
    let name = host.to_ascii_lowercase();
    dns_name(field, value, host, &name)?;
    if !ends_in_number(&name) {
        return Ok(Host {
            text: name,
            kind: HostKind::Name,
        });
    }
    // URL parsers read a host whose last label is a number as IPv4, and turn
    // `127.1` into `127.0.0.1`: only the canonical dotted form can match.
    if name.parse::<Ipv4Addr>().is_err() {
        return Err(ConfigError::new(
            field,
            value,
            "a host ending in a number is read as an IPv4 address, and this is not a valid one",
            "write the address as four decimal numbers, e.g. 127.0.0.1",
        ));
    }
    Ok(Host {
        text: name,
        kind: HostKind::Ipv4,
    })
}

/// `[address]`, normalised to the canonical text browsers send.
fn ipv6(field: &str, value: &str, host: &str) -> Result<Host, ConfigError> {
    let inner = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    let addr = inner
        .map(str::to_ascii_lowercase)
        .and_then(|i| i.parse::<Ipv6Addr>().ok())
        .ok_or_else(|| {
            ConfigError::new(
                field,
                value,
                "invalid IPv6 address",
                "write a valid address, e.g. [::1]",
            )
        })?;
    Ok(Host {
        text: format!("[{addr}]"),
        kind: HostKind::Ipv6,
    })
}

/// Whether the last label is all digits.
fn ends_in_number(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
}

/// Labels of [`is_label_byte`], 1 to 63 bytes each, [`MAX_NAME_LEN`] in
/// total; `raw` is the host as written, `name` the same lowercased.
fn dns_name(field: &str, value: &str, raw: &str, name: &str) -> Result<(), ConfigError> {
    let err = |message: &str, hint: String| ConfigError::new(field, value, message, hint);
    if name.is_empty() {
        let fixed = replaced(value, raw, "example.com");
        return Err(err(
            "empty host",
            format!("write a host after \"://\", e.g. {fixed:?}"),
        ));
    }
    if !name.is_ascii() {
        return Err(err(
            "non-ASCII host; browsers send internationalised names in punycode",
            "write the host in punycode (xn--...), e.g. \"xn--bcher-kva.example\" for bücher.example"
                .into(),
        ));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(err(
            "host is longer than 253 characters",
            "shorten the host".into(),
        ));
    }
    if name.split('.').any(str::is_empty) {
        let labels: Vec<&str> = raw.split('.').filter(|l| !l.is_empty()).collect();
        return Err(err(
            "empty label (two dots in a row, or a leading or trailing dot)",
            format!(
                "remove the extra dot (browsers never send a trailing dot in Origin): write {:?}",
                replaced(value, raw, &labels.join("."))
            ),
        ));
    }
    if name.split('.').any(|l| l.len() > 63) {
        return Err(err(
            "a label is longer than 63 characters",
            "shorten the label".into(),
        ));
    }
    if let Some(bad) = name.bytes().find(|b| *b != b'.' && !is_label_byte(*b)) {
        return Err(err(
            "invalid character in host",
            format!(
                "remove {:?}: a host is dot-separated labels of letters, digits, '-' and '_' (IPv4 or punycode welcome)",
                bad as char
            ),
        ));
    }
    Ok(())
}

/// A port as written (`port` is a subslice of `value`): ASCII digits for a
/// number from 1 to 65535. Leading zeros are dropped (`08080` is 8080).
pub(crate) fn port(field: &str, value: &str, port: &str) -> Result<u16, ConfigError> {
    let err = |message: String, hint: String| ConfigError::new(field, value, message, hint);
    let example = || format!("{:?}", replaced(value, port, "8080"));
    if port.is_empty() {
        return Err(err(
            "invalid port: nothing follows the ':'".into(),
            format!(
                "write the port after the ':', e.g. {}, or remove the ':'",
                example()
            ),
        ));
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        let hint = match ascii_port(port) {
            Some(fixed) => format!("write {:?}", replaced(value, port, &fixed)),
            None => format!("write a number from 1 to 65535, e.g. {}", example()),
        };
        return Err(err(
            format!("invalid port {port:?}: a port is written with the ASCII digits 0-9 only (no sign, space or other character)"),
            hint,
        ));
    }
    let digits = port.trim_start_matches('0');
    match digits.parse::<u16>() {
        Ok(n) if n != 0 => Ok(n),
        _ if digits.is_empty() => Err(err(
            format!("invalid port {port:?}: port 0 cannot be connected to, so no page has it"),
            format!("write the port the site is served on, e.g. {}", example()),
        )),
        _ => Err(err(
            format!("invalid port {port:?}: a port is a number from 1 to 65535"),
            format!("write the port the site is served on, e.g. {}", example()),
        )),
    }
}

/// What a mistyped port probably meant: surrounding spaces and a `+` sign
/// dropped, full-width digits (`８０`) made ASCII; `None` if that is not a
/// valid port either.
fn ascii_port(port: &str) -> Option<String> {
    let body = port.trim();
    let body = body.strip_prefix(['+', '＋']).unwrap_or(body);
    let digits: Option<String> = body
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect();
    let digits = digits?;
    let n = digits.trim_start_matches('0').parse::<u16>().ok()?;
    (n != 0).then(|| n.to_string())
}

/// The warning for a spelled-out default port, dropped while normalising;
/// `canonical` is the value as it now reads.
pub(crate) fn default_port_warning(
    field: &str,
    value: &str,
    scheme: &str,
    port: u16,
    canonical: &str,
) -> Warning {
    Warning::new(
        WarningKind::Normalized,
        field,
        value,
        format!("port {port} is the default for {scheme}; browsers omit it, so it was removed"),
        format!("write {canonical:?}"),
    )
}

/// The warning for uppercase letters, if `value` has any.
pub(crate) fn uppercase_warning(field: &str, value: &str, canonical: &str) -> Option<Warning> {
    value.bytes().any(|b| b.is_ascii_uppercase()).then(|| {
        Warning::new(
            WarningKind::Normalized,
            field,
            value,
            "browsers send origins in lowercase; the value was lowercased",
            format!("write {canonical:?}"),
        )
    })
}
