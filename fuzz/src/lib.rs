//! Shared pieces of the fuzz targets: a request description that owns its
//! bytes, the invariants every decision must satisfy, and a deliberately
//! simple reference model of the standard preset.
//!
//! The model is written from the specification of the standard preset
//! (SECURITY.md, the Fetch standard), not from cors-core's code: plain string
//! comparisons, no index, no trie, no precomputation. When the engine and the
//! model disagree, one of them is wrong, and the model is short enough to
//! check by eye.

use std::net::Ipv6Addr;

use arbitrary::Arbitrary;
use cors_core::origin::parse_request_origin;
use cors_core::{Cors, Decision, HeaderName, Preset, RequestView};

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/// A request as header fields in order, owning its bytes.
#[derive(Debug, Default, Clone)]
pub struct Req {
    pub method: Vec<u8>,
    /// `(name, value)` in request order.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// Mark the view as a WebSocket handshake without an `Upgrade` field.
    pub websocket: bool,
}

impl Req {
    pub fn view(&self) -> RequestView<'_> {
        RequestView::from_pairs(
            &self.method,
            self.fields.iter().map(|(n, v)| (&n[..], &v[..])),
        )
        .with_websocket(self.websocket || self.has_upgrade_websocket())
    }

    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| &v[..])
    }

    pub fn origins(&self) -> Vec<&[u8]> {
        self.named("origin").collect()
    }

    pub fn acrm(&self) -> Option<&[u8]> {
        self.named("access-control-request-method").next()
    }

    pub fn acrh(&self) -> Vec<&[u8]> {
        self.named("access-control-request-headers").collect()
    }

    pub fn acrpn(&self) -> Option<&[u8]> {
        self.named("access-control-request-private-network").next()
    }

    fn has_upgrade_websocket(&self) -> bool {
        self.named("upgrade")
            .any(|v| v.eq_ignore_ascii_case(b"websocket"))
    }

    pub fn is_websocket(&self) -> bool {
        self.websocket || self.has_upgrade_websocket()
    }

    pub fn is_preflight(&self) -> bool {
        self.method == b"OPTIONS" && !self.origins().is_empty() && self.acrm().is_some()
    }

    /// Every value is free of control characters other than HTAB (what an
    /// HTTP parser would ever hand over).
    pub fn values_are_clean(&self) -> bool {
        self.fields
            .iter()
            .all(|(_, v)| v.iter().all(|&b| !is_ctl(b)))
    }
}

fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (a, b) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    a >= b && a + inner.len() <= b + outer.len()
}

fn same_slice(a: &[u8], b: &[u8]) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

// ---------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------

/// Invariants that hold for every configuration without a dynamic predicate,
/// in both presets. `precomputed_acah` lists the values the configuration may
/// send in `Access-Control-Allow-Headers` besides mirrored request fields
/// (`None`: do not check).
pub fn check_invariants(
    cors: &Cors,
    req: &Req,
    d: &Decision<'_>,
    precomputed_acah: Option<&[&str]>,
) {
    let preset = cors.preset();
    let origins = req.origins();
    let acrh = req.acrh();
    let headers: Vec<(HeaderName, &[u8])> = match d {
        Decision::Preflight(p) => {
            if p.allowed {
                assert!(
                    (200..300).contains(&p.status),
                    "allowed preflight with status {}",
                    p.status
                );
            } else {
                assert!(
                    p.status >= 400,
                    "refused preflight with status {}",
                    p.status
                );
            }
            assert!(
                req.is_preflight(),
                "a preflight decision for a non-preflight request"
            );
            p.headers.iter().collect()
        }
        Decision::Actual(a) => {
            assert_eq!(a.cors, !origins.is_empty());
            assert!(!a.allowed || a.cors, "allowed without an Origin");
            if !a.cors {
                assert!(
                    a.headers.is_empty(),
                    "CORS headers without an Origin: {:?}",
                    a.headers
                );
            }
            assert!(!req.is_preflight(), "an actual decision for a preflight");
            a.headers.iter().collect()
        }
        Decision::Reject(r) => {
            assert_eq!(r.status, 403);
            assert!(!origins.is_empty(), "rejected a request without Origin");
            Vec::new()
        }
        Decision::PendingOriginCheck(o) => panic!("pending check without a predicate: {o}"),
    };

    // Single-valued headers appear at most once.
    for name in [
        HeaderName::AllowOrigin,
        HeaderName::AllowCredentials,
        HeaderName::AllowMethods,
        HeaderName::MaxAge,
        HeaderName::ExposeHeaders,
        HeaderName::AllowPrivateNetwork,
        HeaderName::Vary,
    ] {
        let n = headers.iter().filter(|(h, _)| *h == name).count();
        assert!(n <= 1, "{} appears {n} times: {headers:?}", name.as_str());
    }

    let acao = headers
        .iter()
        .find(|(h, _)| *h == HeaderName::AllowOrigin)
        .map(|(_, v)| *v);
    let acac = headers
        .iter()
        .find(|(h, _)| *h == HeaderName::AllowCredentials)
        .map(|(_, v)| *v);
    if let Some(v) = acac {
        assert_eq!(v, b"true");
    }
    if let Some(v) = acao {
        assert!(acac.is_none() || v != b"*", "ACAO * together with ACAC");
        if v != b"*" {
            // Only ever the request's own (first) origin, well-formed and allowed.
            let first = origins.first().copied().expect("ACAO echo without Origin");
            assert_eq!(v, first, "ACAO is not the request origin");
            let parsed = parse_request_origin(first);
            assert!(
                parsed.is_ok(),
                "reflected a malformed origin {:?}",
                String::from_utf8_lossy(first)
            );
            let s = std::str::from_utf8(first).unwrap();
            assert!(
                cors.is_allowed_origin(s),
                "reflected a disallowed origin {s}"
            );
            if preset == Preset::Standard {
                assert_eq!(origins.len(), 1, "reflected one of several Origin fields");
            }
        }
    }

    // Allow-Headers: one of the request's own fields, exactly, or precomputed.
    for (h, v) in &headers {
        if *h != HeaderName::AllowHeaders {
            continue;
        }
        if let Some(f) = acrh.iter().find(|f| within(v, f)) {
            assert!(
                same_slice(v, f),
                "ACAH is part of a request field, not the field"
            );
        } else if let Some(list) = precomputed_acah {
            assert!(
                list.iter().any(|p| p.as_bytes() == *v),
                "ACAH {:?} is neither a request field nor precomputed ({list:?})",
                String::from_utf8_lossy(v)
            );
        }
    }

    // Never an invalid header value out of valid input; never out of any
    // input in the standard preset (which validates what it mirrors).
    if preset == Preset::Standard || req.values_are_clean() {
        for (h, v) in &headers {
            assert!(
                !v.iter().any(|&b| is_ctl(b)),
                "{} value has a control byte: {:?}",
                h.as_str(),
                String::from_utf8_lossy(v)
            );
        }
    }

    if preset == Preset::Standard {
        let refused = !d.is_allowed();
        match d {
            Decision::Preflight(p) if refused => {
                // A refused origin (or request) learns nothing but the refusal.
                assert!(
                    p.headers.iter().all(|(h, _)| h == HeaderName::Vary),
                    "refused standard preflight carries {:?}",
                    p.headers
                );
            }
            Decision::Actual(a) if refused => {
                assert!(
                    a.headers.is_empty(),
                    "refused standard actual carries {:?}",
                    a.headers
                );
            }
            _ => {}
        }
        if d.is_allowed() {
            assert!(acao.is_some(), "allowed without ACAO");
        }
    }
}

// ---------------------------------------------------------------------------
// Structured configurations and requests for the `evaluate` target
// ---------------------------------------------------------------------------

const LABELS: &[&str] = &[
    "a",
    "b",
    "api",
    "example",
    "com",
    "net",
    "evil",
    "co",
    "uk",
    "github",
    "io",
    "xn--p1ai",
    "a_b",
    "x-y",
    "localhost",
    "0",
];
const SPECIAL_HOSTS: &[(&str, &str)] = &[
    ("127.0.0.1", "127.0.0.1"),
    ("[::1]", "[::1]"),
    ("[0:0::1]", "[::1]"),
    ("[2001:db8::1]", "[2001:db8::1]"),
];
/// The first four are accepted in configuration; requests use all.
const SCHEMES: &[&str] = &["https", "http", "chrome-extension", "https", "wss", "ftp"];
const CONFIG_SCHEMES: usize = 4;
const PORTS: &[u16] = &[80, 443, 3000, 8080, 8443, 1, 65535];
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "X-CUSTOM",
];
const HEADER_NAMES: &[&str] = &[
    "content-type",
    "x-token",
    "authorization",
    "X-Token",
    "accept",
    "x-a",
    "Authorization",
];

fn pick<T: Copy>(list: &[T], i: u8) -> T {
    list[i as usize % list.len()]
}

/// A host as written in configuration, and its canonical form.
#[derive(Debug, Clone, Arbitrary)]
pub enum FHost {
    Labels(Vec<u8>),
    Special(u8),
}

impl FHost {
    fn written(&self) -> String {
        match self {
            FHost::Labels(ls) => {
                let v: Vec<&str> = ls.iter().take(4).map(|i| pick(LABELS, *i)).collect();
                if v.is_empty() {
                    "example.com".into()
                } else {
                    v.join(".")
                }
            }
            FHost::Special(i) => pick(SPECIAL_HOSTS, *i).0.into(),
        }
    }
    fn canonical(&self) -> String {
        match self {
            FHost::Labels(_) => self.written(),
            FHost::Special(i) => pick(SPECIAL_HOSTS, *i).1.into(),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct FOrigin {
    scheme: u8,
    host: FHost,
    port: Option<u8>,
    upper: bool,
}

impl FOrigin {
    fn scheme(&self) -> &'static str {
        pick(&SCHEMES[..CONFIG_SCHEMES], self.scheme)
    }
    fn any_scheme(&self) -> &'static str {
        pick(SCHEMES, self.scheme)
    }
    /// A request origin that may use schemes no configuration lists.
    fn request_canonical(&self) -> String {
        let scheme = self.any_scheme();
        let mut s = format!("{scheme}://{}", self.host.canonical());
        if let Some(p) = self.port() {
            s.push_str(&format!(":{p}"));
        }
        s
    }
    fn port(&self) -> Option<u16> {
        self.port.map(|p| pick(PORTS, p))
    }
    /// As written in configuration (maybe uppercase, maybe a default port).
    pub fn written(&self) -> String {
        let mut s = format!("{}://{}", self.scheme(), self.host.written());
        if let Some(p) = self.port() {
            s.push_str(&format!(":{p}"));
        }
        if self.upper {
            s = s.to_ascii_uppercase();
        }
        s
    }
    /// What a browser would send for it.
    pub fn canonical(&self) -> String {
        let mut s = format!("{}://{}", self.scheme(), self.host.canonical());
        if let Some(p) = self.port() {
            if default_port(self.scheme()) != Some(p) {
                s.push_str(&format!(":{p}"));
            }
        }
        s
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum FPorts {
    Default,
    Any,
    List(Vec<u8>),
}

#[derive(Debug, Clone, Arbitrary)]
pub struct FPattern {
    scheme: u8,
    wildcard: bool,
    domain: FHost,
    ports: FPorts,
}

impl FPattern {
    fn scheme(&self) -> &'static str {
        pick(&SCHEMES[..CONFIG_SCHEMES], self.scheme)
    }
    fn port_list(&self) -> Vec<u16> {
        match &self.ports {
            FPorts::List(l) => {
                let mut v: Vec<u16> = l.iter().take(3).map(|i| pick(PORTS, *i)).collect();
                if v.is_empty() {
                    v.push(8080);
                }
                v
            }
            _ => Vec::new(),
        }
    }
    pub fn written(&self) -> String {
        let star = if self.wildcard { "*." } else { "" };
        let port = match &self.ports {
            FPorts::Default => String::new(),
            FPorts::Any => ":*".into(),
            FPorts::List(_) => {
                let l: Vec<String> = self.port_list().iter().map(u16::to_string).collect();
                if l.len() == 1 {
                    format!(":{}", l[0])
                } else {
                    format!(":[{}]", l.join(","))
                }
            }
        };
        format!("{}://{star}{}{port}", self.scheme(), self.domain.written())
    }

    /// The naive match: scheme, port, and a string suffix at a label boundary.
    fn matches(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        if scheme != self.scheme() {
            return false;
        }
        let ports_ok = match &self.ports {
            FPorts::Default => port.is_none(),
            FPorts::Any => true,
            FPorts::List(_) => {
                // Duplicates collapse: `[443,443]` is `[443]`, the default port.
                let mut list = self.port_list();
                list.sort_unstable();
                list.dedup();
                let dp = default_port(self.scheme());
                if list.len() == 1 && Some(list[0]) == dp {
                    port.is_none() // normalised to "no explicit port"
                } else {
                    port.is_some_and(|p| list.contains(&p))
                }
            }
        };
        let domain = self.domain.canonical();
        let host_ok = if self.wildcard {
            host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}"))
        } else {
            host == domain
        };
        ports_ok && host_ok
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct FRule {
    origins: Vec<FOrigin>,
    null: bool,
    methods: Option<Vec<u8>>,
    credentials: Option<bool>,
}

/// A configuration of the standard or starlette preset, global policy plus
/// at most two rules with exact origins.
#[derive(Debug, Clone, Arbitrary)]
pub struct FConfig {
    pub starlette: bool,
    origins: Vec<FOrigin>,
    any: bool,
    null: bool,
    patterns: Vec<FPattern>,
    methods: Option<Vec<u8>>,
    any_method: bool,
    headers: Vec<u8>,
    any_header: bool,
    expose: Vec<u8>,
    credentials: bool,
    private_network: bool,
    max_age: Option<u16>,
    preflight_status: Option<u8>,
    block_disallowed: bool,
    check_websocket_origin: Option<bool>,
    dangerous_credentials: bool,
    dangerous_public_suffix: bool,
    rules: Vec<FRule>,
}

fn methods_list(m: &Option<Vec<u8>>, any: bool) -> Option<Vec<String>> {
    let mut v: Vec<String> = m
        .as_ref()?
        .iter()
        .take(4)
        .map(|i| pick(METHODS, *i).to_string())
        .collect();
    if any {
        v.push("*".into());
    }
    Some(v)
}

impl FConfig {
    pub fn to_config(&self) -> cors_core::Config {
        let mut c = cors_core::Config {
            preset: if self.starlette {
                Preset::Starlette
            } else {
                Preset::Standard
            },
            ..Default::default()
        };
        if self.any {
            c.allow_origins.push("*".into());
        } else {
            c.allow_origins
                .extend(self.origins.iter().take(6).map(FOrigin::written));
            if self.null {
                c.allow_origins.push("null".into());
            }
        }
        c.allow_origin_patterns
            .extend(self.patterns.iter().take(4).map(FPattern::written));
        c.allow_methods = methods_list(&self.methods, self.any_method);
        c.allow_headers = self
            .headers
            .iter()
            .take(4)
            .map(|i| pick(HEADER_NAMES, *i).to_string())
            .collect();
        if self.any_header {
            c.allow_headers.push("*".into());
        }
        c.expose_headers = self
            .expose
            .iter()
            .take(3)
            .map(|i| pick(HEADER_NAMES, *i).to_string())
            .collect();
        c.allow_credentials = self.credentials;
        c.allow_private_network = self.private_network;
        c.max_age = self.max_age.map(u64::from);
        c.preflight_status = self
            .preflight_status
            .map(|s| pick(&[200u16, 204, 299, 302, 500], s));
        c.block_disallowed = self.block_disallowed;
        c.check_websocket_origin = self.check_websocket_origin;
        c.dangerously_allow_credentials_with_wildcards = self.dangerous_credentials;
        c.dangerously_allow_public_suffix_patterns = self.dangerous_public_suffix;
        for r in self.rules.iter().take(2) {
            let mut origins: Vec<String> = r.origins.iter().take(3).map(FOrigin::written).collect();
            if r.null {
                origins.push("null".into());
            }
            c.rules.push(cors_core::RuleConfig {
                allow_origins: origins,
                allow_methods: methods_list(&r.methods, false),
                allow_credentials: r.credentials,
                ..Default::default()
            });
        }
        c
    }
}

/// How a request origin is produced: from the configuration (so that it
/// matches), or not, and then maybe damaged.
#[derive(Debug, Clone, Arbitrary)]
pub enum FReqOrigin {
    Listed(u8, FMutation),
    UnderPattern(u8, Vec<u8>, Option<u8>, FMutation),
    Made(FOrigin, FMutation),
    Null,
    Raw(Vec<u8>),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum FMutation {
    None,
    Upper,
    TrailingSlash,
    Path,
    Userinfo,
    DefaultPort,
    TrailingDot,
    Space,
    AppendByte(u8),
    InsertByte(u8, u8),
    PrefixLabel(u8),
    SuffixEvil,
    Truncate(u8),
}

impl FMutation {
    fn apply(self, s: String) -> Vec<u8> {
        let mut b = s.clone().into_bytes();
        match self {
            FMutation::None => {}
            FMutation::Upper => b.make_ascii_uppercase(),
            FMutation::TrailingSlash => b.push(b'/'),
            FMutation::Path => b.extend_from_slice(b"/path?q#f"),
            FMutation::Userinfo => {
                if let Some(i) = s.find("://") {
                    b.splice(i + 3..i + 3, b"user@".iter().copied());
                }
            }
            FMutation::DefaultPort => b.extend_from_slice(if s.starts_with("https") {
                b":443"
            } else {
                b":80"
            }),
            FMutation::TrailingDot => b.push(b'.'),
            FMutation::Space => b.insert(0, b' '),
            FMutation::AppendByte(x) => b.push(x),
            FMutation::InsertByte(at, x) => {
                let at = at as usize % (b.len() + 1);
                b.insert(at, x);
            }
            FMutation::PrefixLabel(l) => {
                if let Some(i) = s.find("://") {
                    let lab = pick(LABELS, l);
                    b.splice(i + 3..i + 3, lab.bytes().chain(Some(b'.')));
                }
            }
            FMutation::SuffixEvil => b.extend_from_slice(b".evil.com"),
            FMutation::Truncate(n) => {
                let keep = b.len().saturating_sub(n as usize % 8);
                b.truncate(keep);
            }
        }
        b
    }
}

impl FReqOrigin {
    pub fn bytes(&self, cfg: &FConfig) -> Vec<u8> {
        match self {
            FReqOrigin::Listed(i, m) => {
                let all: Vec<&FOrigin> = cfg
                    .origins
                    .iter()
                    .take(6)
                    .chain(
                        cfg.rules
                            .iter()
                            .take(2)
                            .flat_map(|r| r.origins.iter().take(3)),
                    )
                    .collect();
                match all.get(*i as usize % all.len().max(1)) {
                    Some(o) => m.apply(o.canonical()),
                    None => b"https://example.com".to_vec(),
                }
            }
            FReqOrigin::UnderPattern(i, labels, port, m) => {
                let pats: Vec<&FPattern> = cfg.patterns.iter().take(4).collect();
                let Some(p) = pats.get(*i as usize % pats.len().max(1)) else {
                    return b"https://a.example.com".to_vec();
                };
                let mut host = String::new();
                for l in labels.iter().take(3) {
                    host.push_str(pick(LABELS, *l));
                    host.push('.');
                }
                if !p.wildcard {
                    host.clear();
                }
                host.push_str(&p.domain.canonical());
                let mut s = format!("{}://{host}", p.scheme());
                if let Some(pi) = port {
                    s.push_str(&format!(":{}", pick(PORTS, *pi)));
                }
                m.apply(s)
            }
            FReqOrigin::Made(o, m) => m.apply(o.request_canonical()),
            FReqOrigin::Null => b"null".to_vec(),
            FReqOrigin::Raw(b) => b.clone(),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum FBytes {
    Pick(u8),
    Raw(Vec<u8>),
}

impl FBytes {
    fn bytes(&self, list: &[&str]) -> Vec<u8> {
        match self {
            FBytes::Pick(i) => pick(list, *i).as_bytes().to_vec(),
            FBytes::Raw(b) => b.clone(),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct FRequest {
    preflight: bool,
    method: FBytes,
    origins: Vec<FReqOrigin>,
    acrm: Option<FBytes>,
    acrh: Vec<Vec<u8>>,
    acrh_names: Vec<u8>,
    acrpn: Option<FBytes>,
    websocket: bool,
    noise: u8,
}

impl FRequest {
    pub fn to_req(&self, cfg: &FConfig) -> Req {
        let mut r = Req {
            method: if self.preflight {
                b"OPTIONS".to_vec()
            } else {
                self.method.bytes(METHODS)
            },
            ..Default::default()
        };
        for o in self.origins.iter().take(3) {
            r.fields.push((b"Origin".to_vec(), o.bytes(cfg)));
        }
        for i in 0..(self.noise % 4) {
            r.fields
                .push((format!("x-noise-{i}").into_bytes(), b"1".to_vec()));
        }
        if let Some(m) = &self.acrm {
            r.fields
                .push((b"access-control-request-method".to_vec(), m.bytes(METHODS)));
        }
        if !self.acrh_names.is_empty() {
            let names: Vec<&str> = self
                .acrh_names
                .iter()
                .take(5)
                .map(|i| pick(HEADER_NAMES, *i))
                .collect();
            r.fields.push((
                b"Access-Control-Request-Headers".to_vec(),
                names.join(", ").into_bytes(),
            ));
        }
        for h in self.acrh.iter().take(10) {
            r.fields
                .push((b"access-control-request-headers".to_vec(), h.clone()));
        }
        if let Some(p) = &self.acrpn {
            r.fields.push((
                b"access-control-request-private-network".to_vec(),
                p.bytes(&["true", "TRUE", "false", "1"]),
            ));
        }
        if self.websocket {
            r.fields.push((b"upgrade".to_vec(), b"websocket".to_vec()));
        }
        r
    }
}

// ---------------------------------------------------------------------------
// The reference model of the standard preset
// ---------------------------------------------------------------------------

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
        let mut headers_ok = fields.len() <= 8;
        for f in &fields {
            for item in f.split(|b| *b == b',') {
                let item = trim_ows(item);
                if item.is_empty() {
                    continue;
                }
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
    fn acao_acac<'a>(h: &cors_core::Headers<'a>) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
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

// ---------------------------------------------------------------------------
// Configuration targets
// ---------------------------------------------------------------------------

/// Builds a loaded configuration (never reading files: a fuzzed
/// `allow_origins_file` could name `/dev/zero`) and, if it builds, evaluates
/// a handful of requests against the invariants.
pub fn build_and_probe(mut cfg: cors_core::Config) {
    cfg.allow_origins_file = None;
    // Origins to probe with: the configured ones, as browsers would send them.
    let probes: Vec<Vec<u8>> = cfg
        .allow_origins
        .iter()
        .chain(cfg.rules.iter().flat_map(|r| r.allow_origins.iter()))
        .take(8)
        .map(|o| o.to_ascii_lowercase().into_bytes())
        .chain([
            b"https://a.example.com".to_vec(),
            b"null".to_vec(),
            b"https://evil.com".to_vec(),
        ])
        .collect();
    let Ok(cors) = Cors::from_config(&cfg) else {
        return;
    };
    for origin in &probes {
        for preflight in [false, true] {
            let mut req = Req {
                method: if preflight {
                    b"OPTIONS".to_vec()
                } else {
                    b"GET".to_vec()
                },
                fields: vec![(b"origin".to_vec(), origin.clone())],
                websocket: false,
            };
            if preflight {
                req.fields
                    .push((b"access-control-request-method".to_vec(), b"PUT".to_vec()));
                req.fields.push((
                    b"access-control-request-headers".to_vec(),
                    b"content-type, x-token".to_vec(),
                ));
            }
            let view = req.view();
            let d = cors.evaluate(&view);
            check_invariants(&cors, &req, &d, None);
        }
    }
}

impl FConfig {
    /// `allow_origins = ["https://a.example"]`, methods GET and PUT, headers
    /// content-type and X-Token, credentials: fixture 0 of `request_headers`.
    pub fn fixture_zero() -> FConfig {
        FConfig {
            starlette: false,
            origins: vec![FOrigin {
                scheme: 0,
                host: FHost::Labels(vec![0, 3]),
                port: None,
                upper: false,
            }],
            any: false,
            null: false,
            patterns: vec![],
            methods: Some(vec![0, 3]),
            any_method: false,
            headers: vec![0, 3],
            any_header: false,
            expose: vec![],
            credentials: true,
            private_network: false,
            max_age: None,
            preflight_status: None,
            block_disallowed: false,
            check_websocket_origin: None,
            dangerous_credentials: false,
            dangerous_public_suffix: false,
            rules: vec![],
        }
    }
}
