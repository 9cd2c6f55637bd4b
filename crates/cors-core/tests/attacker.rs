//! The attacker-origin corpus (`attacker.json`, shared with the adapters and
//! Python; see README.md) through fastcors-core.
//!
//! For each entry (exact `https://example.com`, pattern
//! `https://*.example.com`, regex `https://([a-z0-9-]+\.)*example\.com`, and
//! the three combined), in both presets, with and without credentials, none
//! of the origins an attacker can send gets `Access-Control-Allow-Origin`
//! (nor, in the standard preset, `Access-Control-Allow-Credentials`), on
//! simple requests and on preflights. The legitimate origins are checked to
//! be allowed, so that the test fails if matching breaks altogether.

use fastcors_core::{Cors, HeaderName, Preset, RequestView};
use fastcors_testkit::corpus::{Corpus, Entry};
use fastcors_testkit::decision::headers;
use fastcors_testkit::show;

const PRESETS: [Preset; 2] = [Preset::Standard, Preset::Starlette];

fn build(entry: &Entry, preset: Preset, credentials: bool) -> Cors {
    entry
        .builder(preset)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .expose_headers(["x-total"])
        .allow_credentials(credentials)
        .build()
        .unwrap_or_else(|e| panic!("{} {preset:?}: {e:?}", entry.name))
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

#[test]
fn attacker_origins_get_no_cors_headers() {
    let corpus = Corpus::load();
    let mut checked = 0;
    for entry in &corpus.entries {
        let kind = &entry.name;
        for preset in PRESETS {
            for credentials in [false, true] {
                let cors = build(entry, preset, credentials);
                for origin in corpus.attackers_of(entry) {
                    for (what, view) in [
                        ("simple", simple(&origin)),
                        ("preflight", preflight(&origin)),
                    ] {
                        let d = cors.evaluate(&view);
                        let h = headers(&d);
                        let ctx = format!(
                            "{kind} {preset:?} credentials={credentials} {what} Origin: {}",
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
    let corpus = Corpus::load();
    for entry in &corpus.entries {
        let kind = &entry.name;
        for preset in PRESETS {
            for credentials in [false, true] {
                let cors = build(entry, preset, credentials);
                for origin in &entry.legitimate {
                    for (what, view) in [
                        ("simple", simple(origin.as_bytes())),
                        ("preflight", preflight(origin.as_bytes())),
                    ] {
                        let ctx =
                            format!("{kind} {preset:?} credentials={credentials} {what} {origin}");
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
    let corpus = Corpus::load();
    let all = corpus.attackers_of(corpus.entry("pattern"));
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
    assert_eq!(corpus.special.len(), 23);
    let lint = fastcors_core::lint::attacker_origins("example.com");
    assert!(lint.len() >= 10, "{lint:?}");
    // Nothing of the three corpora the data file replaced was dropped: the
    // entries, the legitimate origins and the union of the attackers.
    let names: Vec<&str> = corpus.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["exact", "pattern", "regex", "combined"]);
    let legitimate: usize = corpus.entries.iter().map(|e| e.legitimate.len()).sum();
    assert_eq!(legitimate, 10);
    assert!(corpus.attackers.len() >= 57, "{}", corpus.attackers.len());
    assert_eq!(corpus.special_templates.len(), 3);
    let shared = corpus.shared_attackers();
    for must in [
        &b"https://ex\xe4mple.com"[..],
        b"https://\xe9xample.com",
        b"https://example.com\x00",
        b"https://example.com\r\nx: y",
        b"https://www.example.com%0b.evil.com",
        b"https://a.example.com\x0b.evil.com",
        b"https://a.example.orgx",
        b"*",
        b"",
    ] {
        assert!(shared.iter().any(|o| o == must), "missing {}", show(must));
    }
}

/// Several `Origin` fields: the standard preset refuses them all; the
/// starlette preset reads the first, as Starlette does, so a legitimate first
/// field is allowed and an attacker's first field is not.
#[test]
fn duplicate_origin_fields() {
    let corpus = Corpus::load();
    for entry in &corpus.entries {
        let kind = &entry.name;
        let legit = entry.legitimate[0].as_bytes();
        for preset in PRESETS {
            let cors = build(entry, preset, true);
            let evil_first = RequestView::new(b"GET")
                .with_origin(b"https://evil.com")
                .with_origin(legit);
            let d = cors.evaluate(&evil_first);
            assert!(!d.is_allowed(), "{kind} {preset:?}");
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
                Preset::Standard => assert_eq!(acao, None, "{kind}"),
                Preset::Starlette => assert_eq!(acao, Some(legit), "{kind}"),
            }
        }
    }
}
