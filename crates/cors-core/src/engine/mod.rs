//! The engine: [`compile`] turns a configuration into an immutable
//! [`Engine`]; [`evaluate`] reads it to decide each request. Dependencies
//! point one way: `compile` → `plan` ← `evaluate`; neither knows the other.
//! [`Cors`] is the shared handle frontends hold.

mod compile;
mod evaluate;
pub(crate) mod plan;

use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, Preset};
use crate::decision::{Decision, OriginCheck, PendingCheck, VaryMode};
use crate::dynamic::{DynamicOrigins, OriginPredicate, PredicateCache};
use crate::error::{ConfigErrors, Warning};
use crate::explain::Explanation;
use crate::index::{FstOrigins, MatchedBy, StaticIndex};
use crate::request::RequestView;
use crate::value::PolicyValue;

pub use compile::starlette::{
    all_methods as starlette_all_methods, attributes as starlette_attributes,
    safelisted_headers as starlette_safelisted_headers, StarletteAttributes,
};
pub use plan::{Behavior, PreflightProcedure};

/// A compiled configuration. Read-only once built, except the global
/// origins ([`DynamicOrigins`], swapped atomically) and the predicate's
/// answer cache.
pub(crate) struct Engine {
    preset: Preset,
    behavior: Behavior,
    /// Rules in order, the global policy last.
    policies: Vec<plan::CompiledPolicy>,
    /// `allow_origins = ["*"]` in the global policy.
    any_origin: bool,
    /// Every policy value, indexed by [`PolicyValue::id`].
    values: Vec<PolicyValue>,
    statics: StaticIndex,
    global: DynamicOrigins,
    fst: Option<FstOrigins>,
    dynamic: Option<DynamicCheck>,
    warnings: Vec<Warning>,
    /// How long a host may wait for an async origin predicate.
    origin_check_timeout: Duration,
}

impl Engine {
    fn any_origin(&self) -> bool {
        self.any_origin
    }
}

/// The dynamic origin predicate of the global policy.
struct DynamicCheck {
    predicate: OriginPredicate,
    /// An optimisation only: every decision is right without it.
    cache: PredicateCache,
}

/// A built CORS engine. Cheap to clone (one reference count), `Send + Sync`.
#[derive(Clone)]
pub struct Cors {
    inner: Arc<Engine>,
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

impl Cors {
    pub(crate) fn compile(
        cfg: &Config,
        predicate: Option<OriginPredicate>,
    ) -> Result<Cors, ConfigErrors> {
        let engine = compile::compile(cfg, predicate)?;
        Ok(Cors {
            inner: Arc::new(engine),
        })
    }

    /// Validates a configuration and builds the engine.
    ///
    /// ```
    /// let cfg = fastcors_core::Config::from_toml_str(r#"allow_origins = ["https://a.example/"]"#).unwrap();
    /// let err = fastcors_core::Cors::from_config(&cfg).unwrap_err();
    /// assert_eq!(err.errors()[0].field, "allow_origins[0]");
    /// ```
    pub fn from_config(cfg: &Config) -> Result<Cors, ConfigErrors> {
        Cors::compile(cfg, None)
    }

    /// Decides what to do with a request. Never panics; allocates nothing
    /// for exact and wildcard origins. With an async or host-side origin
    /// predicate the answer may be [`Decision::Pending`]: see [`Cors::resume`].
    pub fn evaluate<'a>(&'a self, req: &'a RequestView<'a>) -> Decision<'a> {
        evaluate::evaluate(&self.inner, req, None, &mut None)
    }

    /// Finishes a [`Decision::Pending`] with the predicate's answer; never
    /// returns [`Decision::Pending`]. `req` is the request that was
    /// evaluated. An [`OriginCheck::Allowed`] or [`OriginCheck::Denied`]
    /// answer is cached for `origin_cache_ttl`.
    ///
    /// ```
    /// use fastcors_core::{Cors, Decision, OriginCheck, OriginPredicate, RequestView};
    /// let cors = Cors::builder().origin_predicate(OriginPredicate::External).build().unwrap();
    /// let view = RequestView::new(b"GET").with_origin(b"https://tenant.example");
    /// let Decision::Pending(pending) = cors.evaluate(&view) else { unreachable!() };
    /// assert_eq!(pending.origin(), "https://tenant.example");
    /// // ... ask the database ...
    /// let decision = cors.resume(&view, OriginCheck::Allowed);
    /// assert!(decision.is_allowed());
    /// ```
    pub fn resume<'a>(&'a self, req: &'a RequestView<'a>, answer: OriginCheck) -> Decision<'a> {
        evaluate::evaluate(&self.inner, req, Some(answer), &mut None)
    }

    /// Runs the async predicate for a pending check ([`OriginPredicate::Async`]):
    /// a panic is [`OriginCheck::Failed`], and so is taking longer than
    /// `origin_check_timeout` (with the `tokio` feature). Hand the answer to
    /// [`Cors::resume`]. For other predicate kinds the answer is
    /// [`OriginCheck::Failed`]: the host must ask its own predicate.
    pub fn check_origin(
        &self,
        pending: &PendingCheck<'_>,
    ) -> impl std::future::Future<Output = OriginCheck> + Send + 'static {
        evaluate::check_origin(self.inner.clone(), pending.origin().to_owned())
    }

    /// Evaluates and explains: the decision, its reasons, the exact response
    /// headers, and the rule and entry that admitted the origin.
    pub fn explain(&self, req: &RequestView<'_>) -> Explanation {
        let mut matched = None;
        let d = evaluate::evaluate(&self.inner, req, None, &mut matched);
        let matched = matched.map(|m| (self.rule_name(m.rule), self.matched_by(m.rule, m.by)));
        Explanation::new(&d, matched)
    }

    fn rule_name(&self, rule: usize) -> String {
        self.inner
            .policies
            .get(rule)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    fn matched_by(&self, rule: usize, by: MatchedBy) -> String {
        match by {
            MatchedBy::Any => "allow_origins = [\"*\"]".to_string(),
            MatchedBy::Exact => "an exact origin".to_string(),
            MatchedBy::Fst => "an origin in allow_origins_file".to_string(),
            MatchedBy::Pattern(i) => self.pattern_source(rule, i),
            MatchedBy::Regex(i) => format!("allow_origin_regex[{i}]"),
            MatchedBy::Predicate => "the dynamic origin predicate".to_string(),
        }
    }

    fn pattern_source(&self, rule: usize, i: u32) -> String {
        if rule + 1 == self.inner.policies.len() {
            if let Some(p) = self.inner.global.pattern_source(i as usize) {
                return format!("allow_origin_patterns: {p}");
            }
        }
        format!("allow_origin_patterns[{i}]")
    }

    /// Whether actual requests from `origin` get CORS headers (Starlette's
    /// `is_allowed_origin`). An origin only an async or host-side predicate
    /// can judge counts as not allowed.
    pub fn is_allowed_origin(&self, origin: &str) -> bool {
        let view = RequestView::new(b"GET").with_origin(origin.as_bytes());
        let mut matched = None;
        evaluate::evaluate(&self.inner, &view, None, &mut matched);
        matched.is_some()
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

    /// The behaviour's `Vary` mode (for adapters writing `Reject` responses).
    pub fn vary_mode(&self) -> VaryMode {
        self.inner.behavior.vary_mode
    }

    /// Runtime updates of the global exact origins and patterns.
    pub fn origins(&self) -> &DynamicOrigins {
        &self.inner.global
    }

    /// How long a host may wait for an async origin predicate
    /// (`origin_check_timeout`; zero: no limit).
    pub fn origin_check_timeout(&self) -> Duration {
        self.inner.origin_check_timeout
    }

    /// Every policy value a decision can carry, in [`PolicyValue::id`]
    /// order: a frontend that writes values in its own form (the Python
    /// package's `bytes`) converts this list once, when it is built.
    pub fn policy_values(&self) -> &[PolicyValue] {
        &self.inner.values
    }
}
