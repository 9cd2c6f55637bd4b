//! The attacker-origin corpus through cors-core.
//!
//! For configurations allowing `https://example.com` (exact),
//! `https://*.example.com` (pattern) and `https://([a-z0-9-]+\.)*example\.com`
//! (regex), in both presets, with and without credentials, none of the
//! origins an attacker can send gets `Access-Control-Allow-Origin` (nor, in
//! the standard preset, `Access-Control-Allow-Credentials`), on simple
//! requests and on preflights. The legitimate origins are checked to be
//! allowed, so that the test fails if matching breaks altogether.

use cors_core::{Cors, Decision, HeaderName, Preset, RequestView};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Exact,
    Pattern,
    Regex,
}

const KINDS: [Kind; 3] = [Kind::Exact, Kind::Pattern, Kind::Regex];
const PRESETS: [Preset; 2] = [Preset::Standard, Preset::Starlette];

fn build(kind: Kind, preset: Preset, credentials: bool) -> Cors {
    let b = Cors::builder()
        .preset(preset)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .expose_headers(["x-total"])
        .allow_credentials(credentials);
    let b = match kind {
        Kind::Exact => b.allow_origins(["https://example.com"]),
        Kind::Pattern => b.allow_origin_patterns(["https://*.example.com"]),
        Kind::Regex => b.allow_origin_regex([r"https://([a-z0-9-]+\.)*example\.com"]),
    };
    b.build()
        .unwrap_or_else(|e| panic!("{kind:?} {preset:?}: {e:?}"))
}

/// Origins each configuration must allow.
fn legitimate(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Exact => &["https://example.com"],
        Kind::Pattern => &["https://a.example.com", "https://deep.sub.example.com"],
        Kind::Regex => &[
            "https://example.com",
            "https://a.example.com",
            "https://deep.sub.example.com",
        ],
    }
}

/// The characters of PortSwigger's CORS cheat sheet, placed after the domain
/// (`https://example.com<c>.evil.com`). `%60` and `%0b` appear both as the
/// literal percent-encoded text and as the byte they stand for.
const SPECIAL: &[&[u8]] = &[
    b"_", b"-", b"\"", b"{", b"}", b"+", b"^", b"%60", b"`", b"!", b"~", b";", b"|", b"&", b"'",
    b"(", b")", b"*", b",", b"$", b"=", b"%0b", b"\x0b",
];

/// Origins no configuration here may allow.
fn attackers(kind: Kind) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        // Reflection, prefix, suffix, substring, unescaped dot.
        "https://evil.com",
        "https://example.com.evil.com",
        "https://evilexample.com",
        "https://xample.com",
        "https://exampleacom",
        "https://wwwaexample.com",
        "https://a.exampleacom",
        // The opaque origin, and an http downgrade.
        "null",
        "http://example.com",
        "http://a.example.com",
        "ws://example.com",
        "wss://a.example.com",
        // Third parties anyone can publish on.
        "https://whatever.github.io",
        "https://codepen.io",
        // What browsers never send: uppercase, trailing slash, default port.
        "HTTPS://EXAMPLE.COM",
        "https://EXAMPLE.COM",
        "https://Example.com",
        "https://A.EXAMPLE.COM",
        "https://a.Example.com",
        "https://example.com/",
        "https://a.example.com/",
        "https://example.com/path",
        "https://example.com:443",
        "https://a.example.com:443",
        "https://example.com.",
        "https://a.example.com.",
        " https://example.com",
        "https://example.com ",
        "https://user@example.com",
        "https://evil.com@example.com",
        "https://example.com, https://evil.com",
        "https://evil.com, https://example.com",
        "https://example.com:8443",
        "https://a.example.com:8443",
        "https://.example.com",
        "https://example.com\\.evil.com",
        "https://example.com#.evil.com",
        "https://example.com?.evil.com",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    for c in SPECIAL {
        let mut o = b"https://example.com".to_vec();
        o.extend_from_slice(c);
        o.extend_from_slice(b".evil.com");
        v.push(o);
        // The same after a subdomain, for the wildcard and the regex.
        let mut o = b"https://a.example.com".to_vec();
        o.extend_from_slice(c);
        o.extend_from_slice(b".evil.com");
        v.push(o);
    }
    // Non-UTF-8 and control bytes.
    v.push(b"https://ex\xe4mple.com".to_vec());
    v.push(b"https://example.com\x00".to_vec());
    v.push(b"https://example.com\r\nx: y".to_vec());
    if kind == Kind::Pattern {
        // The bare parent of a wildcard.
        v.push(b"https://example.com".to_vec());
    }
    for o in cors_core::lint::attacker_origins("example.com") {
        v.push(o.into_bytes());
    }
    v
}

fn simple(origin: &[u8]) -> RequestView<'_> {
    RequestView::new(b"GET").with_origin(origin)
}

fn preflight(origin: &[u8]) -> RequestView<'_> {
    RequestView::new(b"OPTIONS")
        .with_origin(origin)
        .with_request_method(b"PUT")
        .with_request_headers(b"content-type")
}

fn headers<'a>(d: &Decision<'a>) -> Vec<(HeaderName, &'a [u8])> {
    match d {
        Decision::Preflight(p) => p.headers.iter().collect(),
        Decision::Actual(a) => a.headers.iter().collect(),
        Decision::Reject(_) => Vec::new(),
        Decision::PendingOriginCheck(o) => panic!("pending check without a predicate: {o}"),
    }
}

fn show(o: &[u8]) -> String {
    String::from_utf8_lossy(o).escape_debug().to_string()
}

#[test]
fn attacker_origins_get_no_cors_headers() {
    let mut checked = 0;
    for kind in KINDS {
        for preset in PRESETS {
            for credentials in [false, true] {
                let cors = build(kind, preset, credentials);
                for origin in attackers(kind) {
                    for (what, view) in [
                        ("simple", simple(&origin)),
                        ("preflight", preflight(&origin)),
                    ] {
                        let d = cors.evaluate(&view);
                        let h = headers(&d);
                        let ctx = format!(
                            "{kind:?} {preset:?} credentials={credentials} {what} Origin: {}",
                            show(&origin)
                        );
                        assert!(!d.is_allowed(), "{ctx}: allowed: {d:?}");
                        assert_eq!(
                            h.iter().find(|(n, _)| *n == HeaderName::AllowOrigin),
                            None,
                            "{ctx}: ACAO"
                        );
                        // The attacker's origin is never written back, in any header.
                        assert!(h.iter().all(|(_, v)| *v != &origin[..]), "{ctx}: reflected");
                        match preset {
                            Preset::Standard => {
                                assert_eq!(
                                    h.iter().find(|(n, _)| *n == HeaderName::AllowCredentials),
                                    None,
                                    "{ctx}: ACAC"
                                );
                                // A refused origin learns nothing but the refusal.
                                assert!(
                                    h.iter().all(|(n, _)| *n == HeaderName::Vary),
                                    "{ctx}: {h:?}"
                                );
                            }
                            // Starlette sends `Access-Control-Allow-Credentials: true` to
                            // every origin when credentials are on (a documented quirk the
                            // starlette preset reproduces on purpose, see SECURITY.md).
                            // Without ACAO a browser still refuses to expose the response,
                            // so for this preset the guarantee is: no ACAO, not allowed.
                            Preset::Starlette => {}
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} cases");
}

#[test]
fn legitimate_origins_are_allowed() {
    for kind in KINDS {
        for preset in PRESETS {
            for credentials in [false, true] {
                let cors = build(kind, preset, credentials);
                for origin in legitimate(kind) {
                    for (what, view) in [
                        ("simple", simple(origin.as_bytes())),
                        ("preflight", preflight(origin.as_bytes())),
                    ] {
                        let ctx = format!(
                            "{kind:?} {preset:?} credentials={credentials} {what} {origin}"
                        );
                        let d = cors.evaluate(&view);
                        assert!(d.is_allowed(), "{ctx}: refused: {d:?}");
                        let h = headers(&d);
                        let acao = h.iter().find(|(n, _)| *n == HeaderName::AllowOrigin);
                        assert_eq!(
                            acao,
                            Some(&(HeaderName::AllowOrigin, origin.as_bytes())),
                            "{ctx}"
                        );
                        let acac = h.iter().find(|(n, _)| *n == HeaderName::AllowCredentials);
                        assert_eq!(acac.is_some(), credentials, "{ctx}: ACAC");
                    }
                }
            }
        }
    }
}

/// The corpus itself must contain what the brief lists (a guard against the
/// list quietly shrinking).
#[test]
fn corpus_covers_the_listed_attacks() {
    let all = attackers(Kind::Pattern);
    for must in [
        &b"https://evil.com"[..],
        b"https://example.com.evil.com",
        b"https://evilexample.com",
        b"https://xample.com",
        b"https://exampleacom",
        b"https://wwwaexample.com",
        b"null",
        b"http://example.com",
        b"https://example.com_.evil.com",
        b"https://example.com%60.evil.com",
        b"https://example.com`.evil.com",
        b"https://example.com%0b.evil.com",
        b"https://example.com\x0b.evil.com",
        b"https://whatever.github.io",
        b"https://codepen.io",
        b"https://EXAMPLE.COM",
        b"https://example.com/",
        b"https://example.com:443",
        b"https://example.com",
    ] {
        assert!(all.iter().any(|o| o == must), "missing {}", show(must));
    }
    assert_eq!(SPECIAL.len(), 23);
    let lint = cors_core::lint::attacker_origins("example.com");
    assert!(lint.len() >= 10, "{lint:?}");
}

/// Several `Origin` fields: the standard preset refuses them all; the
/// starlette preset reads the first, as Starlette does, so a legitimate first
/// field is allowed and an attacker's first field is not.
#[test]
fn duplicate_origin_fields() {
    for kind in KINDS {
        let legit = legitimate(kind)[0].as_bytes();
        for preset in PRESETS {
            let cors = build(kind, preset, true);
            let evil_first = RequestView::new(b"GET")
                .with_origin(b"https://evil.com")
                .with_origin(legit);
            let d = cors.evaluate(&evil_first);
            assert!(!d.is_allowed(), "{kind:?} {preset:?}");
            assert_eq!(
                headers(&d)
                    .iter()
                    .find(|(n, _)| *n == HeaderName::AllowOrigin),
                None
            );
            let legit_first = RequestView::new(b"GET")
                .with_origin(legit)
                .with_origin(b"https://evil.com");
            let d = cors.evaluate(&legit_first);
            let acao = headers(&d)
                .into_iter()
                .find(|(n, _)| *n == HeaderName::AllowOrigin)
                .map(|(_, v)| v);
            match preset {
                Preset::Standard => assert_eq!(acao, None, "{kind:?}"),
                Preset::Starlette => assert_eq!(acao, Some(legit), "{kind:?}"),
            }
        }
    }
}
