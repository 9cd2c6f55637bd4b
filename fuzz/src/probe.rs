//! The configuration targets (`config_json`, `config_toml`): build a loaded
//! configuration and probe it.

use fastcors_core::Cors;

use crate::{check_invariants, Req};

/// Builds a loaded configuration (never reading files: a fuzzed
/// `allow_origins_file` could name `/dev/zero`) and, if it builds, evaluates
/// a handful of requests against the invariants.
pub fn build_and_probe(mut cfg: fastcors_core::Config) {
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
