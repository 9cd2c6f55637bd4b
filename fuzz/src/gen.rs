//! Structured configurations and requests for the `evaluate` target
//! (generated from `arbitrary` input), and the fixed configuration of the
//! `request_headers` target.

use arbitrary::Arbitrary;
use fastcors_core::Preset;

use crate::{default_port, Req};

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
pub(crate) const HEADER_NAMES: &[&str] = &[
    "content-type",
    "x-token",
    "authorization",
    "X-Token",
    "accept",
    "x-a",
    "Authorization",
];

pub(crate) fn pick<T: Copy>(list: &[T], i: u8) -> T {
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
    pub(crate) scheme: u8,
    pub(crate) host: FHost,
    pub(crate) port: Option<u8>,
    pub(crate) upper: bool,
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
    pub(crate) scheme: u8,
    pub(crate) wildcard: bool,
    pub(crate) domain: FHost,
    pub(crate) ports: FPorts,
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
    pub(crate) fn matches(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
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
    pub(crate) origins: Vec<FOrigin>,
    pub(crate) null: bool,
    pub(crate) methods: Option<Vec<u8>>,
    pub(crate) credentials: Option<bool>,
}

/// A configuration of the standard or starlette preset, global policy plus
/// at most two rules with exact origins.
#[derive(Debug, Clone, Arbitrary)]
pub struct FConfig {
    pub starlette: bool,
    pub(crate) origins: Vec<FOrigin>,
    pub(crate) any: bool,
    pub(crate) null: bool,
    pub(crate) patterns: Vec<FPattern>,
    pub(crate) methods: Option<Vec<u8>>,
    pub(crate) any_method: bool,
    pub(crate) headers: Vec<u8>,
    pub(crate) any_header: bool,
    pub(crate) expose: Vec<u8>,
    pub(crate) credentials: bool,
    pub(crate) private_network: bool,
    pub(crate) max_age: Option<u16>,
    pub(crate) preflight_status: Option<u8>,
    pub(crate) block_disallowed: bool,
    pub(crate) check_websocket_origin: Option<bool>,
    pub(crate) dangerous_credentials: bool,
    pub(crate) dangerous_public_suffix: bool,
    pub(crate) rules: Vec<FRule>,
}

pub(crate) fn methods_list(m: &Option<Vec<u8>>, any: bool) -> Option<Vec<String>> {
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
    pub fn to_config(&self) -> fastcors_core::Config {
        let mut c = fastcors_core::Config {
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
            c.rules.push(fastcors_core::RuleConfig {
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
    pub(crate) preflight: bool,
    pub(crate) method: FBytes,
    pub(crate) origins: Vec<FReqOrigin>,
    pub(crate) acrm: Option<FBytes>,
    pub(crate) acrh: Vec<Vec<u8>>,
    pub(crate) acrh_names: Vec<u8>,
    pub(crate) acrpn: Option<FBytes>,
    pub(crate) websocket: bool,
    pub(crate) noise: u8,
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
