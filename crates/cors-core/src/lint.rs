//! Lints: configurations that work, but admit more than their author meant.
//!
//! Nothing here rejects a configuration; every finding is a [`Warning`]
//! naming the field, the value, what it admits and how to tighten it.
//!
//! The regex lint is empirical rather than a static analysis of the regex:
//! it gathers the domains the configuration is about, builds the origins an
//! attacker could serve that *look like* them ([`attacker_origins`]) and asks
//! each compiled regex whether it admits them. A warning therefore always
//! names a concrete origin that really passes.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::error::{Warning, WarningKind};
use crate::origin::{parse_request_origin, RequestOrigin, EXTRA_SCHEMES};
use crate::pattern::OriginPattern;

/// Everything one rule (or the global policy) allows, for linting.
#[derive(Debug, Default)]
pub struct LintInput<'a> {
    /// Field prefix (`""` for the global policy, `rules[0].` for a rule).
    pub prefix: String,
    /// Canonical exact origins.
    pub origins: Vec<&'a str>,
    /// `null` is listed.
    pub null: bool,
    /// Parsed patterns with their index in `allow_origin_patterns`.
    pub patterns: Vec<(usize, &'a OriginPattern)>,
    /// Regex sources with their index in `allow_origin_regex` and their
    /// full-match compiled form.
    pub regexes: Vec<(usize, &'a str, &'a regex::Regex)>,
    /// Credentials are allowed.
    pub credentials: bool,
    /// A dynamic predicate decides too.
    pub has_predicate: bool,
}

/// Lints one rule's origins.
///
/// ```
/// use fastcors_core::lint::{lint, LintInput};
/// use fastcors_core::error::WarningKind;
///
/// let re = regex::Regex::new(r"^(?:https://.*example\.com)$").unwrap();
/// let input = LintInput {
///     regexes: vec![(0, r"https://.*example\.com", &re)],
///     ..LintInput::default()
/// };
/// let mut warnings = Vec::new();
/// lint(&input, &mut warnings);
/// assert!(warnings.iter().any(|w| w.kind == WarningKind::BroadMatch
///     && w.field == "allow_origin_regex[0]"
///     && w.message.contains("https://evilexample.com")));
/// ```
pub fn lint(input: &LintInput<'_>, warnings: &mut Vec<Warning>) {
    lint_null(input, warnings);
    lint_insecure_scheme(input, warnings);
    lint_regexes(input, warnings);
    lint_credentials(input, warnings);
}

/// What kind of look-alike an attacker origin is; the lint groups hits by
/// kind so that one sloppy regex gives a few readable warnings, not dozens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Attack {
    /// `https://evilexample.com`: a name ending in the domain.
    Suffix,
    /// `https://example.com.evil.net`: the domain as the start of another.
    Prefix,
    /// `https://exampleacom`: an unescaped `.` matched a letter.
    UnescapedDot,
    /// `https://xample.com`: part of the name.
    Substring,
    /// `http://example.com`: the same host without TLS.
    HttpDowngrade,
    /// `https://example.com_.evil.net`: odd characters after the domain.
    SpecialChar,
    /// `https://evil.net`: an unrelated site.
    ThirdParty,
}

/// Characters some browsers accept in hosts, placed right after the domain
/// by [`attacker_origins`] (`https://example.com_.evil.net`).
const SPECIAL_CHARS: &[char] = &[
    '_', '-', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ';', '=', '`',
];

/// A site nobody configures.
const EVIL: &str = "evil.net";

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1" || host == "[::1]"
}

/// The attacker origins for `domain`, tagged with their kind.
fn attacker_candidates(domain: &str) -> Vec<(Attack, String)> {
    let d = domain.trim_start_matches("*.").to_ascii_lowercase();
    let mut out: Vec<(Attack, String)> = Vec::new();
    if d.is_empty() || d.starts_with('[') {
        // An IPv6 address has no look-alike names.
        out.push((Attack::ThirdParty, format!("https://{EVIL}")));
        return out;
    }
    out.push((Attack::Suffix, format!("https://evil{d}")));
    out.push((Attack::Prefix, format!("https://{d}.{EVIL}")));
    for (i, _) in d.match_indices('.') {
        out.push((
            Attack::UnescapedDot,
            format!("https://{}a{}", &d[..i], &d[i + 1..]),
        ));
    }
    out.push((Attack::UnescapedDot, format!("https://wwwa{d}")));
    if let Some(sub) = d.get(1..).filter(|s| !s.is_empty() && !s.starts_with('.')) {
        out.push((Attack::Substring, format!("https://{sub}")));
    }
    if !is_loopback(&d) {
        out.push((Attack::HttpDowngrade, format!("http://{d}")));
    }
    for c in SPECIAL_CHARS {
        out.push((Attack::SpecialChar, format!("https://{d}{c}.{EVIL}")));
    }
    out.push((Attack::ThirdParty, format!("https://{EVIL}")));

    // Names under the domain's own registrable domain belong to its owner
    // (`evilapi.example.com` for `api.example.com`): not an attack, and
    // flagging them would make the lint cry wolf on `https://.*\.example\.com`.
    let registrable = psl::domain_str(&d).unwrap_or(&d).to_string();
    let own = |origin: &str| {
        let host = origin.split_once("://").map_or(origin, |(_, h)| h);
        host == registrable || host.ends_with(&format!(".{registrable}"))
    };
    let mut seen = FxHashSet::default();
    out.retain(|(kind, o)| (*kind == Attack::HttpDowngrade || !own(o)) && seen.insert(o.clone()));
    out
}

/// Origins an attacker could register or serve that look like `domain`.
///
/// `domain` is a host such as `example.com` (a leading `*.` is ignored).
/// The list is deterministic and free of duplicates: a name ending in the
/// domain (`https://evilexample.com`), the domain followed by another
/// (`https://example.com.evil.net`), each `.` replaced by a letter
/// (`https://exampleacom`, `https://wwwaexample.com`), a substring
/// (`https://xample.com`), plain http (`http://example.com`, not for
/// loopback hosts), special characters after the domain
/// (`https://example.com_.evil.net`, `-`, `~`, `!`, ...) and an unrelated
/// site (`https://evil.net`). Hosts under the domain's own registrable
/// domain are left out: their owner controls them.
///
/// ```
/// let origins = fastcors_core::lint::attacker_origins("example.com");
/// assert!(origins.contains(&"https://evilexample.com".to_string()));
/// assert!(origins.contains(&"https://example.com.evil.net".to_string()));
/// assert!(origins.contains(&"http://example.com".to_string()));
/// assert!(!origins.contains(&"https://example.com".to_string()));
/// ```
pub fn attacker_origins(domain: &str) -> Vec<String> {
    attacker_candidates(domain)
        .into_iter()
        .map(|(_, o)| o)
        .collect()
}

fn lint_null(input: &LintInput<'_>, warnings: &mut Vec<Warning>) {
    if !input.null {
        return;
    }
    let extra = if input.credentials {
        ", and with credentials allowed any site can read credentialed responses that way"
    } else {
        ""
    };
    warnings.push(Warning::new(
        WarningKind::NullOrigin,
        format!("{}allow_origins", input.prefix),
        "null",
        format!(
            "the opaque origin \"null\" is allowed: any page can send Origin: null from a sandboxed iframe{extra}"
        ),
        "remove \"null\": sandboxed iframes, file: pages and some redirects all share this origin, so it cannot identify your app",
    ));
}

/// A host (or host pattern) allowed with one scheme, for comparing schemes.
enum HostRef<'a> {
    Exact(&'a str),
    Pattern(&'a OriginPattern),
}

impl HostRef<'_> {
    fn overlaps(&self, other: &HostRef<'_>) -> bool {
        match (self, other) {
            (HostRef::Exact(a), HostRef::Exact(b)) => a == b,
            (HostRef::Exact(h), HostRef::Pattern(p)) | (HostRef::Pattern(p), HostRef::Exact(h)) => {
                p.matches_host(h)
            }
            (HostRef::Pattern(a), HostRef::Pattern(b)) => {
                a.is_wildcard() == b.is_wildcard() && a.domain() == b.domain()
            }
        }
    }
    fn is_loopback(&self) -> bool {
        match self {
            HostRef::Exact(h) => is_loopback(h),
            HostRef::Pattern(p) => is_loopback(p.domain()),
        }
    }
}

fn lint_insecure_scheme(input: &LintInput<'_>, warnings: &mut Vec<Warning>) {
    // (is_http, field, value, host)
    let mut entries: Vec<(bool, String, &str, HostRef<'_>)> = Vec::new();
    for o in &input.origins {
        if let Ok(RequestOrigin::Tuple(t)) = parse_request_origin(o.as_bytes()) {
            if t.scheme == "http" || t.scheme == "https" {
                let field = format!("{}allow_origins", input.prefix);
                entries.push((t.scheme == "http", field, o, HostRef::Exact(t.host)));
            }
        }
    }
    for (idx, p) in &input.patterns {
        if p.scheme() == "http" || p.scheme() == "https" {
            let field = format!("{}allow_origin_patterns[{idx}]", input.prefix);
            entries.push((p.scheme() == "http", field, p.source(), HostRef::Pattern(p)));
        }
    }
    for (is_http, field, value, host) in &entries {
        // Plain http is normal, and safe enough, on the developer's machine.
        if !is_http || host.is_loopback() {
            continue;
        }
        let Some((_, _, secure, _)) = entries
            .iter()
            .find(|(other_http, _, _, other)| !other_http && host.overlaps(other))
        else {
            continue;
        };
        warnings.push(Warning::new(
            WarningKind::InsecureScheme,
            field.clone(),
            *value,
            format!(
                "{value} allows plain http for a host also allowed over https ({secure}): anyone on the network path can inject script into the http page and use everything the site allows"
            ),
            "remove the http:// entry (keep it only in a development configuration)",
        ));
    }
}

fn lint_credentials(input: &LintInput<'_>, warnings: &mut Vec<Warning>) {
    if !input.credentials {
        return;
    }
    let mut what = Vec::new();
    if !input.regexes.is_empty() {
        what.push("allow_origin_regex");
    }
    if !input.patterns.is_empty() {
        what.push("allow_origin_patterns");
    }
    if input.has_predicate {
        what.push("a dynamic origin predicate");
    }
    if what.is_empty() {
        return;
    }
    warnings.push(Warning::new(
        WarningKind::CredentialsWithBroadMatch,
        format!("{}allow_credentials", input.prefix),
        "true",
        format!(
            "credentials are allowed together with {}: every matching origin can read credentialed responses (cookies, HTTP auth) as the signed-in user",
            what.join(" and ")
        ),
        "make sure every origin they can match is trusted (a subdomain takeover becomes an account takeover), or move credentialed endpoints to a rule with exact allow_origins",
    ));
}

/// A domain-looking literal inside a regex source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Literal {
    /// Lowercase, dots unescaped: `api.example.com`.
    domain: String,
    /// As written in the source: `api.example\.com`.
    raw: String,
    /// A `.` between two labels was not escaped.
    unescaped_dot: bool,
}

fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Runs of labels joined by `\.` or `.` outside character classes:
/// `https://.*example\.com` → `example.com`. Only runs with two or more
/// labels ending in something TLD-like count, so `a-z`, `https` or `\d{1,5}`
/// are not mistaken for domains.
fn literal_domains(src: &str) -> Vec<Literal> {
    let bytes = src.as_bytes();
    let mut out: Vec<Literal> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut seps: Vec<bool> = Vec::new(); // true = unescaped `.`
    let mut cur = String::new();
    let mut start = 0usize;
    let mut end = 0usize;

    let finish = |labels: &mut Vec<String>,
                  seps: &mut Vec<bool>,
                  cur: &mut String,
                  start: usize,
                  end: usize,
                  out: &mut Vec<Literal>| {
        if cur.is_empty() {
            // A trailing separator joins nothing.
            seps.pop();
        } else {
            labels.push(std::mem::take(cur));
        }
        let tld_like = labels.last().is_some_and(|l| {
            l.len() >= 2 && l.as_bytes()[0].is_ascii_alphabetic() && !l.contains('_')
        });
        if labels.len() >= 2 && tld_like && labels.iter().all(|l| !l.is_empty()) {
            let domain = labels.join(".");
            if !out.iter().any(|l| l.domain == domain) {
                out.push(Literal {
                    domain,
                    raw: src[start..end].to_string(),
                    unescaped_dot: seps.iter().any(|s| *s),
                });
            }
        }
        labels.clear();
        seps.clear();
    };

    let mut i = 0;
    let mut class_depth = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        if class_depth > 0 {
            match b {
                b'\\' => i += 1,
                b'[' => class_depth += 1,
                b']' => class_depth -= 1,
                _ => {}
            }
            i += 1;
            continue;
        }
        let in_run = !cur.is_empty() || !labels.is_empty();
        match b {
            b'\\' if bytes.get(i + 1) == Some(&b'.') && !cur.is_empty() => {
                labels.push(std::mem::take(&mut cur));
                seps.push(false);
                i += 2;
                continue;
            }
            b'.' if !cur.is_empty() && bytes.get(i + 1).is_some_and(|n| is_label_byte(*n)) => {
                labels.push(std::mem::take(&mut cur));
                seps.push(true);
            }
            _ if is_label_byte(b) => {
                if !in_run {
                    start = i;
                }
                cur.push(b.to_ascii_lowercase() as char);
                end = i + 1;
            }
            _ => {
                if in_run {
                    finish(&mut labels, &mut seps, &mut cur, start, end, &mut out);
                }
                match b {
                    // An escape like `\d` or `\w` is not part of a name.
                    b'\\' => i += 1,
                    b'[' => class_depth = 1,
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if !cur.is_empty() || !labels.is_empty() {
        finish(&mut labels, &mut seps, &mut cur, start, end, &mut out);
    }
    out
}

/// Whether the regex spells out a scheme (`https://`, `https?:\/\/`, ...).
fn has_scheme(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.contains("://")
        || lower.contains(":\\/\\/")
        || lower.contains("http")
        || EXTRA_SCHEMES.iter().any(|s| lower.contains(s))
}

/// Domains a regex is checked against: those it names itself, then pattern
/// domains, then exact origins, each with its registrable domain. Capped so
/// that a huge origin list does not make startup quadratic.
const MAX_LINT_DOMAINS: usize = 64;

fn gather_domains(input: &LintInput<'_>, literals: &[Vec<Literal>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |d: &str, out: &mut Vec<String>| {
        for d in [Some(d), psl::domain_str(d)].into_iter().flatten() {
            if out.len() < MAX_LINT_DOMAINS && !out.iter().any(|x| x == d) {
                out.push(d.to_string());
            }
        }
    };
    for lits in literals {
        for l in lits {
            push(&l.domain, &mut out);
        }
    }
    for (_, p) in &input.patterns {
        push(p.domain(), &mut out);
    }
    for o in &input.origins {
        if let Ok(RequestOrigin::Tuple(t)) = parse_request_origin(o.as_bytes()) {
            push(t.host, &mut out);
        }
    }
    out
}

fn escape_domain(d: &str) -> String {
    d.replace('.', "\\.")
}

fn lint_regexes(input: &LintInput<'_>, warnings: &mut Vec<Warning>) {
    if input.regexes.is_empty() {
        return;
    }
    let literals: Vec<Vec<Literal>> = input
        .regexes
        .iter()
        .map(|(_, src, _)| literal_domains(src))
        .collect();
    let domains = gather_domains(input, &literals);
    let explicitly_allowed = |o: &str| {
        input.origins.contains(&o)
            || match parse_request_origin(o.as_bytes()) {
                Ok(RequestOrigin::Tuple(t)) => input.patterns.iter().any(|(_, p)| p.matches(&t)),
                _ => false,
            }
    };
    // Candidates are the same for every regex; build them once. An
    // unrelated site is worth testing even when no domain is known.
    let mut candidates: Vec<(&str, Vec<(Attack, String)>)> = domains
        .iter()
        .map(|d| (d.as_str(), attacker_candidates(d)))
        .collect();
    if candidates.is_empty() {
        candidates.push(("", vec![(Attack::ThirdParty, format!("https://{EVIL}"))]));
    }

    for ((idx, src, re), lits) in input.regexes.iter().zip(&literals) {
        let field = format!("{}allow_origin_regex[{idx}]", input.prefix);
        let warn = |warnings: &mut Vec<Warning>, kind, message: String, hint: String| {
            warnings.push(Warning::new(kind, field.clone(), *src, message, hint));
        };

        // 1. `api.example.com` as a regex: each `.` matches any character.
        let dotted: Vec<&Literal> = lits.iter().filter(|l| l.unescaped_dot).collect();
        if let Some(first) = dotted.first() {
            let example = dotted
                .iter()
                .flat_map(|l| attacker_candidates(&l.domain))
                .filter(|(kind, _)| *kind == Attack::UnescapedDot)
                .map(|(_, o)| o)
                .find(|o| re.is_match(o) && !explicitly_allowed(o));
            let admits = example.map_or(String::new(), |o| format!(", so it admits {o}"));
            warn(
                warnings,
                WarningKind::BroadMatch,
                format!(
                    "the unescaped `.` in `{}` matches any character, not only a dot{admits}",
                    first.raw
                ),
                format!(
                    "escape the dots: `{}`; or use allow_origin_patterns, which need no escaping",
                    escape_domain(&first.domain)
                ),
            );
        }

        // 2. `example\.com` without a scheme: written as a search, but the
        // regex must match the whole origin, so it never matches anything.
        if !has_scheme(src) && !lits.is_empty() {
            let plain = |d: &str| {
                ["https", "http"].iter().any(|s| {
                    re.is_match(&format!("{s}://{d}")) || re.is_match(&format!("{s}://sub.{d}"))
                })
            };
            if !lits.iter().any(|l| plain(&l.domain)) {
                let d = &lits[0].domain;
                warn(
                    warnings,
                    WarningKind::NeverMatches,
                    format!(
                        "the regex must match the whole origin (scheme://host[:port]) and has no scheme, so it never matches https://{d}"
                    ),
                    format!(
                        "write the full origin, e.g. `https://{}`, or use allow_origin_patterns = [\"https://*.{d}\"]",
                        escape_domain(d)
                    ),
                );
                continue;
            }
        }

        // 3. Look-alike origins the regex admits, grouped by kind.
        let mut hits: BTreeMap<Attack, (Vec<&str>, &str)> = BTreeMap::new();
        for (domain, cands) in &candidates {
            let mut suffix_hit = false;
            for (kind, o) in cands {
                // Dot variants are already explained by the unescaped-dot
                // warning, or (`wwwaexample.com` after `evilexample.com`)
                // by the suffix hit that subsumes them.
                if *kind == Attack::UnescapedDot && (!dotted.is_empty() || suffix_hit) {
                    continue;
                }
                if re.is_match(o) && !explicitly_allowed(o) {
                    suffix_hit |= *kind == Attack::Suffix;
                    let entry = hits.entry(*kind).or_insert_with(|| (Vec::new(), domain));
                    if !entry.0.contains(&o.as_str()) {
                        entry.0.push(o);
                    }
                }
            }
        }
        for (kind, (origins, d)) in hits {
            let shown = origins
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let more = match origins.len() {
                n if n > 3 => format!(" and {} more like it", n - 3),
                _ => String::new(),
            };
            let why = match kind {
                Attack::Suffix => format!(
                    "nothing anchors the match to a label boundary before {d}, and anyone can register a name ending in {d}"
                ),
                Attack::Prefix => format!(
                    "the match does not stop after {d}, so {d}.<any attacker domain> passes"
                ),
                Attack::UnescapedDot => {
                    "an unescaped `.` matches any character, not only a dot".to_string()
                }
                Attack::Substring => format!("only part of {d} is required"),
                Attack::HttpDowngrade => {
                    "plain http pages can be tampered with by anyone on the network path".to_string()
                }
                Attack::SpecialChar => format!(
                    "characters after {d} are not restricted, and some browsers accept them in host names"
                ),
                Attack::ThirdParty => "it matches an unrelated site".to_string(),
            };
            let hint = match kind {
                Attack::HttpDowngrade => {
                    "require https: write `https://`, not `https?://` or `.*`".to_string()
                }
                Attack::UnescapedDot => format!(
                    "escape every dot as `\\.` (e.g. `{}`), or use allow_origin_patterns, which need no escaping",
                    escape_domain(d)
                ),
                Attack::ThirdParty => {
                    "restrict the regex to your own domains, e.g. `https://([a-z0-9-]+\\.)*example\\.com`, or list the origins in allow_origins".to_string()
                }
                _ => format!(
                    "match whole labels, e.g. `https://([a-z0-9-]+\\.)*{}`, or better, use allow_origin_patterns = [\"https://*.{d}\"] (plus allow_origins = [\"https://{d}\"] for the domain itself)",
                    escape_domain(d)
                ),
            };
            warn(
                warnings,
                WarningKind::BroadMatch,
                format!("admits {shown}{more}: {why}"),
                hint,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The engine compiles regexes as full matches; mirror that.
    fn full(src: &str) -> Regex {
        Regex::new(&format!("^(?:{src})$")).unwrap()
    }

    fn pat(v: &str) -> OriginPattern {
        OriginPattern::parse("allow_origin_patterns[0]", v, false, &mut Vec::new()).unwrap()
    }

    fn regex_warnings(srcs: &[&str], origins: &[&str]) -> Vec<Warning> {
        let compiled: Vec<Regex> = srcs.iter().map(|s| full(s)).collect();
        let input = LintInput {
            prefix: "rules[0].".into(),
            origins: origins.to_vec(),
            regexes: srcs
                .iter()
                .zip(&compiled)
                .enumerate()
                .map(|(i, (s, r))| (i, *s, r))
                .collect(),
            ..LintInput::default()
        };
        let mut w = Vec::new();
        lint(&input, &mut w);
        w
    }

    fn mentions(w: &[Warning], needle: &str) -> bool {
        w.iter().any(|w| w.message.contains(needle))
    }

    #[test]
    fn attacker_origins_cover_every_trick() {
        let a = attacker_origins("example.com");
        for want in [
            "https://evilexample.com",
            "https://example.com.evil.net",
            "https://exampleacom",
            "https://wwwaexample.com",
            "https://xample.com",
            "http://example.com",
            "https://example.com_.evil.net",
            "https://example.com-.evil.net",
            "https://example.com~.evil.net",
            "https://example.com!.evil.net",
            "https://evil.net",
        ] {
            assert!(a.contains(&want.to_string()), "{want} missing from {a:?}");
        }
        assert_eq!(a, attacker_origins("example.com"), "deterministic");
        let mut dedup = a.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), a.len(), "no duplicates");
        assert!(!a.contains(&"https://example.com".to_string()));
    }

    #[test]
    fn attacker_origins_leave_the_owners_names_alone() {
        let a = attacker_origins("api.example.com");
        assert!(a.contains(&"https://apiaexample.com".to_string()));
        assert!(a.contains(&"https://api.example.com.evil.net".to_string()));
        assert!(
            !a.iter()
                .any(|o| o.ends_with(".example.com") && o.starts_with("https")),
            "{a:?}"
        );
        assert!(!attacker_origins("localhost").contains(&"http://localhost".to_string()));
        assert_eq!(
            attacker_origins("[::1]"),
            vec!["https://evil.net".to_string()]
        );
    }

    #[test]
    fn literal_domains_are_found_in_regex_sources() {
        let doms = |s: &str| {
            literal_domains(s)
                .into_iter()
                .map(|l| l.domain)
                .collect::<Vec<_>>()
        };
        assert_eq!(doms(r"https://.*example\.com"), ["example.com"]);
        assert_eq!(doms(r"https://example.com"), ["example.com"]);
        assert_eq!(
            doms(r"^https://([a-z0-9-]+\.)*Example\.COM$"),
            ["example.com"]
        );
        assert_eq!(doms(r"https://(www\.)?example\.com"), ["example.com"]);
        assert_eq!(
            doms(r"https://(api|www)\.example\.co\.uk:\d{1,5}"),
            ["example.co.uk"]
        );
        assert_eq!(doms(r"https://[a-z.]+\.example\.com"), ["example.com"]);
        assert!(doms(r"https?://localhost:\d+").is_empty());
        assert!(doms(r"https://\d+\.\d+").is_empty());
        let l = literal_domains(r"https://api.example\.com");
        assert_eq!(
            (l[0].raw.as_str(), l[0].unescaped_dot),
            (r"api.example\.com", true)
        );
        assert!(!literal_domains(r"https://.*\.example\.com")[0].unescaped_dot);
    }

    #[test]
    fn sloppy_regexes_are_flagged_with_the_origin_they_admit() {
        let w = regex_warnings(&[r"https://.*example\.com"], &[]);
        assert!(mentions(&w, "admits https://evilexample.com"), "{w:#?}");
        assert!(w.iter().all(|w| w.kind == WarningKind::BroadMatch));
        assert!(w
            .iter()
            .all(|w| w.field == "rules[0].allow_origin_regex[0]"));
        assert!(w[0].hint.contains("https://*.example.com"), "{}", w[0].hint);

        let w = regex_warnings(&[r"https://example\.com.*"], &[]);
        assert!(mentions(&w, "https://example.com.evil.net"), "{w:#?}");
        assert!(mentions(&w, "https://example.com_.evil.net"), "{w:#?}");

        let w = regex_warnings(&[r"https?://app\.example\.com"], &[]);
        assert!(mentions(&w, "admits http://app.example.com"), "{w:#?}");

        let w = regex_warnings(&[r"https://.*"], &["https://example.com"]);
        assert!(mentions(&w, "https://evil.net"), "{w:#?}");
        let w = regex_warnings(&[r"https://.*"], &[]);
        assert!(mentions(&w, "admits https://evil.net"), "{w:#?}");

        // A suffix hit subsumes the `wwwa` dot variant: one warning.
        let w = regex_warnings(&[r"https://.*example\.com"], &[]);
        assert_eq!(w.len(), 1, "{w:#?}");
        let w = regex_warnings(&[r"https://(www|api).example\.com"], &[]);
        assert!(mentions(&w, "admits https://wwwaexample.com"), "{w:#?}");
        assert!(w[0].hint.contains(r"example\.com"), "{w:#?}");

        // The domain comes from the exact origins when the regex names none,
        // and origins allowed explicitly are not reported as hits.
        let w = regex_warnings(
            &[r"https?://.*"],
            &["https://example.com", "http://example.com"],
        );
        assert!(mentions(&w, "https://evilexample.com"), "{w:#?}");
        assert!(!mentions(&w, "admits http://example.com"), "{w:#?}");
    }

    #[test]
    fn tight_regexes_are_quiet() {
        for src in [
            r"https://([a-z0-9-]+\.)*example\.com",
            r"https://example\.com",
            r"^https://example\.com$",
            r"https://[a-z0-9-]+\.example\.com",
            r"https://(www|api)\.example\.com",
            r"https://example\.com:(8080|8081)",
            r"http://localhost:\d+",
        ] {
            let w = regex_warnings(&[src], &["https://example.com"]);
            assert!(w.is_empty(), "{src}: {w:#?}");
        }
    }

    #[test]
    fn unescaped_dots_between_labels() {
        let w = regex_warnings(&[r"https://api.example.com"], &[]);
        let dot: Vec<_> = w
            .iter()
            .filter(|w| w.message.contains("unescaped"))
            .collect();
        assert_eq!(dot.len(), 1, "{w:#?}");
        assert!(
            dot[0].message.contains("https://apiaexample.com"),
            "{}",
            dot[0].message
        );
        assert!(dot[0].hint.contains(r"api\.example\.com"));
        // Dot variants are explained once, not again as separate hits.
        assert_eq!(w.len(), 1, "{w:#?}");

        // `.*` and `.+` are not dots between labels.
        let w = regex_warnings(&[r"https://.+\.example\.com"], &[]);
        assert!(!mentions(&w, "unescaped"), "{w:#?}");
    }

    #[test]
    fn regexes_without_a_scheme_never_match() {
        let w = regex_warnings(&[r"example\.com"], &[]);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].kind, WarningKind::NeverMatches);
        assert!(w[0].hint.contains(r"https://example\.com"));
        // Leading `.*` makes the search-style regex match whole origins.
        let w = regex_warnings(&[r".*\.example\.com"], &[]);
        assert!(
            !w.iter().any(|w| w.kind == WarningKind::NeverMatches),
            "{w:#?}"
        );
        let w = regex_warnings(&[r"^https://example\.com$"], &[]);
        assert!(w.is_empty());
    }

    #[test]
    fn null_origin() {
        let mut w = Vec::new();
        lint(
            &LintInput {
                null: true,
                ..LintInput::default()
            },
            &mut w,
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, WarningKind::NullOrigin);
        assert_eq!(w[0].field, "allow_origins");
        assert!(w[0].hint.contains("sandboxed iframes"));
        let mut w = Vec::new();
        lint(
            &LintInput {
                origins: vec!["https://example.com"],
                ..LintInput::default()
            },
            &mut w,
        );
        assert!(w.is_empty());
    }

    #[test]
    fn http_beside_https() {
        let run = |origins: Vec<&str>, patterns: Vec<&OriginPattern>| {
            let mut w = Vec::new();
            let input = LintInput {
                origins,
                patterns: patterns.into_iter().enumerate().collect(),
                ..LintInput::default()
            };
            lint(&input, &mut w);
            w
        };
        let w = run(vec!["https://example.com", "http://example.com"], vec![]);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(
            (w[0].kind, w[0].value.as_str()),
            (WarningKind::InsecureScheme, "http://example.com")
        );

        let https_pat = pat("https://*.example.com");
        let http_pat = pat("http://*.example.com");
        let w = run(vec!["http://app.example.com"], vec![&https_pat]);
        assert_eq!(w.len(), 1, "{w:#?}");
        let w = run(vec![], vec![&https_pat, &http_pat]);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].field, "allow_origin_patterns[1]");

        // Not for loopback, not without an https twin, not for other hosts.
        assert!(run(
            vec!["http://localhost:3000", "https://localhost:3000"],
            vec![]
        )
        .is_empty());
        assert!(run(vec!["http://127.0.0.1:8080", "https://127.0.0.1"], vec![]).is_empty());
        assert!(run(vec!["http://[::1]:8080", "https://[::1]"], vec![]).is_empty());
        assert!(run(vec!["http://example.com"], vec![]).is_empty());
        assert!(run(
            vec!["http://example.com", "https://example.org"],
            vec![&https_pat]
        )
        .is_empty());
    }

    #[test]
    fn credentials_with_broad_matching() {
        let re = full(r"https://([a-z0-9-]+\.)*example\.com");
        let p = pat("https://*.example.com");
        let cases: Vec<(LintInput<'_>, bool)> = vec![
            (
                LintInput {
                    credentials: true,
                    regexes: vec![(0, "x", &re)],
                    ..LintInput::default()
                },
                true,
            ),
            (
                LintInput {
                    credentials: true,
                    patterns: vec![(0, &p)],
                    ..LintInput::default()
                },
                true,
            ),
            (
                LintInput {
                    credentials: true,
                    has_predicate: true,
                    ..LintInput::default()
                },
                true,
            ),
            (
                LintInput {
                    credentials: true,
                    has_predicate: true,
                    patterns: vec![(0, &p)],
                    regexes: vec![(0, r"https://([a-z0-9-]+\.)*example\.com", &re)],
                    ..LintInput::default()
                },
                true,
            ),
            (
                LintInput {
                    credentials: true,
                    origins: vec!["https://example.com"],
                    ..LintInput::default()
                },
                false,
            ),
            (
                LintInput {
                    credentials: false,
                    patterns: vec![(0, &p)],
                    has_predicate: true,
                    ..LintInput::default()
                },
                false,
            ),
        ];
        for (input, want) in cases {
            let mut w = Vec::new();
            lint(&input, &mut w);
            let creds: Vec<_> = w
                .iter()
                .filter(|w| w.kind == WarningKind::CredentialsWithBroadMatch)
                .collect();
            assert_eq!(creds.len(), usize::from(want), "{input:?}: {w:#?}");
            if want {
                assert!(creds[0].message.contains("every matching origin"));
                assert_eq!(creds[0].field, "allow_credentials");
            }
        }
    }
}
