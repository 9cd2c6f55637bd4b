//! Explanations: a decision in owned, printable form.

use serde::Serialize;

use crate::decision::{Decision, Headers};

/// A decision with its reasons, exact headers, and the rule that admitted
/// the origin. Serialises to the JSON `cors explain --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// `preflight`, `actual`, `not-cors`, `reject` or `pending`.
    pub kind: &'static str,
    /// Whether the browser will let the request (or its response) through.
    pub allowed: bool,
    /// The status fastcors-core answers with (`null` when the application answers).
    pub status: Option<u16>,
    /// The response headers fastcors-core writes, in order (`Vary` included).
    pub headers: Vec<(String, String)>,
    /// The body fastcors-core answers with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Why: each reason as a sentence.
    pub reasons: Vec<String>,
    /// The rule that admitted the origin (`global` or the rule's name).
    pub matched_rule: Option<String>,
    /// Which entry of that rule admitted it.
    pub matched_by: Option<String>,
}

impl Explanation {
    pub(crate) fn new(d: &Decision<'_>, matched: Option<(String, String)>) -> Explanation {
        let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
        let pairs = |h: &Headers<'_>| -> Vec<(String, String)> {
            h.iter()
                .map(|(n, v)| (n.canonical().to_string(), text(v.as_bytes())))
                .collect()
        };
        let mut reasons: Vec<String> = Vec::new();
        for r in d.reasons().iter() {
            if let (crate::Reason::MalformedOrigin, Some(m)) = (r, d.reasons().malformed_origin()) {
                reasons.push(format!("{}: {}", r.as_str(), m.as_str()));
            } else {
                reasons.push(r.as_str().to_string());
            }
        }
        let (matched_rule, matched_by) = match matched {
            Some((r, b)) => (Some(r), Some(b)),
            None => (None, None),
        };
        match d {
            Decision::Preflight(p) => Explanation {
                kind: "preflight",
                allowed: p.allowed,
                status: Some(p.status),
                headers: pairs(&p.headers),
                body: Some(p.body.to_string()),
                reasons,
                matched_rule,
                matched_by,
            },
            Decision::Actual(a) => {
                let mut headers = pairs(&a.headers);
                if let Some(v) = a.vary {
                    headers.push(("Vary".into(), v.into()));
                }
                Explanation {
                    kind: if a.cors { "actual" } else { "not-cors" },
                    allowed: a.allowed,
                    status: None,
                    headers,
                    body: None,
                    reasons,
                    matched_rule,
                    matched_by,
                }
            }
            Decision::Reject(r) => Explanation {
                kind: "reject",
                allowed: false,
                status: Some(r.status),
                headers: r
                    .vary
                    .map(|v| vec![("Vary".into(), v.into())])
                    .unwrap_or_default(),
                body: Some(String::new()),
                reasons,
                matched_rule,
                matched_by,
            },
            Decision::Pending(o) => Explanation {
                kind: "pending",
                allowed: false,
                status: None,
                headers: Vec::new(),
                body: None,
                reasons: vec![format!(
                    "the dynamic origin predicate must be asked about {}",
                    o.origin()
                )],
                matched_rule,
                matched_by,
            },
        }
    }
}
