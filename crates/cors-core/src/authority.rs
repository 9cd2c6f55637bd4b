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
        // Only at the end of the value can the ':' itself go.
        let or_colon = if value.ends_with(':') {
            ", or remove the ':'"
        } else {
            ""
        };
        return Err(err(
            "invalid port: the port is empty".into(),
            format!(
                "write a number from 1 to 65535, e.g. {}{or_colon}",
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

#[cfg(test)]
mod tests {
    use crate::error::{ConfigError, Warning};
    use crate::origin::{parse_configured_origin, ParsedConfigOrigin};
    use crate::pattern::OriginPattern;

    const F: &str = "allow_origins[0]";

    type Parsed = Result<(String, Vec<Warning>), ConfigError>;

    fn exact(v: &str) -> Parsed {
        let mut w = Vec::new();
        match parse_configured_origin(F, v, &mut w)? {
            ParsedConfigOrigin::Tuple(o) => Ok((o.serialized, w)),
            ParsedConfigOrigin::Null => Ok(("null".into(), w)),
        }
    }

    fn pattern(v: &str) -> Parsed {
        let mut w = Vec::new();
        OriginPattern::parse(F, v, false, &mut w).map(|p| (p.to_string(), w))
    }

    /// The error for `v`, checked to name the field and the value.
    fn error(parse: fn(&str) -> Parsed, v: &str) -> ConfigError {
        let e = parse(v).expect_err(v);
        assert_eq!((e.field.as_str(), e.value.as_str()), (F, v));
        assert!(!e.hint.is_empty(), "{v}: no fix");
        e
    }

    /// Name hosts only: the pattern is the origin with `*.` before the host.
    fn starred(v: &str) -> String {
        v.replacen("://", "://*.", 1)
    }

    #[test]
    fn the_same_mistake_gets_the_same_message() {
        let mut pairs: Vec<(String, String)> = [
            "example.com",
            "ftp://a.example",
            "https://a.example/",
            "https://a.example/x?y",
            "https://a.example#f",
            "https://a.example\\x",
            "https://u@a.example",
            "https://a..example",
            "https://a.example.",
            "https://exa$mple.com",
            "https://a:b.example",
            "https://bücher.example",
            "https://a.example:",
            "https://a.example:+8080",
            "https://a.example:0",
            "https://a.example:70000",
            "https://a.example:8o",
        ]
        .iter()
        .map(|v| (v.to_string(), starred(v)))
        .collect();
        pairs.push(("https://".into(), "https://*.".into()));
        let long_label = "a".repeat(64);
        pairs.push((
            format!("https://{long_label}.com"),
            format!("https://*.{long_label}.com"),
        ));
        let long_name = "a.".repeat(126) + "com";
        pairs.push((
            format!("https://{long_name}"),
            format!("https://*.{long_name}"),
        ));
        // IP hosts take no `*.`; `:*` makes the pattern a pattern instead.
        for v in [
            "http://127.1",
            "http://1.2.3.256",
            "http://[::1",
            "http://[::1]x",
            "http://[::g]",
            "http://[fe80::1%25eth0]",
        ] {
            pairs.push((v.into(), format!("{v}:*")));
        }
        for (e, p) in &pairs {
            let (ee, pe) = (error(exact, e), error(pattern, p));
            assert_eq!(ee.message, pe.message, "{e} / {p}");
            // The fix is the same, spelled for the value it fixes.
            let hint = pe.hint.replace("*.", "").replace(":*", "");
            assert_eq!(ee.hint, hint, "{e} / {p}");
        }
    }

    #[test]
    fn bad_ports_are_errors_with_a_fix() {
        // (port as written, the fixed value's port if there is an obvious one)
        let cases = [
            ("+8080", Some("8080")),
            (" 8080", Some("8080")),
            ("８０８０", Some("8080")),
            ("８０", Some("80")),
            ("-1", None),
            ("", None),
            ("0", None),
            ("00", None),
            ("65536", None),
            ("99999999999", None),
            ("80a", None),
            ("0x50", None),
            ("1e3", None),
            ("٨٠", None),
        ];
        for (port, fixed) in cases {
            let e = error(exact, &format!("https://a.example:{port}"));
            let p = error(pattern, &format!("https://*.a.example:{port}"));
            assert!(e.message.starts_with("invalid port"), "{port:?}: {e}");
            assert_eq!(e.message, p.message, "{port:?}");
            let want = fixed.unwrap_or("8080");
            let fixed_exact = format!("\"https://a.example:{want}\"");
            assert!(e.hint.contains(&fixed_exact), "{port:?}: {e}");
            let fixed_pattern = format!("\"https://*.a.example:{want}\"");
            assert!(p.hint.contains(&fixed_pattern), "{port:?}: {p}");
            // In a list, spaces around an item are fine; the rest is not.
            if !port.starts_with(' ') && !port.is_empty() {
                let l = error(pattern, &format!("https://*.a.example:[8081,{port}]"));
                assert_eq!(l.message, e.message, "{port:?} in a list");
                assert!(l.hint.contains(&format!("[8081,{want}]")), "{port:?}: {l}");
            }
        }
        // Zero padding is not a trap: it is dropped, as before.
        let padded = exact("https://a.example:08080").unwrap().0;
        assert_eq!(padded, "https://a.example:8080");
        let padded = pattern("https://*.a.example:[08080, 8081]").unwrap().0;
        assert_eq!(padded, "https://*.a.example:[8080,8081]");
    }

    #[test]
    fn a_backslash_is_refused_in_both() {
        for (v, fixed) in [
            ("https://a.example\\", "https://a.example"),
            ("https://a.example\\path", "https://a.example"),
            ("https://a.example:8080\\", "https://a.example:8080"),
            ("https://a.example\\@evil.example", "https://a.example"),
        ] {
            let (e, p) = (error(exact, v), error(pattern, &starred(v)));
            assert!(e.message.contains("'\\' is read as '/'"), "{v}: {e}");
            assert_eq!(e.message, p.message);
            assert_eq!(e.hint, format!("write {fixed:?}"));
            assert_eq!(p.hint, format!("write {:?}", starred(fixed)));
        }
    }

    #[test]
    fn good_inputs_normalise_identically() {
        for (input, want, nwarn) in [
            ("https://A.Example:443", "https://a.example", 2),
            ("HTTP://a.example:80", "http://a.example", 2),
            ("https://a.example:08443", "https://a.example:8443", 0),
            ("https://a.example:1", "https://a.example:1", 0),
            ("https://a_b.example:65535", "https://a_b.example:65535", 0),
            ("http://localhost:3000", "http://localhost:3000", 0),
            (
                "https://xn--bcher-kva.example",
                "https://xn--bcher-kva.example",
                0,
            ),
            ("Capacitor://LocalHost", "capacitor://localhost", 1),
            (
                "chrome-extension://abcdefghijklmnop",
                "chrome-extension://abcdefghijklmnop",
                0,
            ),
        ] {
            let (e, ew) = exact(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            let (p, pw) = pattern(&starred(input)).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(e, want, "{input}");
            assert_eq!(p, starred(want), "{input}");
            let messages = |w: &[Warning]| w.iter().map(|w| w.message.clone()).collect::<Vec<_>>();
            assert_eq!(messages(&ew), messages(&pw), "{input}");
            assert_eq!(ew.len(), nwarn, "{input}: {ew:?}");
            // Each warning's fix is the canonical form.
            for (ew, pw) in ew.iter().zip(&pw) {
                assert_eq!(ew.hint, format!("write {want:?}"));
                assert_eq!(pw.hint, format!("write {:?}", starred(want)));
            }
        }
        for (host, want) in [
            ("127.0.0.1", "127.0.0.1"),
            ("[::1]", "[::1]"),
            ("[0:0:0:0:0:0:0:1]", "[::1]"),
            ("[2001:DB8::1]", "[2001:db8::1]"),
        ] {
            let (e, _) = exact(&format!("http://{host}:8080")).unwrap();
            let (p, _) = pattern(&format!("http://{host}:*")).unwrap();
            assert_eq!(e, format!("http://{want}:8080"));
            assert_eq!(p, format!("http://{want}:*"));
        }
    }

    #[test]
    fn fixes_are_spelled_on_the_value() {
        use super::replaced;
        let v = "https://a.example:+1";
        assert_eq!(replaced(v, &v[18..], "1"), "https://a.example:1");
        assert_eq!(replaced(v, &v[v.len()..], "x"), "https://a.example:+1x");
        // Not a part of the value: the replacement alone, no panic.
        assert_eq!(replaced(v, "elsewhere", "x"), "x");
    }
}
