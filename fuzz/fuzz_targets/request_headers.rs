//! Preflights with arbitrary `Access-Control-Request-Headers` bytes and
//! fields against a few fixed configurations: never panics, every
//! `Access-Control-Allow-Headers` value is either precomputed or exactly one
//! of the request's own fields, and the explicit-list standard configuration
//! agrees with the reference model.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use fastcors_core::{Cors, Preset};
use fastcors_fuzz::{check_invariants, check_model, model_standard, Req};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    cors: Cors,
    precomputed: &'static [&'static str],
}

fn fixtures() -> &'static [Fixture] {
    static F: OnceLock<Vec<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let base = |p: Preset| {
            Cors::builder()
                .preset(p)
                .allow_origins(["https://a.example"])
                .allow_methods(["GET", "PUT"])
        };
        let rule = fastcors_core::RuleConfig {
            allow_origins: vec!["https://b.example".into()],
            allow_headers: Some(vec!["X-B".into()]),
            ..Default::default()
        };
        vec![
            // 0: the model-checked one (see below).
            Fixture {
                cors: base(Preset::Standard)
                    .allow_headers(["content-type", "X-Token"])
                    .allow_credentials(true)
                    .build()
                    .unwrap(),
                precomputed: &["content-type, x-token"],
            },
            Fixture {
                cors: base(Preset::Standard).allow_headers(["*"]).build().unwrap(),
                precomputed: &[],
            },
            Fixture {
                cors: base(Preset::Standard)
                    .allow_headers(["*", "Authorization"])
                    .allow_credentials(true)
                    .config_mut_dangerous()
                    .build()
                    .unwrap(),
                precomputed: &[],
            },
            Fixture {
                cors: base(Preset::Starlette)
                    .allow_headers(["X-Token"])
                    .build()
                    .unwrap(),
                precomputed: &["Accept, Accept-Language, Content-Language, Content-Type, X-Token"],
            },
            Fixture {
                cors: base(Preset::Starlette)
                    .allow_headers(["*"])
                    .allow_credentials(true)
                    .build()
                    .unwrap(),
                precomputed: &[],
            },
            Fixture {
                cors: base(Preset::Standard)
                    .allow_headers(["content-type"])
                    .rule(rule.clone())
                    .build()
                    .unwrap(),
                precomputed: &["content-type", "x-b"],
            },
            Fixture {
                cors: base(Preset::Starlette)
                    .allow_headers(["content-type"])
                    .rule(rule)
                    .build()
                    .unwrap(),
                // Starlette merges case-sensitively (`SAFELISTED_HEADERS | set(...)`),
                // so "content-type" is kept beside "Content-Type", as in Starlette.
                precomputed: &[
                    "Accept, Accept-Language, Content-Language, Content-Type, content-type",
                    "Accept, Accept-Language, Content-Language, Content-Type, X-B",
                ],
            },
        ]
    })
}

trait Dangerous {
    fn config_mut_dangerous(self) -> Self;
}
impl Dangerous for fastcors_core::CorsBuilder {
    fn config_mut_dangerous(mut self) -> Self {
        self.config_mut()
            .dangerously_allow_credentials_with_wildcards = true;
        self
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    config: u8,
    origin: u8,
    method: u8,
    fields: Vec<Vec<u8>>,
    /// Arbitrary extra `(name, value)` pairs through `RequestView::from_pairs`.
    extra: Vec<(Vec<u8>, Vec<u8>)>,
}

const ORIGINS: &[&[u8]] = &[
    b"https://a.example",
    b"https://b.example",
    b"https://evil.example",
    b"null",
];
const METHODS: &[&[u8]] = &[b"GET", b"PUT", b"DELETE", b"get"];

fuzz_target!(|input: Input| {
    let all = fixtures();
    let fx = &all[input.config as usize % all.len()];
    let mut req = Req {
        method: b"OPTIONS".to_vec(),
        ..Default::default()
    };
    req.fields.push((
        b"origin".to_vec(),
        ORIGINS[input.origin as usize % ORIGINS.len()].to_vec(),
    ));
    req.fields.push((
        b"access-control-request-method".to_vec(),
        METHODS[input.method as usize % METHODS.len()].to_vec(),
    ));
    for f in input.fields.iter().take(12) {
        req.fields
            .push((b"access-control-request-headers".to_vec(), f.clone()));
    }
    for (n, v) in input.extra.iter().take(8) {
        req.fields.push((n.clone(), v.clone()));
    }
    let view = req.view();
    let d = fx.cors.evaluate(&view);
    check_invariants(&fx.cors, &req, &d, Some(fx.precomputed));
    if input.config as usize % all.len() == 0 {
        check_model(&model_standard(&model_config(), &req), &req, &d);
    }
});

/// Fixture 0 as the model's configuration type.
fn model_config() -> fastcors_fuzz::FConfig {
    fastcors_fuzz::FConfig::fixture_zero()
}
