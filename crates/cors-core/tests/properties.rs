//! Properties of the engine over generated configurations and requests.

use fastcors_core::{Config, Cors, Decision, HeaderName, Preset, RequestView};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a", "b", "api", "example", "com", "net", "xn--p1ai", "evil",
    ])
    .prop_map(str::to_string)
}

fn host() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..4).prop_map(|v| v.join("."))
}

fn origin() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["http", "https"]),
        host(),
        prop::option::of(prop::sample::select(vec![3000u16, 8080, 443, 80])),
    )
        .prop_map(|(s, h, p)| match p {
            Some(p) => format!("{s}://{h}:{p}"),
            None => format!("{s}://{h}"),
        })
}

fn request_origin() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => origin().prop_map(String::into_bytes),
        1 => Just(b"null".to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..40),
        1 => origin().prop_map(|o| format!("{o}/").into_bytes()),
        1 => origin().prop_map(|o| o.to_uppercase().into_bytes()),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    (
        prop::sample::select(vec![Preset::Standard, Preset::Starlette]),
        prop::collection::vec(origin(), 0..4),
        any::<bool>(),
        prop::collection::vec(host().prop_map(|h| format!("https://*.{h}.example")), 0..3),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(preset, origins, any_origin, patterns, credentials, any_headers, dangerous)| {
                let mut c = Config {
                    preset,
                    allow_origins: if any_origin {
                        vec!["*".into()]
                    } else {
                        origins
                    },
                    allow_origin_patterns: patterns,
                    allow_credentials: credentials,
                    allow_headers: if any_headers {
                        vec!["*".into()]
                    } else {
                        vec!["x-a".into()]
                    },
                    expose_headers: vec!["x-total".into()],
                    dangerously_allow_credentials_with_wildcards: dangerous,
                    ..Config::default()
                };
                c.allow_methods = Some(vec!["GET".into(), "PUT".into()]);
                c
            },
        )
}

fn request(origin: &[u8], preflight: bool) -> RequestView<'_> {
    if preflight {
        RequestView::new(b"OPTIONS")
            .with_origin(origin)
            .with_request_method(b"PUT")
            .with_request_headers(b"x-a")
    } else {
        RequestView::new(b"GET").with_origin(origin)
    }
}

fn headers<'a>(d: &Decision<'a>) -> Vec<(HeaderName, &'a [u8])> {
    d.headers()
        .map(|h| h.iter().map(|(n, v)| (n, v.as_bytes())).collect())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No decision ever pairs `Access-Control-Allow-Origin: *` with
    /// credentials, in either preset, whatever the configuration.
    #[test]
    fn never_wildcard_with_credentials(cfg in config(), o in request_origin(), pre in any::<bool>()) {
        let Ok(cors) = Cors::from_config(&cfg) else { return Ok(()) };
        let view = request(&o, pre);
        let d = cors.evaluate(&view);
        let h = headers(&d);
        let star = h.iter().any(|(n, v)| *n == HeaderName::AllowOrigin && *v == b"*");
        let cred = h.iter().any(|(n, _)| *n == HeaderName::AllowCredentials);
        // Starlette sends its static headers (credentials included) to every
        // origin, and "*" for any-origin configs; a browser rejects that pair,
        // so the property is about allowing: never "*" + credentials on an
        // allowed response, and never for the standard preset at all.
        if cfg.preset == Preset::Standard || d.is_allowed() {
            prop_assert!(!(star && cred), "{cfg:?} {:?} -> {h:?}", String::from_utf8_lossy(&o));
        }
    }

    /// Standard preset: every response whose headers depend on the origin
    /// carries `Vary: Origin`, and a reflected origin is always the exact,
    /// well-formed request origin.
    #[test]
    fn standard_varies_and_reflects_only_valid_origins(cfg in config(), o in request_origin(), pre in any::<bool>()) {
        let cfg = Config { preset: Preset::Standard, ..cfg };
        let Ok(cors) = Cors::from_config(&cfg) else { return Ok(()) };
        let view = request(&o, pre);
        let d = cors.evaluate(&view);
        match &d {
            Decision::Actual(a) => prop_assert_eq!(a.vary, Some("Origin")),
            Decision::Preflight(p) => {
                let vary = p.headers.get(HeaderName::Vary).unwrap_or_default();
                prop_assert!(vary.starts_with(b"Origin"));
            }
            Decision::Reject(r) => prop_assert_eq!(r.vary, Some("Origin")),
            Decision::Pending(_) => prop_assert!(false, "no predicate"),
        }
        for (n, v) in headers(&d) {
            if n == HeaderName::AllowOrigin && v != b"*" {
                prop_assert_eq!(v, &o[..]);
                prop_assert!(fastcors_core::origin::parse_request_origin(&o).is_ok());
            }
        }
        if !d.is_allowed() {
            // Refused: nothing but Vary.
            prop_assert!(headers(&d).iter().all(|(n, _)| *n == HeaderName::Vary));
        }
    }

    /// Any byte string as Origin, method or request headers gets a decision.
    #[test]
    fn every_request_gets_a_decision(cfg in config(), o in prop::collection::vec(any::<u8>(), 0..64),
                                     m in prop::collection::vec(any::<u8>(), 0..12),
                                     h in prop::collection::vec(any::<u8>(), 0..64)) {
        let Ok(cors) = Cors::from_config(&cfg) else { return Ok(()) };
        let view = RequestView::new(b"OPTIONS").with_origin(&o).with_request_method(&m).with_request_headers(&h);
        let _ = cors.evaluate(&view);
        let _ = cors.explain(&view);
    }

    /// Normalising a configured origin is idempotent.
    #[test]
    fn normalisation_is_idempotent(o in origin()) {
        use fastcors_core::origin::{parse_configured_origin, ParsedConfigOrigin};
        let mut w = Vec::new();
        let upper = o.to_uppercase();
        for input in [o.as_str(), upper.as_str()] {
            if let Ok(ParsedConfigOrigin::Tuple(c)) = parse_configured_origin("f", input, &mut w) {
                let again = parse_configured_origin("f", &c.serialized, &mut w).unwrap();
                prop_assert_eq!(again, ParsedConfigOrigin::Tuple(c.clone()));
            }
        }
    }

    /// The exact-origin index agrees with a naive list scan.
    #[test]
    fn exact_index_agrees_with_a_list(list in prop::collection::vec(origin(), 0..20), probe in origin()) {
        let mut w = Vec::new();
        let canon: Vec<String> = list.iter().filter_map(|o| match fastcors_core::origin::parse_configured_origin("f", o, &mut w) {
            Ok(fastcors_core::origin::ParsedConfigOrigin::Tuple(c)) => Some(c.serialized),
            _ => None,
        }).collect();
        let cors = Cors::builder().allow_origins(canon.clone()).build().unwrap();
        let naive = canon.contains(&probe);
        prop_assert_eq!(cors.is_allowed_origin(&probe), naive);
        let fst = fastcors_core::FstOrigins::from_origins(&canon).unwrap();
        prop_assert_eq!(fst.contains(&probe), naive);
    }
}
