//! `parse_request_origin` on arbitrary bytes: never panics, and whatever it
//! accepts is a printable, lowercase, path-free serialized origin that
//! round-trips and agrees with the reference parser.
#![no_main]

use fastcors_core::origin::{parse_request_origin, RequestOrigin, MAX_ORIGIN_LEN};
use fastcors_fuzz::{default_port, model_parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = parse_request_origin(data);
    // The reference parser and the engine agree on what is well-formed.
    let model = if data == b"null" {
        Some(None)
    } else {
        model_parse(data).map(Some)
    };
    assert_eq!(
        parsed.is_ok(),
        model.is_some(),
        "{:?}: {parsed:?}",
        String::from_utf8_lossy(data)
    );
    let Ok(origin) = parsed else { return };
    // Deterministic.
    assert_eq!(parse_request_origin(data), Ok(origin));
    let s = origin.as_str();
    assert_eq!(s.as_bytes(), data, "the value is the input, unchanged");
    assert!(data.len() <= MAX_ORIGIN_LEN);
    assert!(
        data.iter().all(|b| (0x21..=0x7e).contains(b)),
        "not printable ASCII"
    );
    assert!(!data.iter().any(|b| b.is_ascii_uppercase()), "uppercase");
    assert!(
        !data.iter().any(|b| b",@?#\\".contains(b)),
        "comma, userinfo, query or fragment"
    );
    match origin {
        RequestOrigin::Null => assert_eq!(data, b"null"),
        RequestOrigin::Tuple(o) => {
            let rest = s
                .strip_prefix(o.scheme)
                .and_then(|r| r.strip_prefix("://"))
                .expect("scheme://");
            assert!(!rest.contains('/'), "path in {s}");
            assert!(!o.host.is_empty());
            // Round trip: the parts serialize back to exactly the input.
            let rebuilt = match o.port {
                Some(p) => format!("{}://{}:{p}", o.scheme, o.host),
                None => format!("{}://{}", o.scheme, o.host),
            };
            assert_eq!(rebuilt, s);
            assert_eq!(o.serialized, s);
            if let Some(p) = o.port {
                assert_ne!(p, 0);
                assert_ne!(default_port(o.scheme), Some(p), "default port kept");
            }
            let (scheme, host, port) = model.flatten().expect("model agrees");
            assert_eq!(
                (scheme.as_str(), host.as_str(), port),
                (o.scheme, o.host, o.port)
            );
        }
    }
});
