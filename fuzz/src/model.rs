//! The reference model of the standard preset.
//!
//! Written from the specification of the standard preset (SECURITY.md, the
//! Fetch standard), not from fastcors-core's code: plain string comparisons, no
//! index, no trie, no precomputation.

use std::net::Ipv6Addr;

use fastcors_core::{Decision, HeaderName};

use crate::gen::{methods_list, pick, HEADER_NAMES};
use crate::{FConfig, FOrigin, Req};

pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// `(scheme, host, port)` if `raw` is a serialized origin as a browser sends
/// it: lowercase `scheme://host[:port]`, no path, no userinfo, no default
/// port, host of `[a-z0-9_-]` labels or a canonical bracketed IPv6 address.
pub fn model_parse(raw: &[u8]) -> Option<(String, String, Option<u16>)> {
    if raw.len() > 2048 {
        return None;
    }
    let s = std::str::from_utf8(raw).ok()?;
    let (scheme, rest) = s.split_once("://")?;
    let mut sc = scheme.chars();
    if !sc.next()?.is_ascii_lowercase()
        || !sc.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
    {
        return None;
    }
    let (host, port) = if rest.starts_with('[') {
        let end = rest.find(']')?;
        let inner = &rest[1..end];
        let addr: Ipv6Addr = inner.parse().ok()?;
        if addr.to_string() != inner {
            return None;
        }
        let after = &rest[end + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (&rest[..=end], port)
    } else {
        let (h, p) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        };
        if h.is_empty() || h.len() > 255 {
            return None;
        }
        for label in h.split('.') {
            if label.is_empty()
                || label.len() > 63
                || !label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return None;
            }
        }
        (h, p)
    };
    let port = match port {
        None => None,
        Some(p) => {
            if p.is_empty()
                || p.len() > 5
                || !p.bytes().all(|b| b.is_ascii_digit())
                || (p.len() > 1 && p.starts_with('0'))
            {
                return None;
            }
            let n: u32 = p.parse().ok()?;
            if n == 0 || n > 65535 || default_port(scheme) == Some(n as u16) {
                return None;
            }
            Some(n as u16)
        }
    };
    Some((scheme.to_string(), host.to_string(), port))
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// What the standard preset must do with a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Expect {
    /// No Origin: call the application, add nothing.
    NotCors,
    /// 403 without calling the application.
    Reject,
    /// An actual request: allowed or not; when allowed, ACAO is `*` or the
    /// origin, and ACAC is sent or not.
    Actual {
        allowed: bool,
        star: bool,
        credentials: bool,
    },
    /// A preflight: allowed or not, and the same ACAO/ACAC facts.
    Preflight {
        allowed: bool,
        star: bool,
        credentials: bool,
    },
}

/// The policy (rule or global) that admits the request's origin, if any.
/// `Some(None)` is the global policy, `Some(Some(i))` rule `i`.
fn model_admit(cfg: &FConfig, origin: &[u8]) -> Option<Option<usize>> {
    let canon_list = |v: &[FOrigin], n: usize| -> Vec<String> {
        v.iter().take(n).map(FOrigin::canonical).collect()
    };
    if origin == b"null" {
        for (i, r) in cfg.rules.iter().take(2).enumerate() {
            if r.null {
                return Some(Some(i));
            }
        }
        return (!cfg.any && cfg.null).then_some(None);
    }
    let (scheme, host, port) = model_parse(origin)?;
    let text = std::str::from_utf8(origin).ok()?;
    for (i, r) in cfg.rules.iter().take(2).enumerate() {
        if canon_list(&r.origins, 3).iter().any(|o| o == text) {
            return Some(Some(i));
        }
    }
    if cfg.any {
        return Some(None);
    }
    if canon_list(&cfg.origins, 6).iter().any(|o| o == text) {
        return Some(None);
    }
    if cfg
        .patterns
        .iter()
        .take(4)
        .any(|p| p.matches(&scheme, &host, port))
    {
        return Some(None);
    }
    None
}

/// The standard preset, from the rules in SECURITY.md, for a configuration
/// that built.
pub fn model_standard(cfg: &FConfig, req: &Req) -> Expect {
    let origins = req.origins();
    if origins.is_empty() {
        return Expect::NotCors;
    }
    // Several Origin fields are ambiguous: refused.
    let admitted = if origins.len() == 1 {
        model_admit(cfg, origins[0])
    } else {
        None
    };
    let allowed_origin = admitted.is_some();
    let rule = admitted.flatten().map(|i| &cfg.rules[i]);
    let credentials = rule.and_then(|r| r.credentials).unwrap_or(cfg.credentials);
    // `*` is sent only for the any-origin global policy without credentials.
    let star = admitted == Some(None) && cfg.any && !credentials;
    if req.is_websocket() && cfg.check_websocket_origin.unwrap_or(true) && !allowed_origin {
        return Expect::Reject;
    }
    if req.is_preflight() {
        if !allowed_origin {
            return Expect::Preflight {
                allowed: false,
                star: false,
                credentials: false,
            };
        }
        let m = req.acrm().unwrap_or(b"");
        let methods: Vec<String> = match rule.and_then(|r| methods_list(&r.methods, false)) {
            Some(v) => v,
            None => methods_list(&cfg.methods, cfg.any_method).unwrap_or_default(),
        };
        let method_ok = is_token(m)
            && (matches!(m, b"GET" | b"HEAD" | b"POST")
                || methods.iter().any(|x| x.as_bytes() == m)
                || methods.iter().any(|x| x == "*"));
        let allowed_headers: Vec<String> = cfg
            .headers
            .iter()
            .take(4)
            .map(|i| pick(HEADER_NAMES, *i).to_ascii_lowercase())
            .collect();
        let fields = req.acrh();
        // The limits count names and their bytes over all fields, however
        // the names are split (and how many fields a view keeps).
        use fastcors_core::request::{
            MAX_REQUESTED_HEADER_BYTES, MAX_REQUESTED_HEADER_NAMES, MAX_REQUEST_HEADER_FIELDS,
        };
        let mut headers_ok = fields.len() <= MAX_REQUEST_HEADER_FIELDS;
        let (mut names, mut bytes) = (0, 0);
        for f in &fields {
            for item in f.split(|b| *b == b',') {
                let item = trim_ows(item);
                if item.is_empty() {
                    continue;
                }
                names += 1;
                bytes += item.len();
                headers_ok &=
                    names <= MAX_REQUESTED_HEADER_NAMES && bytes <= MAX_REQUESTED_HEADER_BYTES;
                let lower = item.to_ascii_lowercase();
                let ok = is_token(item)
                    && if cfg.any_header {
                        lower != b"authorization"
                            || allowed_headers.iter().any(|h| h == "authorization")
                    } else {
                        allowed_headers.iter().any(|h| h.as_bytes() == lower)
                    };
                headers_ok &= ok;
            }
        }
        let pna_ok =
            !req.acrpn().is_some_and(|v| v.eq_ignore_ascii_case(b"true")) || cfg.private_network;
        let allowed = method_ok && headers_ok && pna_ok;
        return Expect::Preflight {
            allowed,
            star: allowed && star,
            credentials: allowed && credentials,
        };
    }
    if !allowed_origin && cfg.block_disallowed {
        return Expect::Reject;
    }
    Expect::Actual {
        allowed: allowed_origin,
        star: allowed_origin && star,
        credentials: allowed_origin && credentials,
    }
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Compares the engine's decision with the model's expectation.
pub fn check_model(expect: &Expect, req: &Req, d: &Decision<'_>) {
    let origin = req.origins().first().copied().unwrap_or(b"");
    fn acao_acac<'a>(h: &fastcors_core::Headers<'a>) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
        (
            h.get(HeaderName::AllowOrigin),
            h.get(HeaderName::AllowCredentials),
        )
    }
    match (expect, d) {
        (Expect::NotCors, Decision::Actual(a)) => {
            assert!(!a.cors && !a.allowed && a.headers.is_empty(), "{a:?}");
        }
        (Expect::Reject, Decision::Reject(_)) => {}
        (
            Expect::Actual {
                allowed,
                star,
                credentials,
            },
            Decision::Actual(a),
        ) => {
            assert_eq!(
                a.allowed, *allowed,
                "actual allowed-ness differs from the model"
            );
            let (acao, acac) = acao_acac(&a.headers);
            check_acao(*allowed, *star, *credentials, origin, acao, acac);
        }
        (
            Expect::Preflight {
                allowed,
                star,
                credentials,
            },
            Decision::Preflight(p),
        ) => {
            assert_eq!(
                p.allowed, *allowed,
                "preflight allowed-ness differs from the model: {:?}",
                p.reasons
            );
            let (acao, acac) = acao_acac(&p.headers);
            check_acao(*allowed, *star, *credentials, origin, acao, acac);
        }
        (e, d) => panic!("model expects {e:?}, engine decided {d:?}"),
    }
}

fn check_acao(
    allowed: bool,
    star: bool,
    credentials: bool,
    origin: &[u8],
    acao: Option<&[u8]>,
    acac: Option<&[u8]>,
) {
    if !allowed {
        assert_eq!((acao, acac), (None, None), "refused but carries ACAO/ACAC");
        return;
    }
    let want: &[u8] = if star { b"*" } else { origin };
    assert_eq!(acao, Some(want), "ACAO differs from the model");
    assert_eq!(acac.is_some(), credentials, "ACAC differs from the model");
}
