//! Arbitrary configurations (structured, both presets, rules) and requests:
//! every decision satisfies the invariants, and in the standard preset it
//! agrees with the reference model in `src/model.rs`.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};

use arbitrary::Arbitrary;
use fastcors_core::Cors;
use fastcors_fuzz::{check_invariants, check_model, model_standard, FConfig, FRequest};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    config: FConfig,
    first: FRequest,
    more: Vec<FRequest>,
}

/// `FASTCORS_FUZZ_STATS=1`: print how often configurations build and
/// decisions allow, to check that the generator reaches the interesting cases.
static STATS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

fn stat(i: usize) {
    let n = STATS[i].fetch_add(1, Ordering::Relaxed);
    if i == 0 && n % 20_000 == 0 && std::env::var_os("FASTCORS_FUZZ_STATS").is_some() {
        let v: Vec<u64> = STATS.iter().map(|s| s.load(Ordering::Relaxed)).collect();
        eprintln!(
            "inputs {} built {} decisions {} allowed {}",
            v[0], v[1], v[2], v[3]
        );
    }
}

fuzz_target!(|input: Input| {
    stat(0);
    let Ok(cors) = Cors::from_config(&input.config.to_config()) else {
        return;
    };
    stat(1);
    for r in std::iter::once(&input.first).chain(input.more.iter().take(3)) {
        let req = r.to_req(&input.config);
        let view = req.view();
        let d = cors.evaluate(&view);
        stat(2);
        if d.is_allowed() {
            stat(3);
        }
        check_invariants(&cors, &req, &d, None);
        if !input.config.starlette {
            check_model(&model_standard(&input.config, &req), &req, &d);
        }
        let _ = cors.explain(&view);
    }
});
