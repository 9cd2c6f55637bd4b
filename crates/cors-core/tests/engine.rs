//! Engine features beyond single decisions: dynamic origins, predicates,
//! rules, explanations, warnings, fst files, hostile input.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fastcors_core::{
    Config, Cors, Decision, HeaderName, OriginCheck, OriginPredicate, Preset, Reason, RequestView,
    WarningKind,
};

fn allowed(cors: &Cors, origin: &str) -> bool {
    cors.evaluate(&RequestView::new(b"GET").with_origin(origin.as_bytes()))
        .is_allowed()
}

#[test]
fn runtime_add_remove_replace() {
    let cors = Cors::builder()
        .allow_origins(["https://a.example"])
        .build()
        .unwrap();
    assert!(allowed(&cors, "https://a.example"));
    assert!(!allowed(&cors, "https://b.example"));
    cors.origins().add("https://B.example").unwrap();
    assert!(allowed(&cors, "https://b.example"));
    assert!(cors.origins().remove("https://a.example"));
    assert!(!cors.origins().remove("https://a.example"));
    assert!(!allowed(&cors, "https://a.example"));
    cors.origins()
        .replace(["https://c.example", "https://d.example"])
        .unwrap();
    assert_eq!(
        cors.origins().list(),
        ["https://c.example", "https://d.example"]
    );
    assert!(!allowed(&cors, "https://b.example"));
    // A bad entry rejects the whole replacement.
    let err = cors
        .origins()
        .replace(["https://e.example", "e.example"])
        .unwrap_err();
    assert_eq!(err.errors()[0].field, "origins.replace[1]");
    assert!(allowed(&cors, "https://c.example"));
    cors.origins()
        .add_pattern("https://*.tenant.example")
        .unwrap();
    assert!(allowed(&cors, "https://x.tenant.example"));
    assert!(cors.origins().add_pattern("https://*.com").is_err());
    assert!(cors.origins().remove_pattern("https://*.tenant.example"));
    assert!(!allowed(&cors, "https://x.tenant.example"));
}

#[test]
fn concurrent_updates_are_atomic_and_never_block_readers() {
    let cors = Cors::builder()
        .allow_origins(["https://a.example"])
        .build()
        .unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let cors = cors.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut i = 0u32;
            while !stop.load(Ordering::Relaxed) && i < 20_000 {
                // The two sets never share an origin; a torn read would show
                // both or neither.
                let set = if i % 2 == 0 {
                    ["https://a.example", "https://a2.example"]
                } else {
                    ["https://b.example", "https://b2.example"]
                };
                cors.origins().replace(set).unwrap();
                i += 1;
            }
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let cors = cors.clone();
            std::thread::spawn(move || {
                for _ in 0..50_000 {
                    let a = allowed(&cors, "https://a.example");
                    let b = allowed(&cors, "https://b.example");
                    let _ = (a, b);
                    let list = cors.origins().list();
                    assert!(
                        list == ["https://a.example", "https://a2.example"]
                            || list == ["https://b.example", "https://b2.example"]
                            || list == ["https://a.example"],
                        "torn read: {list:?}"
                    );
                }
            })
        })
        .collect();
    for r in readers {
        r.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
}

#[test]
fn sync_predicate_is_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let cors = Cors::builder()
        .allow_origins(["https://static.example"])
        .origin_predicate(OriginPredicate::Sync(Arc::new(move |o: &str| {
            c.fetch_add(1, Ordering::SeqCst);
            o.ends_with(".tenant.example")
        })))
        .build()
        .unwrap();
    assert!(allowed(&cors, "https://static.example"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "static entries answer first"
    );
    assert!(allowed(&cors, "https://x.tenant.example"));
    assert!(allowed(&cors, "https://x.tenant.example"));
    assert!(!allowed(&cors, "https://evil.example"));
    assert!(
        !allowed(&cors, "https://x.tenant.example/"),
        "malformed origins never reach the predicate"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn external_predicate_returns_pending_then_resume_decides() {
    for ttl in [0.0, 60.0] {
        let cfg = fastcors_core::Config {
            origin_cache_ttl: Some(ttl),
            ..Default::default()
        };
        let cors = fastcors_core::CorsBuilder::from_config(cfg)
            .origin_predicate(OriginPredicate::External)
            .build()
            .unwrap();
        let view = RequestView::new(b"GET").with_origin(b"https://db.example");
        match cors.evaluate(&view) {
            Decision::Pending(o) => assert_eq!(o.origin(), "https://db.example"),
            other => panic!("{other:?}"),
        }
        // The answer decides at once, whatever the cache holds.
        let d = cors.resume(&view, OriginCheck::Allowed);
        assert!(d.is_allowed(), "ttl {ttl}: {d:?}");
        assert!(!cors.resume(&view, OriginCheck::Denied).is_allowed());
        let failed = cors.resume(&view, OriginCheck::Failed);
        assert!(!failed.is_allowed());
        assert!(failed.reasons().contains(Reason::OriginCheckFailed));
        // With a cache, the last kept answer (Denied) is reused; without
        // one, every evaluation asks again. A failure is never kept.
        let again = cors.evaluate(&view);
        if ttl == 0.0 {
            assert!(matches!(again, Decision::Pending(_)), "{again:?}");
        } else {
            assert!(!again.is_allowed() && !matches!(again, Decision::Pending(_)));
        }
    }
}

#[test]
fn a_websocket_from_an_origin_that_could_not_be_judged_is_refused() {
    let cors = Cors::builder()
        .origin_predicate(OriginPredicate::External)
        .build()
        .unwrap();
    let view = RequestView::new(b"GET")
        .with_origin(b"https://db.example")
        .with_websocket(true);
    assert!(matches!(cors.evaluate(&view), Decision::Pending(_)));
    assert!(matches!(
        cors.resume(&view, OriginCheck::Failed),
        Decision::Reject(_)
    ));
    assert!(matches!(
        cors.resume(&view, OriginCheck::Allowed),
        Decision::Actual(_)
    ));
}

/// A predicate that hangs is cut off after `origin_check_timeout` and the
/// origin denied; another origin's check is not held up by it.
#[cfg(feature = "tokio")]
#[tokio::test(flavor = "current_thread")]
async fn a_hanging_async_predicate_times_out_and_denies() {
    let cfg = Config {
        origin_check_timeout: Some(0.05),
        ..Default::default()
    };
    let cors = fastcors_core::CorsBuilder::from_config(cfg)
        .origin_predicate(OriginPredicate::Async(Arc::new(|o: String| {
            Box::pin(async move {
                if o.contains("hang") {
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
                true
            })
        })))
        .build()
        .unwrap();
    let hang = RequestView::new(b"GET").with_origin(b"https://hang.example");
    let fine = RequestView::new(b"GET").with_origin(b"https://fine.example");
    let (Decision::Pending(h), Decision::Pending(f)) = (cors.evaluate(&hang), cors.evaluate(&fine))
    else {
        panic!("expected pending checks")
    };
    let started = std::time::Instant::now();
    let (a, b) = tokio::join!(cors.check_origin(&h), cors.check_origin(&f));
    assert_eq!(a, OriginCheck::Failed);
    assert_eq!(b, OriginCheck::Allowed);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let d = cors.resume(&hang, a);
    assert!(!d.is_allowed());
    assert!(d.reasons().contains(Reason::OriginCheckFailed));
}

#[test]
fn a_panicking_sync_predicate_denies() {
    let cors = Cors::builder()
        .origin_predicate(OriginPredicate::Sync(Arc::new(|o: &str| {
            if o.contains("boom") {
                panic!("database down")
            }
            true
        })))
        .build()
        .unwrap();
    let view = RequestView::new(b"GET").with_origin(b"https://boom.example");
    let d = cors.evaluate(&view);
    assert!(!d.is_allowed());
    assert!(d.reasons().contains(Reason::OriginCheckFailed));
    assert!(allowed(&cors, "https://fine.example"));
}

struct NoWake;

impl std::task::Wake for NoWake {
    fn wake(self: Arc<Self>) {}
}

fn poll_once<F: std::future::Future>(fut: F) -> std::task::Poll<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let waker = std::task::Waker::from(Arc::new(NoWake));
    let mut cx = std::task::Context::from_waker(&waker);
    fut.as_mut().poll(&mut cx)
}

#[test]
fn async_predicate_check_then_resume() {
    let cors = Cors::builder()
        .origin_predicate(OriginPredicate::Async(Arc::new(|o: String| {
            Box::pin(async move {
                if o.contains("boom") {
                    panic!("database down")
                }
                o == "https://db.example"
            })
        })))
        .build()
        .unwrap();
    for (origin, want) in [
        ("https://db.example", OriginCheck::Allowed),
        ("https://other.example", OriginCheck::Denied),
        ("https://boom.example", OriginCheck::Failed),
    ] {
        let view = RequestView::new(b"GET").with_origin(origin.as_bytes());
        let Decision::Pending(p) = cors.evaluate(&view) else {
            panic!("{origin}")
        };
        let std::task::Poll::Ready(answer) = poll_once(cors.check_origin(&p)) else {
            panic!("{origin}: not ready")
        };
        assert_eq!(answer, want, "{origin}");
        let d = cors.resume(&view, answer);
        assert_eq!(d.is_allowed(), want == OriginCheck::Allowed, "{origin}");
    }
}

#[test]
fn first_matching_rule_wins() {
    let cfg = Config::from_toml_str(
        r#"
        allow_origins = ["https://a.example"]
        allow_methods = ["GET"]
        [[rules]]
        name = "first"
        allow_origin_patterns = ["https://*.a.example"]
        allow_methods = ["PUT"]
        [[rules]]
        name = "second"
        allow_origins = ["https://x.a.example"]
        allow_methods = ["DELETE"]
        "#,
    )
    .unwrap();
    let cors = Cors::from_config(&cfg).unwrap();
    let pre = |o: &'static [u8], m: &'static [u8]| {
        cors.evaluate(
            &RequestView::new(b"OPTIONS")
                .with_origin(o)
                .with_request_method(m),
        )
        .is_allowed()
    };
    assert!(pre(b"https://x.a.example", b"PUT"));
    assert!(
        !pre(b"https://x.a.example", b"DELETE"),
        "the pattern rule comes first"
    );
    assert!(!pre(b"https://a.example", b"PUT"));
    let e = cors.explain(&RequestView::new(b"GET").with_origin(b"https://x.a.example"));
    assert_eq!(e.matched_rule.as_deref(), Some("first"));
}

#[test]
fn explanations_carry_reasons_and_headers() {
    let cors = Cors::builder()
        .allow_origins(["https://a.example"])
        .allow_headers(["x-a"])
        .build()
        .unwrap();
    let e = cors.explain(
        &RequestView::new(b"OPTIONS")
            .with_origin(b"https://a.example")
            .with_request_method(b"PATCH")
            .with_request_headers(b"x-b"),
    );
    assert_eq!(e.kind, "preflight");
    assert!(!e.allowed);
    assert_eq!(e.status, Some(403));
    assert!(
        e.reasons.iter().any(|r| r.contains("method not allowed")),
        "{e:?}"
    );
    assert!(
        e.reasons
            .iter()
            .any(|r| r.contains("header is not allowed")),
        "{e:?}"
    );
    let e = cors.explain(&RequestView::new(b"GET").with_origin(b"https://a.example/x"));
    assert!(e.reasons[0].contains("path"), "{e:?}");
    let e = cors.explain(&RequestView::new(b"GET"));
    assert_eq!(e.kind, "not-cors");
}

#[test]
fn starlette_preset_turns_origin_mistakes_into_warnings() {
    let cfg = Config {
        preset: Preset::Starlette,
        allow_origins: vec!["https://a.example/".into(), "https://b.example".into()],
        ..Config::default()
    };
    let cors = Cors::from_config(&cfg).unwrap();
    assert!(cors
        .warnings()
        .iter()
        .any(|w| w.kind == WarningKind::NeverMatches && w.field == "allow_origins[0]"));
    assert!(allowed(&cors, "https://b.example"));
    // The same configuration is an error in the standard preset.
    let err = Cors::from_config(&Config {
        preset: Preset::Standard,
        ..cfg
    })
    .unwrap_err();
    assert_eq!(err.errors()[0].field, "allow_origins[0]");
    assert!(err.to_string().contains("fix:"), "{err}");
}

#[test]
fn max_age_above_browser_caps_warns() {
    let cors = Cors::builder()
        .allow_origins(["https://a.example"])
        .max_age(86_400)
        .build()
        .unwrap();
    assert!(cors
        .warnings()
        .iter()
        .any(|w| w.kind == WarningKind::MaxAgeCapped));
}

#[test]
fn fst_file_round_trip() {
    let dir = std::env::temp_dir().join(format!("cors-core-fst-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("origins.fst");
    let list: Vec<String> = (0..1000).map(|i| format!("https://t{i}.example")).collect();
    std::fs::write(&path, fastcors_core::build_fst(&list).unwrap()).unwrap();
    let cfg = Config {
        allow_origins_file: Some(path.clone()),
        ..Config::default()
    };
    let cors = Cors::from_config(&cfg).unwrap();
    assert!(allowed(&cors, "https://t999.example"));
    assert!(!allowed(&cors, "https://t1000.example"));
    let missing = Config {
        allow_origins_file: Some(dir.join("missing.fst")),
        ..Config::default()
    };
    assert_eq!(
        Cors::from_config(&missing).unwrap_err().errors()[0].field,
        "allow_origins_file"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostile_request_headers_are_bounded() {
    let cors = Cors::builder()
        .allow_origins(["https://a.example"])
        .allow_headers(["x-a"])
        .build()
        .unwrap();
    let commas = vec![b','; 1 << 20];
    let view = RequestView::new(b"OPTIONS")
        .with_origin(b"https://a.example")
        .with_request_method(b"GET")
        .with_request_headers(&commas);
    assert!(cors.evaluate(&view).is_allowed());
    // Thousands of fields: fail closed once past the inline capacity.
    let mut view = RequestView::new(b"OPTIONS")
        .with_origin(b"https://a.example")
        .with_request_method(b"GET");
    for _ in 0..5000 {
        view.add_request_headers(b"x-a");
    }
    let d = cors.evaluate(&view);
    assert!(!d.is_allowed());
    assert!(d.reasons().contains(Reason::TooManyRequestHeaders));
    // Several Origin fields are ambiguous in the standard preset.
    let view = RequestView::new(b"GET")
        .with_origin(b"https://a.example")
        .with_origin(b"https://evil.example");
    assert!(!cors.evaluate(&view).is_allowed());
}

#[test]
fn websocket_from_disallowed_origin_is_rejected() {
    let cors = Cors::builder()
        .allow_origins(["https://a.example"])
        .build()
        .unwrap();
    let headers: [(&[u8], &[u8]); 2] = [
        (b"origin", b"https://evil.example"),
        (b"Upgrade", b"WebSocket"),
    ];
    let view = RequestView::from_pairs(b"GET", headers);
    match cors.evaluate(&view) {
        Decision::Reject(r) => {
            assert_eq!(r.status, 403);
            assert!(r.reasons.contains(Reason::WebSocketOriginNotAllowed));
        }
        other => panic!("{other:?}"),
    }
    let ok = RequestView::new(b"GET")
        .with_origin(b"https://a.example")
        .with_websocket(true);
    assert!(cors.evaluate(&ok).is_allowed());
}

#[test]
fn lints_reach_the_engine() {
    let cors = Cors::builder()
        .preset(Preset::Starlette)
        .allow_origin_regex([r"https://.*example\.com"])
        .build()
        .unwrap();
    let w = cors
        .warnings()
        .iter()
        .find(|w| w.kind == WarningKind::BroadMatch)
        .expect("broad regex warning");
    assert!(w.message.contains("https://evilexample.com"), "{w}");
    assert!(
        allowed(&cors, "https://evilexample.com"),
        "the lint warns; it does not change matching"
    );
    let view = RequestView::new(b"GET").with_origin(b"https://a.example.com");
    let d = cors.evaluate(&view);
    let Decision::Actual(a) = d else { panic!() };
    assert_eq!(
        a.headers.get(HeaderName::AllowOrigin),
        Some(&b"https://a.example.com"[..])
    );
}
