//! Runs every conformance vector (tests/vectors.json) through the engine and
//! applies the decision to an empty application response the way every
//! adapter must (see the `decision` module doc).

use fastcors_core::{merge_vary, Config, Cors, Decision, RequestView, VaryUpdate};
use serde_json::Value;

fn load() -> Vec<Value> {
    let text = include_str!("vectors.json");
    let v: Value = serde_json::from_str(text).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

fn bytes(v: &Value) -> Vec<u8> {
    // Vector strings are latin-1: each char is one byte.
    v.as_str()
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect()
}

/// The response the adapter would send: (kind, status, body, headers).
type Outcome = (String, Option<u16>, Option<String>, Vec<(String, String)>);

fn run(cors: &Cors, method: &[u8], headers: &[(Vec<u8>, Vec<u8>)]) -> Outcome {
    let view = RequestView::from_pairs(method, headers.iter().map(|(n, v)| (&n[..], &v[..])));
    let text = |v: &[u8]| v.iter().map(|&b| b as char).collect::<String>();
    match cors.evaluate(&view) {
        Decision::Preflight(p) => (
            "preflight".into(),
            Some(p.status),
            Some(p.body.to_string()),
            p.headers
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), text(v.as_bytes())))
                .collect(),
        ),
        Decision::Actual(a) => {
            let mut out: Vec<(String, String)> = Vec::new();
            for (n, v) in a.headers.iter() {
                // "set" semantics on an empty response: replace or append.
                match out.iter_mut().find(|(k, _)| k == n.as_str()) {
                    Some(slot) => slot.1 = text(v.as_bytes()),
                    None => out.push((n.as_str().to_string(), text(v.as_bytes()))),
                }
            }
            if let Some(token) = a.vary {
                let existing: Vec<&[u8]> = Vec::new();
                match merge_vary(existing, token, a.vary_mode) {
                    VaryUpdate::Keep => {}
                    VaryUpdate::Append(t) => out.push(("vary".into(), t.into())),
                    VaryUpdate::Set(s) => out.push(("vary".into(), text(&s))),
                }
            }
            ("actual".into(), None, None, out)
        }
        Decision::Reject(r) => (
            "reject".into(),
            Some(r.status),
            Some(String::new()),
            r.vary
                .map(|v| vec![("vary".to_string(), v.to_string())])
                .unwrap_or_default(),
        ),
        Decision::Pending(o) => panic!("no predicate configured, yet pending for {o}"),
    }
}

#[test]
fn all_vectors_pass() {
    let vectors = load();
    assert!(vectors.len() >= 150, "only {} vectors", vectors.len());
    let mut failures = Vec::new();
    for v in &vectors {
        let name = v["name"].as_str().unwrap();
        let expect = &v["expect"];
        let built = serde_json::from_value::<Config>(v["config"].clone())
            .map_err(|e| e.to_string())
            .and_then(|c| Cors::from_config(&c).map_err(|e| format!("{e:?}")));
        if expect["kind"] == "config-error" {
            match built {
                Ok(_) => failures.push(format!("{name}: expected a configuration error")),
                Err(e) => {
                    let field = expect["field"].as_str().unwrap();
                    if !e.contains(&format!("field: \"{field}\"")) {
                        failures.push(format!("{name}: error does not name {field}: {e}"));
                    }
                }
            }
            continue;
        }
        let cors = match built {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: config failed: {e}"));
                continue;
            }
        };
        let method = bytes(&v["request"]["method"]);
        let headers: Vec<(Vec<u8>, Vec<u8>)> = v["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (bytes(&h[0]), bytes(&h[1])))
            .collect();
        let (kind, status, body, got) = run(&cors, &method, &headers);
        let want: Vec<(String, String)> = expect["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_string(),
                    h[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want_status = expect["status"].as_u64().map(|s| s as u16);
        let want_body = expect["body"].as_str().map(str::to_string);
        if kind != expect["kind"].as_str().unwrap()
            || status != want_status
            || body != want_body
            || got != want
        {
            failures.push(format!(
                "{name}:\n   want {} {:?} {:?} {:?}\n   got  {kind} {status:?} {body:?} {got:?}",
                expect["kind"], want_status, want_body, want
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}
