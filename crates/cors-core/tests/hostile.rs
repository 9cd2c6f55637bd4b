//! Hostile input through fastcors-core: huge and malformed request headers,
//! huge configurations, and origin-set updates racing with evaluations.
//!
//! The request shapes every frontend checks are in `hostile.json` (see
//! README.md; [`shared_hostile_set`]); the tests below add what only the
//! engine can show (reasons, borrowed buffers, field counts).
//!
//! Bounded work is shown by construction (each check is one linear pass;
//! see `headers.rs` and `origin.rs`), so these tests assert decisions, never
//! timings: timing belongs in the benchmarks.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use fastcors_core::origin::MalformedOrigin;
use fastcors_core::{Cors, Decision, HeaderName, Preset, Reason, RequestView};
use fastcors_testkit::decision::acao;
use fastcors_testkit::hostile::{HostileSet, Outcome};

const MIB: usize = 1 << 20;
const PRESETS: [Preset; 2] = [Preset::Standard, Preset::Starlette];

/// Engines live for the whole test (decisions borrow from them).
fn leak(cors: Cors) -> &'static Cors {
    Box::leak(Box::new(cors))
}

fn explicit(preset: Preset) -> &'static Cors {
    leak(
        Cors::builder()
            .preset(preset)
            .allow_origins(["https://a.example"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["content-type", "a"])
            .build()
            .unwrap(),
    )
}

fn any_headers(preset: Preset) -> &'static Cors {
    leak(
        Cors::builder()
            .preset(preset)
            .allow_origins(["https://a.example"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["*"])
            .build()
            .unwrap(),
    )
}

fn preflight_with<'a>(acrh: &'a [u8]) -> RequestView<'a> {
    RequestView::new(b"OPTIONS")
        .with_origin(b"https://a.example")
        .with_request_method(b"PUT")
        .with_request_headers(acrh)
}

fn preflight(d: Decision<'_>) -> fastcors_core::Preflight<'_> {
    match d {
        Decision::Preflight(p) => p,
        other => panic!("expected a preflight decision, got {other:?}"),
    }
}

/// Every case of the shared set, in every preset it lists: allowed or
/// refused as it says; an allowed request gets `Access-Control-Allow-Origin`,
/// a refused simple request does not.
#[test]
fn shared_hostile_set() {
    let set = HostileSet::load();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in &set.cases {
        let fields = case.fields();
        let view = RequestView::from_pairs(
            case.method.as_bytes(),
            fields.iter().map(|(n, v)| (&n[..], &v[..])),
        );
        for (preset, want) in case.presets() {
            let cors = set.engine(case, preset);
            let d = cors.evaluate(&view);
            let allowed = d.is_allowed();
            let ok = match want {
                Outcome::Allowed => allowed && acao(&d).is_some(),
                // A refused preflight is answered, never passed on.
                Outcome::Refused if case.is_preflight() => {
                    !allowed && !matches!(d, Decision::Actual(_))
                }
                Outcome::Refused => !allowed && acao(&d).is_none(),
            };
            if !ok {
                failures.push(format!(
                    "{} ({preset}): expected {want:?}, allowed={allowed}, reasons {:?}",
                    case.name,
                    d.reasons()
                ));
            }
            ran += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 60, "only {ran} cases");
}

#[test]
fn a_megabyte_of_commas() {
    let commas = vec![b','; MIB];
    // Standard: HTTP list syntax skips empty items, so nothing is requested.
    let view = preflight_with(&commas);
    let p = preflight(explicit(Preset::Standard).evaluate(&view));
    assert!(p.allowed, "{:?}", p.reasons);
    // Starlette: an empty item is not in the list, as in Starlette.
    let view = preflight_with(&commas);
    let p = preflight(explicit(Preset::Starlette).evaluate(&view));
    assert!(!p.allowed);
    assert!(p.reasons.contains(Reason::HeaderNotAllowed));
    // With `*`, the request's own field is mirrored, never copied or split.
    for preset in PRESETS {
        let cors = any_headers(preset);
        let view = preflight_with(&commas);
        let d = cors.evaluate(&view);
        let p = preflight(d);
        assert!(p.allowed, "{preset:?}: {:?}", p.reasons);
        let acah: Vec<&[u8]> = p
            .headers
            .iter()
            .filter(|(n, _)| *n == HeaderName::AllowHeaders)
            .map(|(_, v)| v.as_bytes())
            .collect();
        assert_eq!(acah.len(), 1, "{preset:?}");
        assert_eq!(
            acah[0].as_ptr(),
            commas.as_ptr(),
            "{preset:?}: not the request's field"
        );
        assert_eq!(acah[0].len(), MIB);
    }
}

#[test]
fn a_megabyte_of_a_comma() {
    let items = b"a,".repeat(MIB / 2);
    assert_eq!(items.len(), MIB);
    // "a" is allowed, but 512Ki names are more than any browser sends: the
    // standard preset stops counting at the limit and refuses.
    let view = preflight_with(&items);
    let p = preflight(explicit(Preset::Standard).evaluate(&view));
    assert!(!p.allowed);
    assert!(
        p.reasons.contains(Reason::TooManyRequestHeaders),
        "{:?}",
        p.reasons
    );
    // Starlette: the trailing empty item is refused.
    let view = preflight_with(&items);
    let p = preflight(explicit(Preset::Starlette).evaluate(&view));
    assert!(!p.allowed);
    // Not allowed at all: refused at the first item.
    let cors = leak(
        Cors::builder()
            .allow_origins(["https://a.example"])
            .allow_headers(["content-type"])
            .build()
            .unwrap(),
    );
    let view = preflight_with(&items);
    let p = preflight(cors.evaluate(&view));
    assert!(!p.allowed);
    assert!(p.reasons.contains(Reason::HeaderNotAllowed));
    // A disallowed item at the very end is still found.
    let mut tail = items.clone();
    tail.extend_from_slice(b"x-late");
    for preset in PRESETS {
        let view = preflight_with(&tail);
        let p = preflight(explicit(preset).evaluate(&view));
        assert!(!p.allowed, "{preset:?}");
    }
}

#[test]
fn one_giant_token() {
    let token = vec![b'x'; MIB];
    for preset in PRESETS {
        let view = preflight_with(&token);
        let p = preflight(explicit(preset).evaluate(&view));
        assert!(!p.allowed, "{preset:?}");
        let why = match preset {
            // Longer than every name together may be.
            Preset::Standard => Reason::TooManyRequestHeaders,
            Preset::Starlette => Reason::HeaderNotAllowed,
        };
        assert!(p.reasons.contains(why), "{preset:?}: {:?}", p.reasons);
    }
    // A valid token, but past the byte limit: refused even under `*`.
    let view = preflight_with(&token);
    let p = preflight(any_headers(Preset::Standard).evaluate(&view));
    assert!(!p.allowed);
    assert!(p.reasons.contains(Reason::TooManyRequestHeaders));
    // Not a token (a space in the middle), within the limits: refused as
    // such in the standard preset.
    let mut spaced = vec![b'x'; 1000];
    spaced[500] = b' ';
    let view = preflight_with(&spaced);
    let p = preflight(any_headers(Preset::Standard).evaluate(&view));
    assert!(!p.allowed);
    assert!(p.reasons.contains(Reason::InvalidRequestHeaders));
    // Non-UTF-8 bytes in a token position.
    let binary: Vec<u8> = (0..MIB).map(|i| (i % 256) as u8).collect();
    for preset in PRESETS {
        let view = preflight_with(&binary);
        let d = explicit(preset).evaluate(&view);
        assert!(!d.is_allowed(), "{preset:?}");
    }
}

#[test]
fn thousands_of_header_fields() {
    let names: Vec<Vec<u8>> = (0..10_000)
        .map(|i| format!("x-unrelated-{i}").into_bytes())
        .collect();
    let mut pairs: Vec<(&[u8], &[u8])> = names.iter().map(|n| (&n[..], &b"v"[..])).collect();
    pairs.push((b"Origin", b"https://a.example"));
    pairs.push((b"ACCESS-CONTROL-REQUEST-METHOD", b"PUT"));
    for _ in 0..5_000 {
        pairs.push((b"access-control-request-headers", b"content-type"));
    }
    for preset in PRESETS {
        let view = RequestView::from_pairs(b"OPTIONS", pairs.iter().copied());
        assert_eq!(view.request_header_fields(), 5_000);
        assert_eq!(
            view.request_headers().len(),
            fastcors_core::request::MAX_REQUEST_HEADER_FIELDS
        );
        let d = explicit(preset).evaluate(&view);
        match preset {
            // More fields than a browser ever sends: fail closed.
            Preset::Standard => {
                assert!(!d.is_allowed());
                assert!(d.reasons().contains(Reason::TooManyRequestHeaders));
            }
            // Starlette reads the first field only.
            Preset::Starlette => assert!(d.is_allowed(), "{d:?}"),
        }
    }
    // Unrelated headers alone change nothing.
    let mut simple: Vec<(&[u8], &[u8])> = names.iter().map(|n| (&n[..], &b"v"[..])).collect();
    simple.push((b"origin", b"https://a.example"));
    let view = RequestView::from_pairs(b"GET", simple.iter().copied());
    for preset in PRESETS {
        let d = explicit(preset).evaluate(&view);
        assert_eq!(acao(&d), Some(&b"https://a.example"[..]), "{preset:?}");
    }
    // Ten thousand Origin fields.
    let many: Vec<(&[u8], &[u8])> = (0..10_000)
        .map(|_| (&b"origin"[..], &b"https://a.example"[..]))
        .collect();
    let view = RequestView::from_pairs(b"GET", many.iter().copied());
    assert_eq!(view.origin_fields(), 10_000);
    let d = explicit(Preset::Standard).evaluate(&view);
    assert!(!d.is_allowed());
    assert!(d.reasons().contains(Reason::MultipleOrigins));
    assert!(explicit(Preset::Starlette).evaluate(&view).is_allowed());
}

#[test]
fn duplicate_and_non_utf8_origins() {
    for preset in PRESETS {
        let cors = explicit(preset);
        let evil_first = RequestView::new(b"GET")
            .with_origin(b"https://evil.example")
            .with_origin(b"https://a.example");
        let d = cors.evaluate(&evil_first);
        assert!(!d.is_allowed(), "{preset:?}");
        assert_eq!(acao(&d), None);
        let same_twice = RequestView::new(b"GET")
            .with_origin(b"https://a.example")
            .with_origin(b"https://a.example");
        let d = cors.evaluate(&same_twice);
        assert_eq!(d.is_allowed(), preset == Preset::Starlette, "{preset:?}");
        for raw in [
            &b"https://a.ex\xffample"[..],
            b"\xff\xfe\xfd",
            b"https://\xc3\xa4.example",
            b"https://a.example\x00",
            b"https://a.example\r\n",
            b"\x80",
        ] {
            for view in [
                RequestView::new(b"GET").with_origin(raw),
                RequestView::new(b"OPTIONS")
                    .with_origin(raw)
                    .with_request_method(b"GET"),
            ] {
                let d = cors.evaluate(&view);
                assert!(!d.is_allowed(), "{preset:?} {raw:?}");
                assert_eq!(acao(&d), None, "{preset:?} {raw:?}");
                assert_eq!(
                    d.reasons().malformed_origin(),
                    Some(MalformedOrigin::InvalidByte),
                    "{raw:?}"
                );
            }
        }
    }
}

#[test]
fn a_megabyte_origin() {
    let mut huge = b"https://".to_vec();
    huge.resize(MIB - b".example".len(), b'a');
    huge.extend_from_slice(b".example");
    assert_eq!(huge.len(), MIB);
    // A listed origin followed by a megabyte.
    let mut listed = b"https://a.example".to_vec();
    listed.resize(MIB, b'a');
    let many_dots = [&b"https://"[..], &b"a.".repeat(MIB / 2 - 8), b"example"].concat();
    for preset in PRESETS {
        for cors in [
            explicit(preset),
            leak(
                Cors::builder()
                    .preset(preset)
                    .allow_origin_patterns(["https://*.example"])
                    .allow_origin_regex([r"https://([a-z]+\.)*example"])
                    .build()
                    .unwrap(),
            ),
        ] {
            for raw in [&huge, &listed, &many_dots] {
                let view = RequestView::new(b"GET").with_origin(raw);
                let d = cors.evaluate(&view);
                assert!(!d.is_allowed(), "{preset:?}");
                assert_eq!(acao(&d), None);
                assert_eq!(
                    d.reasons().malformed_origin(),
                    Some(MalformedOrigin::TooLong)
                );
            }
        }
    }
}

#[test]
fn a_hundred_thousand_origins() {
    let origins: Vec<String> = (0..100_000)
        .map(|i| format!("https://site{i}.example.com"))
        .collect();
    for preset in PRESETS {
        let cors = Cors::builder()
            .preset(preset)
            .allow_origins(origins.iter().cloned())
            .build()
            .expect("100k origins build");
        assert_eq!(cors.origins().list().len(), 100_000);
        for ok in ["https://site0.example.com", "https://site99999.example.com"] {
            assert!(cors
                .evaluate(&RequestView::new(b"GET").with_origin(ok.as_bytes()))
                .is_allowed());
        }
        for no in [
            "https://site100000.example.com",
            "https://site1.example.com.evil.net",
        ] {
            assert!(!cors
                .evaluate(&RequestView::new(b"GET").with_origin(no.as_bytes()))
                .is_allowed());
        }
    }
}

#[test]
fn ten_thousand_patterns() {
    let patterns: Vec<String> = (0..10_000)
        .map(|i| format!("https://*.t{i}.example.com"))
        .collect();
    let cors = Cors::builder()
        .allow_origin_patterns(patterns.iter().cloned())
        .build()
        .expect("10k patterns build");
    assert_eq!(cors.origins().patterns().len(), 10_000);
    let yes = |o: &str| {
        cors.evaluate(&RequestView::new(b"GET").with_origin(o.as_bytes()))
            .is_allowed()
    };
    assert!(yes("https://a.t0.example.com"));
    assert!(yes("https://a.b.t9999.example.com"));
    assert!(!yes("https://t9999.example.com"));
    assert!(!yes("https://a.t10000.example.com"));
    assert!(!yes("https://a.t5.example.com.evil.net"));
    // A deep host walks its labels once.
    let deep = format!("https://{}t7.example.com", "a.".repeat(100));
    assert!(yes(&deep));
    // Past the DNS limit of 255 bytes a host is malformed, however it ends.
    let too_deep = format!("https://{}t7.example.com", "a.".repeat(200));
    assert!(!yes(&too_deep));
}

#[test]
fn a_hundred_regexes() {
    let regexes: Vec<String> = (0..100)
        .map(|i| format!(r"https://pr-{i}-[0-9]+\.preview\.example\.net"))
        .collect();
    // Build succeeds or fails with an error naming the field; never panics.
    match Cors::builder()
        .allow_origin_regex(regexes.iter().cloned())
        .build()
    {
        Ok(cors) => {
            let yes = |o: &[u8]| {
                cors.evaluate(&RequestView::new(b"GET").with_origin(o))
                    .is_allowed()
            };
            assert!(yes(b"https://pr-99-12.preview.example.net"));
            assert!(!yes(b"https://pr-100-12.preview.example.net"));
            // Full match only.
            assert!(!yes(b"https://pr-1-1.preview.example.net.evil.com"));
            assert!(!yes(b"https://evil.com/https://pr-1-1.preview.example.net"));
        }
        Err(e) => assert!(
            e.errors()[0].field.starts_with("allow_origin_regex"),
            "{e:?}"
        ),
    }
    // Catastrophic-backtracking shapes are linear in Rust's regex engine.
    let cors = Cors::builder()
        .allow_origin_regex([r"https://(a+)+\.example", r"https://(a|aa)*b\.example"])
        .build()
        .unwrap();
    let mut evil = b"https://".to_vec();
    evil.extend(std::iter::repeat_n(b'a', 2000));
    evil.extend_from_slice(b"!.example");
    assert!(!cors
        .evaluate(&RequestView::new(b"GET").with_origin(&evil))
        .is_allowed());
    // A regex too large to compile is a configuration error, not a panic.
    let big = Cors::builder()
        .allow_origin_regex([r"https://(\w{100}){100}\.example"])
        .build();
    if let Err(e) = big {
        assert!(
            e.errors()[0].field.starts_with("allow_origin_regex"),
            "{e:?}"
        );
    }
    let many_big = Cors::builder()
        .allow_origin_regex((0..100).map(|i| format!(r"https://x{i}\w{{50}}[a-z]{{20}}\.example")))
        .build();
    if let Err(e) = many_big {
        assert!(
            e.errors()[0].field.starts_with("allow_origin_regex"),
            "{e:?}"
        );
    }
}

#[test]
fn huge_configuration_documents() {
    // A configuration document with 100k origins parses and builds.
    let list: Vec<String> = (0..100_000)
        .map(|i| format!("\"https://s{i}.example.org\""))
        .collect();
    let json = format!("{{\"allow_origins\": [{}]}}", list.join(","));
    let cfg = fastcors_core::Config::from_json_str(&json).unwrap();
    let cors = Cors::from_config(&cfg).unwrap();
    assert!(cors.is_allowed_origin("https://s4242.example.org"));
    // Deep nesting is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(fastcors_core::Config::from_json_str(&format!("{{\"rules\": {deep}}}")).is_err());
    let deep_toml = format!(
        "allow_origins = {}{}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(fastcors_core::Config::from_toml_str(&deep_toml).is_err());
}

/// Four readers evaluate while a writer swaps the exact origins between two
/// sets. Every evaluation must be consistent with one whole set: an origin
/// in both sets is always allowed, an origin in neither never is, and a
/// preflight's headers agree with its own verdict. Readers never wait for
/// the writer, and the last update is the one that stays.
#[test]
fn origin_set_replaced_while_evaluating() {
    let set_a: Vec<String> = (0..500)
        .map(|i| format!("https://a{i}.example"))
        .chain(["https://both.example".to_string()])
        .collect();
    let set_b: Vec<String> = (0..500)
        .map(|i| format!("https://b{i}.example"))
        .chain(["https://both.example".to_string()])
        .collect();
    let cors = Cors::builder()
        .allow_origins(set_a.iter().cloned())
        .allow_methods(["GET", "PUT"])
        .build()
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(5));
    const WRITES: usize = 400;
    let readers: Vec<_> = (0..4)
        .map(|t| {
            let cors = cors.clone();
            let done = done.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut during_writes = 0usize;
                let origins: [&[u8]; 5] = [
                    b"https://both.example",
                    b"https://neither.example",
                    b"https://a7.example",
                    b"https://b7.example",
                    b"https://a499.example",
                ];
                barrier.wait();
                let mut i = t;
                while !done.load(Ordering::Acquire) {
                    let origin = origins[i % origins.len()];
                    i += 1;
                    let view = if i % 2 == 0 {
                        RequestView::new(b"GET").with_origin(origin)
                    } else {
                        RequestView::new(b"OPTIONS")
                            .with_origin(origin)
                            .with_request_method(b"PUT")
                    };
                    let d = cors.evaluate(&view);
                    match origin {
                        b"https://both.example" => assert!(d.is_allowed(), "torn read: {d:?}"),
                        b"https://neither.example" => assert!(!d.is_allowed()),
                        _ => {}
                    }
                    // The headers agree with the verdict of the same evaluation.
                    assert_eq!(acao(&d).is_some(), d.is_allowed(), "{d:?}");
                    if let Some(v) = acao(&d) {
                        assert_eq!(v, origin);
                    }
                    during_writes += 1;
                }
                during_writes
            })
        })
        .collect();
    let writer = {
        let cors = cors.clone();
        let done = done.clone();
        let barrier = barrier.clone();
        let (a, b) = (set_a.clone(), set_b.clone());
        std::thread::spawn(move || {
            barrier.wait();
            for n in 0..WRITES {
                let set = if n % 2 == 0 { &b } else { &a };
                cors.origins().replace(set.iter()).unwrap();
                // Let the readers run between writes on a busy machine.
                std::thread::yield_now();
            }
            done.store(true, Ordering::Release);
        })
    };
    writer.join().unwrap();
    let counts: Vec<usize> = readers.into_iter().map(|r| r.join().unwrap()).collect();
    for (t, n) in counts.iter().enumerate() {
        assert!(
            *n > 0,
            "reader {t} made no progress while the writer ran: {counts:?}"
        );
    }
    // No lost update: the last write (WRITES is even, so set A) is in force.
    let mut want = set_a.clone();
    want.sort();
    assert_eq!(cors.origins().list(), want);
    assert!(cors.is_allowed_origin("https://a7.example"));
    assert!(!cors.is_allowed_origin("https://b7.example"));
}

/// Concurrent adds from several writers are all kept (no lost updates).
#[test]
fn concurrent_adds_are_not_lost() {
    let cors = Cors::builder()
        .allow_origins(["https://seed.example"])
        .build()
        .unwrap();
    let added = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let cors = cors.clone();
            let added = added.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    cors.origins()
                        .add(&format!("https://w{t}-{i}.example"))
                        .unwrap();
                    added.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(added.load(Ordering::Relaxed), 800);
    assert_eq!(cors.origins().list().len(), 801);
    for t in 0..4 {
        assert!(cors.is_allowed_origin(&format!("https://w{t}-199.example")));
    }
}
