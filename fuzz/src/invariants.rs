//! Invariants every decision must satisfy, for every configuration without a
//! dynamic predicate, in both presets.

use fastcors_core::origin::parse_request_origin;
use fastcors_core::{Cors, Decision, HeaderName, Preset, Value};

use crate::req::{is_ctl, same_slice, within};
use crate::Req;

/// Invariants that hold for every configuration without a dynamic predicate,
/// in both presets. `precomputed_acah` lists the values the configuration may
/// send in `Access-Control-Allow-Headers` besides mirrored request fields
/// (`None`: do not check).
pub fn check_invariants(
    cors: &Cors,
    req: &Req,
    d: &Decision<'_>,
    precomputed_acah: Option<&[&str]>,
) {
    let preset = cors.preset();
    let origins = req.origins();
    let acrh = req.acrh();
    let typed: Vec<(HeaderName, Value<'_>)> = match d {
        Decision::Preflight(p) => {
            if p.allowed {
                assert!(
                    (200..300).contains(&p.status),
                    "allowed preflight with status {}",
                    p.status
                );
            } else {
                assert!(
                    p.status >= 400,
                    "refused preflight with status {}",
                    p.status
                );
            }
            assert!(
                req.is_preflight(),
                "a preflight decision for a non-preflight request"
            );
            p.headers.iter().collect()
        }
        Decision::Actual(a) => {
            assert_eq!(a.cors, !origins.is_empty());
            assert!(!a.allowed || a.cors, "allowed without an Origin");
            if !a.cors {
                assert!(
                    a.headers.is_empty(),
                    "CORS headers without an Origin: {:?}",
                    a.headers
                );
            }
            assert!(!req.is_preflight(), "an actual decision for a preflight");
            a.headers.iter().collect()
        }
        Decision::Reject(r) => {
            assert_eq!(r.status, 403);
            assert!(!origins.is_empty(), "rejected a request without Origin");
            Vec::new()
        }
        Decision::Pending(o) => panic!("pending check without a predicate: {o}"),
    };
    check_provenance(req, &typed);
    let headers: Vec<(HeaderName, &[u8])> = typed.iter().map(|(n, v)| (*n, v.as_bytes())).collect();

    // Single-valued headers appear at most once.
    for name in [
        HeaderName::AllowOrigin,
        HeaderName::AllowCredentials,
        HeaderName::AllowMethods,
        HeaderName::MaxAge,
        HeaderName::ExposeHeaders,
        HeaderName::AllowPrivateNetwork,
        HeaderName::Vary,
    ] {
        let n = headers.iter().filter(|(h, _)| *h == name).count();
        assert!(n <= 1, "{} appears {n} times: {headers:?}", name.as_str());
    }

    let acao = headers
        .iter()
        .find(|(h, _)| *h == HeaderName::AllowOrigin)
        .map(|(_, v)| *v);
    let acac = headers
        .iter()
        .find(|(h, _)| *h == HeaderName::AllowCredentials)
        .map(|(_, v)| *v);
    if let Some(v) = acac {
        assert_eq!(v, b"true");
    }
    if let Some(v) = acao {
        assert!(acac.is_none() || v != b"*", "ACAO * together with ACAC");
        if v != b"*" {
            // Only ever the request's own (first) origin, well-formed and allowed.
            let first = origins.first().copied().expect("ACAO echo without Origin");
            assert_eq!(v, first, "ACAO is not the request origin");
            let parsed = parse_request_origin(first);
            assert!(
                parsed.is_ok(),
                "reflected a malformed origin {:?}",
                String::from_utf8_lossy(first)
            );
            let s = std::str::from_utf8(first).unwrap();
            assert!(
                cors.is_allowed_origin(s),
                "reflected a disallowed origin {s}"
            );
            if preset == Preset::Standard {
                assert_eq!(origins.len(), 1, "reflected one of several Origin fields");
            }
        }
    }

    // Allow-Headers: one of the request's own fields, exactly, or precomputed.
    for (h, v) in &headers {
        if *h != HeaderName::AllowHeaders {
            continue;
        }
        if let Some(f) = acrh.iter().find(|f| within(v, f)) {
            assert!(
                same_slice(v, f),
                "ACAH is part of a request field, not the field"
            );
        } else if let Some(list) = precomputed_acah {
            assert!(
                list.iter().any(|p| p.as_bytes() == *v),
                "ACAH {:?} is neither a request field nor precomputed ({list:?})",
                String::from_utf8_lossy(v)
            );
        }
    }

    // Never an invalid header value out of valid input; never out of any
    // input in the standard preset (which validates what it mirrors).
    if preset == Preset::Standard || req.values_are_clean() {
        for (h, v) in &headers {
            assert!(
                !v.iter().any(|&b| is_ctl(b)),
                "{} value has a control byte: {:?}",
                h.as_str(),
                String::from_utf8_lossy(v)
            );
        }
    }

    if preset == Preset::Standard {
        let refused = !d.is_allowed();
        match d {
            Decision::Preflight(p) if refused => {
                // A refused origin (or request) learns nothing but the refusal.
                assert!(
                    p.headers.iter().all(|(h, _)| h == HeaderName::Vary),
                    "refused standard preflight carries {:?}",
                    p.headers
                );
            }
            Decision::Actual(a) if refused => {
                assert!(
                    a.headers.is_empty(),
                    "refused standard actual carries {:?}",
                    a.headers
                );
            }
            _ => {}
        }
        if d.is_allowed() {
            assert!(acao.is_some(), "allowed without ACAO");
        }
    }
}

/// Every value is what its type says: a policy value never holds a byte a
/// header cannot carry (in any preset, from any configuration that built),
/// a reflected origin is the request's first `Origin` field, a mirrored
/// field is the request's own field at that index.
fn check_provenance(req: &Req, headers: &[(HeaderName, Value<'_>)]) {
    let acrh = req.acrh();
    for (h, v) in headers {
        match *v {
            Value::Policy(p) => assert!(
                !p.as_bytes().iter().any(|&b| is_ctl(b) && b != b'\t'),
                "{} policy value has a control byte: {:?}",
                h.as_str(),
                String::from_utf8_lossy(p.as_bytes())
            ),
            Value::Origin(o) => {
                assert_eq!(Some(&o), req.origins().first(), "not the first Origin")
            }
            Value::RequestMethod(m) => {
                assert_eq!(Some(m), req.acrm(), "not the request's method field")
            }
            Value::RequestHeaders { index, value } => {
                let field = acrh.get(index as usize).expect("no such ACRH field");
                assert!(same_slice(value, field), "not the request's field {index}");
            }
        }
    }
}
