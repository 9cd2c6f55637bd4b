//! `OriginPattern::parse` on arbitrary strings. Accepted patterns: the
//! canonical form parses back to the same pattern, `matches` only admits the
//! scheme, ports and a host at a label boundary, and `PatternIndex::lookup`
//! agrees with `OriginPattern::matches` (lowest value wins), also after a
//! removal.
#![no_main]

use arbitrary::Arbitrary;
use fastcors_core::origin::{parse_request_origin, OriginRef, RequestOrigin};
use fastcors_core::pattern::{OriginPattern, PatternIndex, PortSpec};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    patterns: Vec<String>,
    allow_public_suffix: bool,
    /// Origins as raw bytes.
    origins: Vec<Vec<u8>>,
    /// Origins made from an accepted pattern: (pattern, labels to prepend, port).
    made: Vec<(u8, String, Option<u16>)>,
    remove: u8,
}

fn expected(
    pats: &[(u32, OriginPattern)],
    o: &OriginRef<'_>,
    skip: Option<&OriginPattern>,
) -> Option<u32> {
    pats.iter()
        .filter(|(_, p)| skip.is_none_or(|s| !same_spec(s, p)))
        .filter(|(_, p)| p.matches(o))
        .map(|(v, _)| *v)
        .min()
}

fn same_spec(a: &OriginPattern, b: &OriginPattern) -> bool {
    a.scheme() == b.scheme()
        && a.domain() == b.domain()
        && a.is_wildcard() == b.is_wildcard()
        && a.ports() == b.ports()
}

fuzz_target!(|input: Input| {
    let mut pats: Vec<(u32, OriginPattern)> = Vec::new();
    for (i, s) in input.patterns.iter().take(8).enumerate() {
        let mut w = Vec::new();
        let Ok(p) = OriginPattern::parse(
            "allow_origin_patterns[0]",
            s,
            input.allow_public_suffix,
            &mut w,
        ) else {
            continue;
        };
        // The canonical form is a fixed point.
        let canon = p.to_string();
        let q = OriginPattern::parse("p", &canon, input.allow_public_suffix, &mut Vec::new())
            .unwrap_or_else(|e| panic!("{s:?} -> {canon:?} no longer parses: {e}"));
        assert!(
            same_spec(&p, &q),
            "{s:?} -> {canon:?} parses differently: {p:?} vs {q:?}"
        );
        assert!(!p.domain().is_empty());
        assert!(
            p.is_wildcard() || !matches!(p.ports(), PortSpec::Default),
            "no-wildcard pattern without port wildcard: {s:?}"
        );
        if let PortSpec::List(l) = p.ports() {
            assert!(!l.is_empty() && !l.contains(&0));
            assert!(
                l.windows(2).all(|w| w[0] < w[1]),
                "port list not sorted/deduplicated"
            );
        }
        pats.push((i as u32, p));
    }
    let mut index = PatternIndex::new();
    for (v, p) in &pats {
        index.insert(p, *v);
    }
    assert_eq!(index.len(), pats.len());

    let mut origins: Vec<Vec<u8>> = input.origins.iter().take(8).cloned().collect();
    for (pi, labels, port) in input.made.iter().take(8) {
        let Some((_, p)) = pats.get(*pi as usize % pats.len().max(1)) else {
            break;
        };
        let mut s = format!("{}://", p.scheme());
        if p.is_wildcard() || !labels.is_empty() {
            s.push_str(labels);
            if !labels.is_empty() {
                s.push('.');
            }
        }
        s.push_str(p.domain());
        if let Some(port) = port {
            s.push_str(&format!(":{port}"));
        }
        origins.push(s.into_bytes());
    }

    let removed = pats
        .get(input.remove as usize % pats.len().max(1))
        .map(|(_, p)| p.clone());
    let mut after = index.clone();
    if let Some(r) = &removed {
        assert!(after.remove(r));
    }
    for raw in &origins {
        let Ok(RequestOrigin::Tuple(o)) = parse_request_origin(raw) else {
            continue;
        };
        for (_, p) in &pats {
            if p.matches(&o) {
                // Naive check: same scheme, admitted port, host at a label boundary.
                assert_eq!(o.scheme, p.scheme());
                let d = p.domain();
                if p.is_wildcard() {
                    assert!(
                        o.host.len() > d.len() + 1 && o.host.ends_with(&format!(".{d}")),
                        "{} ~ {}",
                        o.serialized,
                        p.source()
                    );
                } else {
                    assert_eq!(o.host, d);
                }
                assert!(p.ports().admits(o.port));
            }
        }
        assert_eq!(
            index.lookup(&o),
            expected(&pats, &o, None),
            "lookup of {}",
            o.serialized
        );
        assert_eq!(
            after.lookup(&o),
            expected(&pats, &o, removed.as_ref()),
            "lookup after removal of {}",
            o.serialized
        );
    }
});
