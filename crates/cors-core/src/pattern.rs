//! Wildcard origin patterns and their label-aware index.
//!
//! A pattern (configuration key `allow_origin_patterns`) is deliberately far
//! less expressive than a regular expression, so that it cannot admit more
//! than it appears to:
//!
//! - `https://*.example.com` matches a host of **one or more** labels
//!   followed by `.example.com`. It never matches `example.com` itself,
//!   `evilexample.com` or `example.com.evil.net`: the wildcard always stops
//!   at a label boundary.
//! - The port part says which ports are admitted: none written means the
//!   origin must not carry an explicit port; `:*` admits any port or none;
//!   `:8080` exactly that port; `:[8080,8081]` one of those ports.
//! - A pattern without `*.` needs a port wildcard or list
//!   (`http://localhost:*`, `http://[::1]:*`); a single origin belongs in
//!   `allow_origins`.
//! - A wildcard over a public suffix (`https://*.com`, `https://*.github.io`)
//!   is refused unless explicitly allowed, because anyone can register a
//!   site there.
//!
//! The scheme, the host after `*.` and each port are checked by the same
//! steps as an exact origin in `allow_origins` (the crate's `authority`
//! module), so a mistake gets the same error in either place; only the
//! wildcard parts are checked here.
//!
//! [`PatternIndex`] stores many patterns in a trie over reversed host labels
//! so that looking an origin up costs O(labels in the host), whatever the
//! number of patterns.

use std::fmt;
use std::net::Ipv4Addr;

use rustc_hash::FxHashMap;

use crate::authority::{self, HostKind};
use crate::error::{ConfigError, Warning, WarningKind};
use crate::origin::{default_port, OriginRef, EXTRA_SCHEMES};

/// Which ports a pattern admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// No explicit port (the scheme's default).
    Default,
    /// Any port, or none (`:*`).
    Any,
    /// Exactly these explicit ports (`:[8080,8081]` or `:8080`).
    List(Vec<u16>),
}

impl PortSpec {
    /// Whether an origin with this explicit port (`None` = the scheme's
    /// default) is admitted.
    #[inline]
    pub fn admits(&self, port: Option<u16>) -> bool {
        match self {
            PortSpec::Default => port.is_none(),
            PortSpec::Any => true,
            // Lists are short (a handful of dev ports); a linear scan beats
            // anything fancier.
            PortSpec::List(ports) => port.is_some_and(|p| ports.contains(&p)),
        }
    }
}

/// A parsed wildcard pattern such as `https://*.example.com:*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPattern {
    source: String,
    scheme: String,
    wildcard: bool,
    domain: String,
    ports: PortSpec,
}

impl OriginPattern {
    /// Parses and validates a pattern.
    ///
    /// `field` names the configuration key in errors and warnings (e.g.
    /// `allow_origin_patterns[0]`). `allow_public_suffix` is the option
    /// `dangerously_allow_public_suffix_patterns`: when false, a wildcard
    /// directly over a public suffix (`https://*.co.uk`) is an error; when
    /// true it is accepted with a [`WarningKind::BroadMatch`] warning.
    /// Values that can be normalised (uppercase, a default port) are, with a
    /// [`WarningKind::Normalized`] warning.
    ///
    /// ```
    /// use fastcors_core::origin::{parse_request_origin, RequestOrigin};
    /// use fastcors_core::pattern::{OriginPattern, PortSpec};
    ///
    /// let mut warnings = Vec::new();
    /// let p = OriginPattern::parse("allow_origin_patterns[0]", "https://*.example.com", false, &mut warnings)
    ///     .unwrap();
    /// assert!(warnings.is_empty());
    /// assert_eq!((p.scheme(), p.domain(), p.is_wildcard()), ("https", "example.com", true));
    /// assert_eq!(p.ports(), &PortSpec::Default);
    ///
    /// let origin = |s: &'static str| match parse_request_origin(s.as_bytes()) {
    ///     Ok(RequestOrigin::Tuple(o)) => o,
    ///     other => panic!("{other:?}"),
    /// };
    /// assert!(p.matches(&origin("https://a.b.example.com")));
    /// assert!(!p.matches(&origin("https://example.com")));
    /// assert!(!p.matches(&origin("https://evilexample.com")));
    /// assert!(!p.matches(&origin("https://example.com.evil.net")));
    /// assert!(!p.matches(&origin("https://a.example.com:8443")));
    ///
    /// // Anyone can register a name under a public suffix.
    /// let err = OriginPattern::parse("allow_origin_patterns[1]", "https://*.co.uk", false, &mut warnings)
    ///     .unwrap_err();
    /// assert!(err.message.contains("public suffix"));
    /// ```
    pub fn parse(
        field: &str,
        value: &str,
        allow_public_suffix: bool,
        warnings: &mut Vec<Warning>,
    ) -> Result<Self, ConfigError> {
        Self::parse_unkinded(field, value, allow_public_suffix, warnings)
            .map_err(|e| e.with_kind(crate::ConfigErrorKind::InvalidPattern))
    }

    fn parse_unkinded(
        field: &str,
        value: &str,
        allow_public_suffix: bool,
        warnings: &mut Vec<Warning>,
    ) -> Result<Self, ConfigError> {
        let err = |message: &str, hint: String| ConfigError::new(field, value, message, hint);
        authority::not_blank(field, value)?;
        if value == "*" {
            return Err(err(
                "a bare \"*\" is not a pattern",
                "use allow_origins = [\"*\"] to allow every origin, or write a pattern such as \"https://*.example.com\"".into(),
            ));
        }
        if let Some((raw, rest)) = value.split_once("://") {
            if raw.contains('*') {
                return Err(err(
                    "the scheme cannot be a wildcard",
                    format!("list one pattern per scheme: \"https://{rest}\" and, only if you really serve plain HTTP, \"http://{rest}\""),
                ));
            }
        }
        let (scheme, rest) = authority::scheme(field, value)?;
        let (host, port) = authority::split_authority(field, value, rest)?;
        let (wildcard, domain) = parse_host(field, value, &scheme, host)?;
        let ports = match port {
            None => PortSpec::Default,
            Some(p) => parse_port_spec(field, value, p)?,
        };
        let canonical = |ports: &PortSpec| display_pattern(&scheme, wildcard, &domain, ports);
        let ports = drop_default_port(field, value, &scheme, ports, &canonical, warnings)?;
        if !wildcard {
            if let Some(e) = single_origin_error(field, value, &scheme, &domain, &ports) {
                return Err(e);
            }
        }
        if wildcard && is_public_suffix(&domain) {
            warnings.push(public_suffix(
                field,
                value,
                &scheme,
                &domain,
                allow_public_suffix,
            )?);
        }
        warnings.extend(authority::uppercase_warning(
            field,
            value,
            &canonical(&ports),
        ));
        Ok(OriginPattern {
            source: value.to_string(),
            scheme,
            wildcard,
            domain,
            ports,
        })
    }

    /// Whether the origin matches (reference implementation, O(labels)).
    pub fn matches(&self, origin: &OriginRef<'_>) -> bool {
        origin.scheme == self.scheme
            && self.ports.admits(origin.port)
            && host_matches(self.wildcard, &self.domain, origin.host)
    }
    /// Whether `host` is covered by the host part alone (ignoring scheme
    /// and port); used by lints comparing patterns with exact origins.
    pub fn matches_host(&self, host: &str) -> bool {
        host_matches(self.wildcard, &self.domain, host)
    }
    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// The scheme.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// The fixed part of the host (`example.com` for `*.example.com`).
    pub fn domain(&self) -> &str {
        &self.domain
    }
    /// Whether the host starts with `*.`.
    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }
    /// The ports admitted.
    pub fn ports(&self) -> &PortSpec {
        &self.ports
    }
}

/// The canonical form (lowercase, default port removed, ports sorted).
impl fmt::Display for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display_pattern(
            &self.scheme,
            self.wildcard,
            &self.domain,
            &self.ports,
        ))
    }
}

fn display_pattern(scheme: &str, wildcard: bool, domain: &str, ports: &PortSpec) -> String {
    let star = if wildcard { "*." } else { "" };
    let port = match ports {
        PortSpec::Default => String::new(),
        PortSpec::Any => ":*".to_string(),
        PortSpec::List(list) if list.len() == 1 => format!(":{}", list[0]),
        PortSpec::List(list) => {
            let items: Vec<String> = list.iter().map(u16::to_string).collect();
            format!(":[{}]", items.join(","))
        }
    };
    format!("{scheme}://{star}{domain}{port}")
}

/// The host rule shared by [`OriginPattern::matches`] and the tests:
/// a wildcard needs at least one label before `.domain`.
fn host_matches(wildcard: bool, domain: &str, host: &str) -> bool {
    if !wildcard {
        return host == domain;
    }
    // `host` = `<one or more labels>.` + `domain`: checking the byte before
    // the domain is what makes `evilexample.com` fail.
    host.len() > domain.len() + 1
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

/// The most helpful error for a misplaced `*`.
fn wildcard_error(field: &str, value: &str, scheme: &str, host: &str) -> ConfigError {
    // Suggest the fixed labels after the last `*`; `*example.com` most
    // likely meant "example.com and below", so keep that label's rest.
    let labels: Vec<&str> = host.split('.').collect();
    let last_star = labels.iter().rposition(|l| l.contains('*')).unwrap_or(0);
    let mut fixed: Vec<&str> = Vec::new();
    if let Some(rest) = labels[last_star].strip_prefix('*') {
        if !rest.is_empty() && !rest.contains('*') {
            fixed.push(rest);
        }
    }
    fixed.extend(labels[last_star + 1..].iter().filter(|l| !l.is_empty()));
    let suggestion = if fixed.len() < 2 {
        format!("\"{scheme}://*.example.com\"")
    } else {
        format!("\"{scheme}://*.{}\"", fixed.join("."))
    };
    let message = if host == "*" {
        "a bare \"*\" host would match every site"
    } else if host.starts_with('*') && !host.starts_with("*.") {
        "\"*\" must be a whole label: a partial label such as \"*example.com\" would also match evilexample.com"
    } else {
        "\"*\" is only allowed as the whole first label (\"*.\"), where it matches one or more labels, or as the port (\":*\")"
    };
    let hint = if host == "*" {
        "use allow_origins = [\"*\"] to allow every origin, or name your domain, e.g. \"https://*.example.com\"".to_string()
    } else {
        format!("write {suggestion}, which matches one or more labels before the domain")
    };
    ConfigError::new(field, value, message, hint)
}

fn ip_wildcard_error(field: &str, value: &str) -> ConfigError {
    ConfigError::new(
        field,
        value,
        "a wildcard cannot cover an IP address: an IP has no subdomains",
        "write the address itself with a port wildcard, e.g. \"http://127.0.0.1:*\" or \"http://[::1]:*\"",
    )
}

/// The host part: an optional leading `*.` label and a host checked by
/// [`authority::host`]. Returns whether the wildcard is there, and the rest.
fn parse_host(
    field: &str,
    value: &str,
    scheme: &str,
    host: &str,
) -> Result<(bool, String), ConfigError> {
    let (wildcard, body) = match host.strip_prefix("*.") {
        Some(body) => (true, body),
        None => (false, host),
    };
    if body.contains('*') {
        let lowered = host.to_ascii_lowercase();
        return Err(wildcard_error(field, value, scheme, &lowered));
    }
    let parsed = authority::host(field, value, body)?;
    if wildcard && parsed.kind != HostKind::Name {
        return Err(ip_wildcard_error(field, value));
    }
    Ok((wildcard, parsed.text))
}

/// `*`, `8080` or `[8080,8081]` (each port checked by [`authority::port`]);
/// lists are sorted and deduplicated, and may have spaces around items.
fn parse_port_spec(field: &str, value: &str, p: &str) -> Result<PortSpec, ConfigError> {
    let err = |message: &str, hint: &str| ConfigError::new(field, value, message, hint);
    if p == "*" {
        return Ok(PortSpec::Any);
    }
    if p.contains('*') {
        return Err(err(
            "\"*\" in a port must be the whole port",
            "write \":*\" for any port, or list the ports: \":[8080,8081]\"",
        ));
    }
    let Some(inner) = p.strip_prefix('[') else {
        return Ok(PortSpec::List(vec![authority::port(field, value, p)?]));
    };
    let Some(inner) = inner.strip_suffix(']') else {
        return Err(err("unterminated port list", "write \":[8080,8081]\""));
    };
    if inner.trim().is_empty() {
        return Err(err(
            "empty port list",
            "list at least one port, e.g. \":[8080,8081]\", or write \":*\" for any port",
        ));
    }
    let mut list = inner
        .split(',')
        .map(|item| authority::port(field, value, item.trim()))
        .collect::<Result<Vec<u16>, _>>()?;
    list.sort_unstable();
    list.dedup();
    Ok(PortSpec::List(list))
}

/// A lone default port (`:443` for https) is dropped with a warning;
/// `canonical` spells the pattern with the given ports.
fn drop_default_port(
    field: &str,
    value: &str,
    scheme: &str,
    ports: PortSpec,
    canonical: &dyn Fn(&PortSpec) -> String,
    warnings: &mut Vec<Warning>,
) -> Result<PortSpec, ConfigError> {
    let (Some(dp), PortSpec::List(list)) = (default_port(scheme), &ports) else {
        return Ok(ports);
    };
    if list.as_slice() == [dp] {
        let fixed = canonical(&PortSpec::Default);
        warnings.push(authority::default_port_warning(
            field, value, scheme, dp, &fixed,
        ));
        return Ok(PortSpec::Default);
    }
    if list.contains(&dp) {
        // PortSpec cannot say "the default or these ports", and silently
        // dropping the default would narrow the pattern.
        return Err(ConfigError::new(
            field,
            value,
            "a port list cannot contain the scheme's default port: browsers omit it, so it never appears in an Origin",
            format!(
                "remove {dp} from the list and add a second pattern (or allow_origins entry) without a port for the default"
            ),
        ));
    }
    Ok(ports)
}

/// A pattern without `*.` must admit several ports, or it is one origin.
fn single_origin_error(
    field: &str,
    value: &str,
    scheme: &str,
    domain: &str,
    ports: &PortSpec,
) -> Option<ConfigError> {
    let exact = match ports {
        PortSpec::Default => format!("{scheme}://{domain}"),
        PortSpec::List(list) if list.len() == 1 => format!("{scheme}://{domain}:{}", list[0]),
        _ => return None,
    };
    Some(ConfigError::new(
        field,
        value,
        "this pattern has no wildcard: it matches exactly one origin",
        format!(
            "move \"{exact}\" to allow_origins, or write \"{scheme}://*.{domain}\" for subdomains or \"{scheme}://{domain}:*\" for any port"
        ),
    ))
}

/// `*.` over a public suffix: an error, or with `allow` a warning.
fn public_suffix(
    field: &str,
    value: &str,
    scheme: &str,
    domain: &str,
    allow: bool,
) -> Result<Warning, ConfigError> {
    let message = format!(
        "\"*.{domain}\" covers a public suffix: anyone can register a site under {domain}, and it would match"
    );
    if !allow {
        return Err(ConfigError::new(
            field,
            value,
            message,
            format!(
                "allow your own domain instead, e.g. \"{scheme}://*.yourname.{domain}\"; set dangerously_allow_public_suffix_patterns = true only if you really mean every site under {domain}"
            ),
        ));
    }
    Ok(Warning::new(
        WarningKind::BroadMatch,
        field,
        value,
        message,
        format!("prefer \"{scheme}://*.yourname.{domain}\"; kept because dangerously_allow_public_suffix_patterns is set"),
    ))
}

/// Whether `domain` is exactly a suffix listed in the public suffix list
/// (ICANN or private section, so `github.io` counts).
///
/// Unlisted single labels (`localhost`, `test`, `internal`) only match the
/// list's implicit `*` rule; nobody can register names under them on the
/// public internet, so `*.localhost` stays allowed.
pub fn is_public_suffix(domain: &str) -> bool {
    if domain.starts_with('[') || domain.parse::<Ipv4Addr>().is_ok() {
        return false;
    }
    psl::suffix(domain.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes())
}

/// Interned scheme: patterns only use the known schemes, so a byte is enough
/// and keeps index entries small.
fn scheme_id(scheme: &str) -> Option<u8> {
    match scheme {
        "https" => Some(0),
        "http" => Some(1),
        other => EXTRA_SCHEMES
            .iter()
            .position(|s| *s == other)
            .map(|i| i as u8 + 2),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    value: u32,
    scheme: u8,
    ports: PortSpec,
}

#[derive(Debug, Clone, Default)]
struct Node {
    children: FxHashMap<Box<str>, Node>,
    /// Patterns whose host is exactly the labels on the path to this node
    /// (port-wildcard patterns without `*.`). Sorted by value.
    exact: Vec<Entry>,
    /// Patterns matching one or more labels below this node (`*.` patterns).
    /// Sorted by value.
    below: Vec<Entry>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.exact.is_empty() && self.below.is_empty()
    }
}

/// The first (lowest-valued) entry admitting scheme and port; entries are
/// sorted, so the scan stops at the first hit.
#[inline]
fn first_match(entries: &[Entry], scheme: u8, port: Option<u16>) -> Option<u32> {
    entries
        .iter()
        .find(|e| e.scheme == scheme && e.ports.admits(port))
        .map(|e| e.value)
}

/// Splits off the rightmost label: `("a.b", "c")` for `a.b.c`.
#[inline]
fn pop_label(host: &str) -> (Option<&str>, &str) {
    match host.rfind('.') {
        Some(i) => (Some(&host[..i]), &host[i + 1..]),
        None => (None, host),
    }
}

/// Patterns indexed by reversed host labels.
///
/// Each trie node is one label (`com` → `example` → `api`); a pattern is
/// stored at the node of its fixed domain, either as an *exact host* entry
/// (`http://localhost:*`) or as a *one or more labels below* entry
/// (`https://*.example.com`). A lookup walks the origin's labels from the
/// right, so its cost depends on the host, not on how many patterns there
/// are, and it never allocates.
///
/// ```
/// use fastcors_core::origin::{parse_request_origin, RequestOrigin};
/// use fastcors_core::pattern::{OriginPattern, PatternIndex};
///
/// let mut warnings = Vec::new();
/// let mut index = PatternIndex::new();
/// for (value, p) in ["https://*.example.com", "https://*.api.example.com:[8443,9443]", "http://localhost:*"]
///     .into_iter()
///     .enumerate()
/// {
///     let pattern = OriginPattern::parse("allow_origin_patterns", p, false, &mut warnings).unwrap();
///     index.insert(&pattern, value as u32);
/// }
/// assert_eq!(index.len(), 3);
///
/// let lookup = |s: &'static str| match parse_request_origin(s.as_bytes()) {
///     Ok(RequestOrigin::Tuple(o)) => index.lookup(&o),
///     other => panic!("{other:?}"),
/// };
/// assert_eq!(lookup("https://a.api.example.com"), Some(0)); // lowest value wins
/// assert_eq!(lookup("https://a.api.example.com:8443"), Some(1));
/// assert_eq!(lookup("http://localhost:3000"), Some(2));
/// assert_eq!(lookup("https://example.com"), None);
/// assert_eq!(lookup("https://evilexample.com"), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PatternIndex {
    root: Node,
    len: usize,
}

impl PatternIndex {
    /// An empty index.
    pub fn new() -> Self {
        PatternIndex::default()
    }
    /// Adds a pattern with a priority value (lower wins).
    pub fn insert(&mut self, pattern: &OriginPattern, value: u32) {
        let Some(scheme) = scheme_id(&pattern.scheme) else {
            // parse() only accepts known schemes; a pattern built otherwise
            // could never match a browser origin anyway.
            debug_assert!(false, "unknown scheme {}", pattern.scheme);
            return;
        };
        let mut node = &mut self.root;
        for label in pattern.domain.rsplit('.') {
            node = node.children.entry(label.into()).or_default();
        }
        let entries = if pattern.wildcard {
            &mut node.below
        } else {
            &mut node.exact
        };
        // Keep entries sorted by value, equal values in insertion order.
        let at = entries.partition_point(|e| e.value <= value);
        entries.insert(
            at,
            Entry {
                value,
                scheme,
                ports: pattern.ports.clone(),
            },
        );
        self.len += 1;
    }

    /// Removes every entry inserted for `pattern` (same scheme, host and
    /// ports, whatever its value). Returns whether anything was removed.
    pub fn remove(&mut self, pattern: &OriginPattern) -> bool {
        let Some(scheme) = scheme_id(&pattern.scheme) else {
            return false;
        };
        let labels: Vec<&str> = pattern.domain.rsplit('.').collect();
        let removed = remove_at(
            &mut self.root,
            &labels,
            pattern.wildcard,
            scheme,
            &pattern.ports,
        );
        self.len -= removed;
        removed > 0
    }

    /// The lowest value among the patterns matching `origin`. Never allocates.
    pub fn lookup(&self, origin: &OriginRef<'_>) -> Option<u32> {
        let scheme = scheme_id(origin.scheme)?;
        let mut best: Option<u32> = None;
        let mut node = &self.root;
        let mut rest = origin.host;
        loop {
            let (more, label) = pop_label(rest);
            let Some(child) = node.children.get(label) else {
                break;
            };
            node = child;
            match more {
                // Labels remain on the left: `*.` patterns here apply. An
                // empty remainder (`.example.com`) is not a label.
                Some(left) => {
                    if !left.is_empty() {
                        if let Some(v) = first_match(&node.below, scheme, origin.port) {
                            best = Some(best.map_or(v, |b| b.min(v)));
                        }
                    }
                    rest = left;
                }
                None => {
                    if let Some(v) = first_match(&node.exact, scheme, origin.port) {
                        best = Some(best.map_or(v, |b| b.min(v)));
                    }
                    break;
                }
            }
        }
        best
    }
    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.len
    }
    /// No patterns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Removes matching entries under `labels` (reversed), pruning nodes left
/// empty so that a long-running index does not accumulate dead branches.
fn remove_at(
    node: &mut Node,
    labels: &[&str],
    wildcard: bool,
    scheme: u8,
    ports: &PortSpec,
) -> usize {
    match labels.split_first() {
        None => {
            let entries = if wildcard {
                &mut node.below
            } else {
                &mut node.exact
            };
            let before = entries.len();
            entries.retain(|e| !(e.scheme == scheme && &e.ports == ports));
            before - entries.len()
        }
        Some((label, tail)) => {
            let Some(child) = node.children.get_mut(*label) else {
                return 0;
            };
            let removed = remove_at(child, tail, wildcard, scheme, ports);
            if child.is_empty() {
                node.children.remove(*label);
            }
            removed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{parse_request_origin, RequestOrigin};
    use proptest::prelude::*;

    const F: &str = "allow_origin_patterns[0]";

    fn parse(v: &str) -> OriginPattern {
        let mut w = Vec::new();
        let p = OriginPattern::parse(F, v, false, &mut w).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert!(w.is_empty(), "{v}: {w:?}");
        p
    }

    fn parse_err(v: &str) -> ConfigError {
        let mut w = Vec::new();
        let e = OriginPattern::parse(F, v, false, &mut w).expect_err(v);
        assert_eq!(e.field, F);
        assert_eq!(e.value, v);
        assert!(!e.hint.is_empty(), "{v}: no hint");
        e
    }

    fn origin(s: &str) -> OriginRef<'_> {
        match parse_request_origin(s.as_bytes()) {
            Ok(RequestOrigin::Tuple(o)) => o,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn check(pattern: &str, yes: &[&str], no: &[&str]) {
        let p = parse(pattern);
        let mut idx = PatternIndex::new();
        idx.insert(&p, 7);
        for o in yes {
            assert!(p.matches(&origin(o)), "{pattern} should match {o}");
            assert_eq!(idx.lookup(&origin(o)), Some(7), "{pattern} index {o}");
        }
        for o in no {
            assert!(!p.matches(&origin(o)), "{pattern} should not match {o}");
            assert_eq!(idx.lookup(&origin(o)), None, "{pattern} index {o}");
        }
    }

    #[test]
    fn wildcard_is_label_boundary_aware() {
        check(
            "https://*.example.com",
            &[
                "https://a.example.com",
                "https://a.b.example.com",
                "https://a-b_c.example.com",
            ],
            &[
                "https://example.com",
                "https://evilexample.com",
                "https://xexample.com",
                "https://example.com.evil.net",
                "https://a.example.com.evil.net",
                "https://a.example.co",
                "https://a.example.comx",
                "http://a.example.com",
                "https://a.example.com:8443",
                "wss://a.example.com",
            ],
        );
    }

    #[test]
    fn ports() {
        check(
            "https://*.example.com:*",
            &[
                "https://a.example.com",
                "https://a.example.com:8443",
                "https://a.example.com:1",
            ],
            &["http://a.example.com:8443", "https://example.com:8443"],
        );
        check(
            "https://*.example.com:8443",
            &["https://a.example.com:8443"],
            &["https://a.example.com", "https://a.example.com:8444"],
        );
        check(
            "https://*.example.com:[8080,8081]",
            &["https://a.example.com:8080", "https://b.a.example.com:8081"],
            &["https://a.example.com", "https://a.example.com:8082"],
        );
        assert_eq!(
            parse("https://*.a.com:[8081, 8080,8081]").ports(),
            &PortSpec::List(vec![8080, 8081])
        );
    }

    #[test]
    fn exact_host_with_port_wildcard_or_list() {
        check(
            "http://localhost:*",
            &["http://localhost", "http://localhost:3000"],
            &[
                "https://localhost:3000",
                "http://a.localhost:3000",
                "http://localhost.evil.net:3000",
            ],
        );
        check(
            "http://127.0.0.1:*",
            &["http://127.0.0.1:8080"],
            &[
                "http://127.0.0.10:8080",
                "http://1.127.0.0.1:8080",
                "http://0.0.1:8080",
            ],
        );
        check(
            "http://[::1]:*",
            &["http://[::1]:8080", "http://[::1]"],
            &["http://[::2]:8080", "https://[::1]:8080"],
        );
        check(
            "https://example.com:[8080,8081]",
            &["https://example.com:8080", "https://example.com:8081"],
            &[
                "https://example.com",
                "https://a.example.com:8080",
                "https://example.com:9000",
            ],
        );
        assert_eq!(parse("http://[0:0:0:0:0:0:0:1]:*").domain(), "[::1]");
    }

    #[test]
    fn extra_schemes() {
        check(
            "capacitor://*.example.com",
            &["capacitor://a.example.com"],
            &["https://a.example.com"],
        );
    }

    #[test]
    fn normalisation_warns() {
        let mut w = Vec::new();
        let p = OriginPattern::parse(F, "HTTPS://*.Example.COM:443", false, &mut w).unwrap();
        assert_eq!(
            (p.scheme(), p.domain(), p.ports()),
            ("https", "example.com", &PortSpec::Default)
        );
        assert_eq!(p.source(), "HTTPS://*.Example.COM:443");
        assert_eq!(p.to_string(), "https://*.example.com");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w
            .iter()
            .all(|w| w.kind == WarningKind::Normalized && w.field == F));
        let mut w = Vec::new();
        let p = OriginPattern::parse(F, "http://*.example.com:[80]", false, &mut w).unwrap();
        assert_eq!(p.ports(), &PortSpec::Default);
        assert_eq!(w.len(), 1);
        assert_eq!(
            parse("http://*.example.com:[8080,8081]").to_string(),
            "http://*.example.com:[8080,8081]"
        );
    }

    #[test]
    fn errors_name_field_value_and_fix() {
        for (input, needle) in [
            ("example.com", "missing scheme"),
            ("*.example.com", "missing scheme"),
            ("*://*.example.com", "scheme cannot be a wildcard"),
            ("http*://*.example.com", "scheme cannot be a wildcard"),
            ("ftp://*.example.com", "unsupported scheme"),
            ("https://*.example.com/", "path"),
            ("https://*.example.com/api", "path"),
            ("https://*.example.com?x", "path"),
            ("https://*.example.com#x", "path"),
            ("https://u@*.example.com", "userinfo"),
            ("https://*example.com", "whole label"),
            ("https://a.*.example.com", "first label"),
            ("https://ex*.com", "first label"),
            ("https://*.*.example.com", "first label"),
            ("https://example.*", "first label"),
            ("https://*", "every site"),
            ("*", "bare"),
            ("", "empty"),
            (" https://*.example.com", "whitespace"),
            ("https://*.", "empty"),
            ("https://*.example..com", "empty label"),
            ("https://*.example.com.", "empty label"),
            ("https://*..example.com", "empty label"),
            ("https://*.exa$mple.com", "invalid character"),
            ("https://*.bücher.example", "punycode"),
            ("https://*.example.com:0", "invalid port"),
            ("https://*.example.com:70000", "invalid port"),
            ("https://*.example.com:", "invalid port"),
            ("https://*.example.com:abc", "invalid port"),
            ("https://*.example.com:80*", "whole port"),
            ("https://*.example.com:[]", "empty port list"),
            ("https://*.example.com:[8080,]", "invalid port"),
            ("https://*.example.com:[8080", "unterminated"),
            ("https://*.example.com:[443,8443]", "default port"),
            ("https://example.com", "no wildcard"),
            ("https://example.com:8080", "no wildcard"),
            ("https://example.com:[8080]", "no wildcard"),
            ("https://example.com:443", "no wildcard"),
            ("https://*.127.0.0.1", "IP address"),
            ("http://*.[::1]:*", "IP address"),
            ("http://[::g]:*", "invalid IPv6"),
            ("http://[::1:*", "unterminated"),
            ("http://[::1]x:*", "invalid IPv6"),
            ("http://127.1:*", "IPv4"),
        ] {
            let e = parse_err(input);
            assert!(e.message.contains(needle), "{input}: {e}");
        }
        assert!(parse_err("https://example.com")
            .hint
            .contains("allow_origins"));
        assert!(parse_err("*://*.example.com")
            .hint
            .contains("http://*.example.com"));
        assert!(parse_err("https://*example.com")
            .hint
            .contains("https://*.example.com"));
        assert!(parse_err("https://*.bücher.example")
            .hint
            .contains("punycode"));
    }

    #[test]
    fn public_suffixes_are_refused_unless_allowed() {
        for v in [
            "https://*.com",
            "https://*.co.uk",
            "https://*.github.io",
            "https://*.vercel.app",
            "https://*.herokuapp.com",
            "http://*.com:*",
        ] {
            let e = parse_err(v);
            assert!(e.message.contains("anyone can register"), "{v}: {e}");
            assert!(
                e.hint.contains("dangerously_allow_public_suffix_patterns"),
                "{v}"
            );
            let mut w = Vec::new();
            let p = OriginPattern::parse(F, v, true, &mut w).unwrap();
            assert_eq!(w.len(), 1);
            assert_eq!(w[0].kind, WarningKind::BroadMatch);
            assert!(p.matches(&origin(&format!("{}://anyone.{}", p.scheme(), p.domain()))));
        }
        for v in [
            "https://*.example.com",
            "https://*.example.co.uk",
            "https://*.me.github.io",
            "http://*.localhost:*",
            "https://*.internal",
        ] {
            parse(v);
        }
        assert!(is_public_suffix("com"));
        assert!(is_public_suffix("github.io"));
        assert!(!is_public_suffix("example.com"));
        assert!(!is_public_suffix("127.0.0.1"));
        assert!(!is_public_suffix("[::1]"));
        assert!(!is_public_suffix("localhost"));
    }

    #[test]
    fn index_prefers_lowest_value_and_counts() {
        let mut idx = PatternIndex::new();
        assert!(idx.is_empty());
        let a = parse("https://*.example.com");
        let b = parse("https://*.a.example.com:*");
        let c = parse("https://a.example.com:*");
        idx.insert(&a, 5);
        idx.insert(&b, 3);
        idx.insert(&c, 1);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.lookup(&origin("https://a.example.com")), Some(1));
        assert_eq!(idx.lookup(&origin("https://x.a.example.com")), Some(3));
        assert_eq!(idx.lookup(&origin("https://x.a.example.com:99")), Some(3));
        assert_eq!(idx.lookup(&origin("https://x.b.example.com")), Some(5));
        assert_eq!(idx.lookup(&origin("https://example.com")), None);
        assert_eq!(idx.lookup(&origin("http://x.example.com")), None);
        assert_eq!(idx.lookup(&origin("moz-extension://x.example.com")), None);

        let snapshot = idx.clone();
        assert!(idx.remove(&c));
        assert!(!idx.remove(&c));
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.lookup(&origin("https://a.example.com")), Some(5));
        assert!(idx.remove(&b));
        assert!(idx.remove(&a));
        assert!(idx.is_empty());
        assert!(idx.root.is_empty(), "empty branches are pruned");
        assert_eq!(snapshot.lookup(&origin("https://a.example.com")), Some(1));
    }

    // ---- property tests -------------------------------------------------

    const LABELS: &[&str] = &["a", "b", "com", "example", "x-y"];
    const PORTS: &[Option<u16>] = &[None, Some(8080), Some(8081), Some(9000)];

    fn port_spec() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", ":*", ":8080", ":[8080,8081]", ":9000"])
    }

    fn host() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(LABELS), 1..5).prop_map(|l| l.join("."))
    }

    fn scheme() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["http", "https"])
    }

    /// Any pattern text; invalid combinations are filtered by parse().
    fn pattern_text() -> impl Strategy<Value = String> {
        (scheme(), any::<bool>(), host(), port_spec())
            .prop_map(|(s, w, h, p)| format!("{s}://{}{h}{p}", if w { "*." } else { "" }))
    }

    fn origin_text() -> impl Strategy<Value = String> {
        (scheme(), host(), prop::sample::select(PORTS)).prop_map(|(s, h, p)| match p {
            Some(p) => format!("{s}://{h}:{p}"),
            None => format!("{s}://{h}"),
        })
    }

    proptest! {
        #[test]
        fn index_agrees_with_naive_scan(
            patterns in prop::collection::vec((pattern_text(), 0u32..20), 0..12),
            origins in prop::collection::vec(origin_text(), 1..12),
        ) {
            let mut idx = PatternIndex::new();
            let mut parsed = Vec::new();
            for (text, value) in &patterns {
                let mut w = Vec::new();
                if let Ok(p) = OriginPattern::parse(F, text, true, &mut w) {
                    idx.insert(&p, *value);
                    parsed.push((p, *value));
                }
            }
            prop_assert_eq!(idx.len(), parsed.len());
            for o in &origins {
                let o = origin(o);
                let naive = parsed.iter().filter(|(p, _)| p.matches(&o)).map(|(_, v)| *v).min();
                prop_assert_eq!(idx.lookup(&o), naive, "{}", o.serialized);
            }
            // Removing everything leaves an empty index that matches nothing.
            for (p, _) in &parsed {
                idx.remove(p);
            }
            prop_assert!(idx.is_empty());
            prop_assert!(idx.root.is_empty());
        }

        #[test]
        fn wildcard_matches_iff_scheme_port_and_label_suffix(
            ps in scheme(), domain in host(), port in port_spec(), o in origin_text(),
        ) {
            let mut w = Vec::new();
            let text = format!("{ps}://*.{domain}{port}");
            let p = OriginPattern::parse(F, &text, true, &mut w).unwrap();
            let o = origin(&o);
            let port_ok = match port {
                "" => o.port.is_none(),
                ":*" => true,
                ":8080" => o.port == Some(8080),
                ":9000" => o.port == Some(9000),
                ":[8080,8081]" => matches!(o.port, Some(8080 | 8081)),
                _ => unreachable!(),
            };
            let expected = o.scheme == ps && port_ok && o.host.ends_with(&format!(".{domain}"));
            prop_assert_eq!(p.matches(&o), expected, "{} vs {}", text, o.serialized);
        }
    }
}
