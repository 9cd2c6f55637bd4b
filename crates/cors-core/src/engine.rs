//! The engine: building a [`Cors`] from a [`Config`], and evaluating requests.
//!
//! Evaluation is one path for both presets. It reads the request view once,
//! finds the rule that admits the origin, and assembles the decision from
//! header values computed at build time; [`Behavior`] switches select the
//! preset's details. Building validates everything up front, so that a
//! request can never meet a configuration problem.

use std::sync::Arc;

use crate::builder::CorsBuilder;
use crate::compile::build;
use crate::config::{Config, Preset};
use crate::decision::{
    Actual, Decision, HeaderName, Headers, Preflight, Reason, Reasons, Reject, VaryMode,
};
use crate::dynamic::{DynamicOrigins, OriginPredicate, PredicateCache};
use crate::error::{ConfigErrors, Warning};
use crate::explain::Explanation;
use crate::headers::is_token;
use crate::index::{FstOrigins, MatchedBy, OriginMatch, StaticIndex};
use crate::origin::{parse_request_origin, MalformedOrigin, OriginRef, RequestOrigin};
use crate::policy::{Behavior, Policy};
use crate::request::{RequestView, MAX_REQUEST_HEADER_FIELDS};

pub(crate) struct Engine {
    pub(crate) preset: Preset,
    pub(crate) behavior: Behavior,
    /// Rules in order, the global policy last.
    pub(crate) policies: Vec<Policy>,
    pub(crate) statics: StaticIndex,
    pub(crate) global: DynamicOrigins,
    pub(crate) fst: Option<FstOrigins>,
    pub(crate) predicate: Option<OriginPredicate>,
    pub(crate) cache: PredicateCache,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) preflight_vary: &'static str,
}

/// A built CORS engine. Cheap to clone (one reference count), `Send + Sync`.
#[derive(Clone)]
pub struct Cors {
    pub(crate) inner: Arc<Engine>,
}

impl std::fmt::Debug for Cors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cors")
            .field("preset", &self.inner.preset)
            .field("rules", &(self.inner.policies.len() - 1))
            .field("origins", &self.inner.global)
            .finish()
    }
}

/// The result of looking up an origin.
enum Lookup {
    Allowed(OriginMatch),
    Denied,
    Pending,
}

/// The Starlette refusal bodies, one per combination of failures, so that a
/// refusal needs no formatting.
fn starlette_failure_body(origin: bool, method: bool, headers: bool, pna: bool) -> &'static str {
    match (origin, method, headers, pna) {
        (false, false, false, false) => "OK",
        (true, false, false, false) => "Disallowed CORS origin",
        (false, true, false, false) => "Disallowed CORS method",
        (false, false, true, false) => "Disallowed CORS headers",
        (false, false, false, true) => "Disallowed CORS private-network",
        (true, true, false, false) => "Disallowed CORS origin, method",
        (true, false, true, false) => "Disallowed CORS origin, headers",
        (true, false, false, true) => "Disallowed CORS origin, private-network",
        (false, true, true, false) => "Disallowed CORS method, headers",
        (false, true, false, true) => "Disallowed CORS method, private-network",
        (false, false, true, true) => "Disallowed CORS headers, private-network",
        (true, true, true, false) => "Disallowed CORS origin, method, headers",
        (true, true, false, true) => "Disallowed CORS origin, method, private-network",
        (true, false, true, true) => "Disallowed CORS origin, headers, private-network",
        (false, true, true, true) => "Disallowed CORS method, headers, private-network",
        (true, true, true, true) => "Disallowed CORS origin, method, headers, private-network",
    }
}

impl Cors {
    /// Starts a [`CorsBuilder`].
    pub fn builder() -> CorsBuilder {
        CorsBuilder::new()
    }

    /// Validates a configuration and builds the engine.
    ///
    /// ```
    /// let cfg = cors_core::Config::from_toml_str(r#"allow_origins = ["https://a.example/"]"#).unwrap();
    /// let err = cors_core::Cors::from_config(&cfg).unwrap_err();
    /// assert_eq!(err.errors()[0].field, "allow_origins[0]");
    /// ```
    pub fn from_config(cfg: &Config) -> Result<Cors, ConfigErrors> {
        build(cfg, None)
    }

    /// The lints found while building.
    pub fn warnings(&self) -> &[Warning] {
        &self.inner.warnings
    }

    /// The preset.
    pub fn preset(&self) -> Preset {
        self.inner.preset
    }

    /// The behaviour switches in force.
    pub fn behavior(&self) -> &Behavior {
        &self.inner.behavior
    }

    /// Runtime updates of the global exact origins and patterns.
    pub fn origins(&self) -> &DynamicOrigins {
        &self.inner.global
    }

    /// Whether actual requests from `origin` get CORS headers (Starlette's
    /// `is_allowed_origin`). A pending dynamic check counts as not allowed.
    pub fn is_allowed_origin(&self, origin: &str) -> bool {
        let view = RequestView::new(b"GET").with_origin(origin.as_bytes());
        matches!(self.lookup(&view).0, Lookup::Allowed(_))
    }

    /// Records the answer of a host-side (async or foreign) predicate.
    pub fn record_origin_check(&self, origin: &str, allowed: bool) {
        self.inner.cache.put(origin, allowed);
    }

    /// Runs the async predicate for a [`Decision::PendingOriginCheck`] origin
    /// and records the answer. Does nothing for other predicate kinds.
    pub async fn resolve_pending(&self, origin: &str) {
        if let Some(OriginPredicate::Async(f)) = &self.inner.predicate {
            let allowed = f(origin.to_string()).await;
            self.record_origin_check(origin, allowed);
        }
    }

    /// Finds the rule admitting the request's origin.
    fn lookup<'a>(&'a self, req: &RequestView<'a>) -> (Lookup, Option<RequestOrigin<'a>>, Reasons) {
        let e = &*self.inner;
        let mut reasons = Reasons::default();
        let Some(raw) = req.origin() else {
            reasons.add(Reason::NoOrigin);
            return (Lookup::Denied, None, reasons);
        };
        if e.behavior.single_origin_field && req.origin_fields() > 1 {
            reasons.add(Reason::MultipleOrigins);
            reasons.malformed(MalformedOrigin::Multiple);
            return (Lookup::Denied, None, reasons);
        }
        let origin = match parse_request_origin(raw) {
            Ok(o) => o,
            Err(m) => {
                reasons.malformed(m);
                return (Lookup::Denied, None, reasons);
            }
        };
        let text = origin.as_str();
        let tuple: Option<OriginRef<'_>> = match origin {
            RequestOrigin::Tuple(t) => Some(t),
            RequestOrigin::Null => None,
        };
        let global_rule = e.policies.len() - 1;
        let is_null = tuple.is_none();
        // Standard: the opaque origin only matches where "null" is listed.
        let null_listed_only = is_null && !e.behavior.any_origin_admits_null;
        let found = |m: OriginMatch| !(null_listed_only && m.by != MatchedBy::Exact);
        if let Some(m) = e.statics.lookup_rules(text, tuple.as_ref()) {
            if found(m) {
                return (Lookup::Allowed(m), Some(origin), reasons);
            }
        }
        let global = |by| {
            Lookup::Allowed(OriginMatch {
                rule: global_rule,
                by,
            })
        };
        if let Some(by) = e.global.current.load().lookup(text, tuple.as_ref()) {
            return (global(by), Some(origin), reasons);
        }
        if e.fst.as_ref().is_some_and(|f| f.contains(text)) {
            return (global(MatchedBy::Fst), Some(origin), reasons);
        }
        if !null_listed_only {
            if let Some((_, i)) = e
                .statics
                .global_regexes
                .as_ref()
                .and_then(|g| g.first_match(text))
            {
                return (global(MatchedBy::Regex(i)), Some(origin), reasons);
            }
            if e.policies[global_rule].any_origin {
                return (global(MatchedBy::Any), Some(origin), reasons);
            }
        }
        if !is_null {
            if let Some(pred) = &e.predicate {
                let answer = match e.cache.get(text) {
                    Some(a) => Some(a),
                    None => match pred {
                        OriginPredicate::Sync(f) => {
                            let a = f(text);
                            e.cache.put(text, a);
                            Some(a)
                        }
                        OriginPredicate::Async(_) | OriginPredicate::External => None,
                    },
                };
                match answer {
                    Some(true) => return (global(MatchedBy::Predicate), Some(origin), reasons),
                    Some(false) => {}
                    None => return (Lookup::Pending, Some(origin), reasons),
                }
            }
        }
        reasons.add(if is_null {
            Reason::NullOriginNotAllowed
        } else {
            Reason::OriginNotAllowed
        });
        (Lookup::Denied, Some(origin), reasons)
    }

    /// Decides what to do with a request. Never panics; never allocates for
    /// exact and wildcard origins.
    pub fn evaluate<'a>(&'a self, req: &RequestView<'a>) -> Decision<'a> {
        self.evaluate_matched(req, &mut None)
    }

    pub(crate) fn evaluate_matched<'a>(
        &'a self,
        req: &RequestView<'a>,
        matched_out: &mut Option<OriginMatch>,
    ) -> Decision<'a> {
        let e = &*self.inner;
        let b = &e.behavior;
        let (lookup, origin, mut reasons) = self.lookup(req);
        let matched = match lookup {
            Lookup::Pending => {
                let text = origin.map(|o| o.as_str()).unwrap_or("");
                return Decision::PendingOriginCheck(text);
            }
            Lookup::Allowed(m) => Some(m),
            Lookup::Denied => None,
        };
        *matched_out = matched;
        let global = &e.policies[e.policies.len() - 1];
        let policy = matched.map_or(global, |m| &e.policies[m.rule]);
        let allowed = matched.is_some();
        // The origin to reflect: only ever a well-formed one that matched.
        let echo: &'a [u8] = origin.map_or(&[][..], |o| o.as_str().as_bytes());

        if req.is_websocket() && b.check_websocket_origin && req.origin().is_some() && !allowed {
            reasons.add(Reason::WebSocketOriginNotAllowed);
            return Decision::Reject(Reject {
                status: 403,
                reasons,
                vary: Some("Origin"),
            });
        }

        if req.is_preflight() {
            return self.preflight(req, policy, matched, echo, reasons);
        }

        let mut headers = Headers::new();
        let cors = req.origin().is_some();
        if cors && (allowed || b.headers_on_denial) {
            let reflect = allowed
                && (!policy.any_origin || (policy.credentials && b.reflect_with_any_origin));
            if policy.any_origin && (b.headers_on_denial || !reflect) {
                // Standard's wildcard, or Starlette's `simple_headers` entry.
                headers.push(HeaderName::AllowOrigin, b"*");
            } else if reflect && !b.headers_on_denial {
                headers.push(HeaderName::AllowOrigin, echo);
            }
            if policy.credentials {
                headers.push(HeaderName::AllowCredentials, b"true");
            }
            if let Some(v) = &policy.expose_headers_value {
                headers.push(HeaderName::ExposeHeaders, v);
            }
            if reflect && b.headers_on_denial {
                // Starlette sets the origin after its simple headers: in
                // place of the "*" if there is one, else at the end.
                headers.set(HeaderName::AllowOrigin, echo);
            }
            if !allowed && policy.credentials {
                // Never pair a wildcard with credentials for a refused
                // (malformed) origin, even in the starlette preset.
                headers.remove(HeaderName::AllowOrigin);
            }
        }
        if cors && !allowed && b.block_disallowed {
            return Decision::Reject(Reject {
                status: 403,
                reasons,
                vary: Some("Origin"),
            });
        }
        Decision::Actual(Actual {
            cors,
            allowed,
            headers,
            vary: Some("Origin"),
            vary_mode: b.vary_mode,
            reasons,
        })
    }

    fn preflight<'a>(
        &'a self,
        req: &RequestView<'a>,
        policy: &'a Policy,
        matched: Option<OriginMatch>,
        echo: &'a [u8],
        mut reasons: Reasons,
    ) -> Decision<'a> {
        let e = &*self.inner;
        let b = &e.behavior;
        let allowed_origin = matched.is_some();
        let requested_method = req.request_method().unwrap_or(b"");
        let mut headers = Headers::new();
        let mut method_ok = true;
        let mut headers_ok = true;
        let mut pna_ok = true;

        if !allowed_origin && !b.headers_on_denial {
            // Standard: a refused origin learns nothing but the refusal.
            headers.push(HeaderName::Vary, e.preflight_vary.as_bytes());
            return Decision::Preflight(Preflight {
                allowed: false,
                status: b.preflight_denied_status,
                headers,
                body: "",
                content_type: None,
                reasons,
            });
        }

        // Method.
        if b.safelisted_methods_allowed && !is_token(requested_method) {
            reasons.add(Reason::InvalidMethod);
            method_ok = false;
        } else if !policy.allows_method(b, requested_method) {
            reasons.add(Reason::MethodNotAllowed);
            method_ok = false;
        }

        // Requested headers.
        let fields = req.request_headers();
        let mirror_headers = policy.allow_headers_value.is_none() && policy.headers.any;
        if b.starlette_header_check {
            if let Some(first) = fields.first() {
                if !policy.headers.any {
                    if let Err(r) = policy.headers.check_starlette(first) {
                        reasons.add(r);
                        headers_ok = false;
                    }
                }
            }
        } else if req.request_header_fields() as usize > MAX_REQUEST_HEADER_FIELDS {
            reasons.add(Reason::TooManyRequestHeaders);
            headers_ok = false;
        } else if let Err(r) = policy.headers.check_standard(fields) {
            reasons.add(r);
            headers_ok = false;
        }

        // Private network access.
        let pna_requested = req
            .request_private_network()
            .is_some_and(|v| b.any_private_network_value || v.eq_ignore_ascii_case(b"true"));
        if pna_requested && !policy.private_network {
            reasons.add(Reason::PrivateNetworkNotAllowed);
            pna_ok = false;
        }

        let ok = allowed_origin && method_ok && headers_ok && pna_ok;
        if b.preflight_bodies {
            // Starlette: static preflight headers always, then the additions.
            headers.push(HeaderName::Vary, e.preflight_vary.as_bytes());
            let explicit = !policy.any_origin || policy.credentials;
            if !explicit {
                headers.push(HeaderName::AllowOrigin, b"*");
            }
            headers.push(HeaderName::AllowMethods, &policy.allow_methods_value);
            headers.push(HeaderName::MaxAge, &policy.max_age_value);
            if let Some(v) = &policy.allow_headers_value {
                headers.push(HeaderName::AllowHeaders, v);
            }
            if policy.credentials {
                headers.push(HeaderName::AllowCredentials, b"true");
            }
            if allowed_origin && explicit {
                headers.set(HeaderName::AllowOrigin, echo);
            }
            if policy.headers.any {
                if let Some(first) = fields.first() {
                    headers.set(HeaderName::AllowHeaders, first);
                }
            }
            if pna_requested && policy.private_network {
                headers.set(HeaderName::AllowPrivateNetwork, b"true");
            }
            return Decision::Preflight(Preflight {
                allowed: ok,
                status: if ok {
                    b.preflight_ok_status
                } else {
                    b.preflight_denied_status
                },
                headers,
                body: starlette_failure_body(!allowed_origin, !method_ok, !headers_ok, !pna_ok),
                content_type: Some("text/plain; charset=utf-8"),
                reasons,
            });
        }

        if !ok {
            headers.push(HeaderName::Vary, e.preflight_vary.as_bytes());
            return Decision::Preflight(Preflight {
                allowed: false,
                status: b.preflight_denied_status,
                headers,
                body: "",
                content_type: None,
                reasons,
            });
        }
        let reflect = !policy.any_origin || policy.credentials;
        headers.push(HeaderName::AllowOrigin, if reflect { echo } else { b"*" });
        if policy.credentials {
            headers.push(HeaderName::AllowCredentials, b"true");
        }
        if policy.any_method {
            headers.push(HeaderName::AllowMethods, requested_method);
        } else if !policy.allow_methods_value.is_empty() {
            headers.push(HeaderName::AllowMethods, &policy.allow_methods_value);
        }
        if mirror_headers {
            for f in fields {
                if !crate::decision::trim_ows(f).is_empty() {
                    headers.push(HeaderName::AllowHeaders, f);
                }
            }
        } else if let Some(v) = &policy.allow_headers_value {
            headers.push(HeaderName::AllowHeaders, v);
        }
        headers.push(HeaderName::MaxAge, &policy.max_age_value);
        if pna_requested {
            headers.push(HeaderName::AllowPrivateNetwork, b"true");
        }
        headers.push(HeaderName::Vary, e.preflight_vary.as_bytes());
        Decision::Preflight(Preflight {
            allowed: true,
            status: b.preflight_ok_status,
            headers,
            body: "",
            content_type: None,
            reasons,
        })
    }

    /// Evaluates and explains: the decision, its reasons, the exact response
    /// headers, and the rule and entry that admitted the origin.
    pub fn explain(&self, req: &RequestView<'_>) -> Explanation {
        let mut m = None;
        let d = self.evaluate_matched(req, &mut m);
        let m = m.map(|m| {
            let rule = self.inner.policies[m.rule].name.clone();
            let by = match m.by {
                MatchedBy::Any => "allow_origins = [\"*\"]".to_string(),
                MatchedBy::Exact => "an exact origin".to_string(),
                MatchedBy::Fst => "an origin in allow_origins_file".to_string(),
                MatchedBy::Pattern(i) => self.pattern_source(m.rule, i),
                MatchedBy::Regex(i) => format!("allow_origin_regex[{i}]"),
                MatchedBy::Predicate => "the dynamic origin predicate".to_string(),
            };
            (rule, by)
        });
        Explanation::new(&d, m)
    }

    fn pattern_source(&self, rule: usize, i: u32) -> String {
        let e = &*self.inner;
        if rule + 1 == e.policies.len() {
            let cur = e.global.current.load();
            if let Some(p) = cur.pattern_list.get(i as usize) {
                return format!("allow_origin_patterns: {}", p.source());
            }
        }
        format!("allow_origin_patterns[{i}]")
    }

    /// The behaviour's `Vary` mode (for adapters writing `Reject` responses).
    pub fn vary_mode(&self) -> VaryMode {
        self.inner.behavior.vary_mode
    }
}
