//! Arbitrary JSON through `Config::from_json_str` and `Cors::from_config`:
//! never panics; a configuration that builds evaluates a few requests within
//! the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cfg) = fastcors_core::Config::from_json_str(text) {
        fastcors_fuzz::build_and_probe(cfg);
    }
});
