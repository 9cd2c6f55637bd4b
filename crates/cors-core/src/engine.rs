//! The engine: building a [`Cors`] from a [`Config`], and evaluating requests.
//!
//! Evaluation is one path for both presets. It reads the request view once,
//! finds the rule that admits the origin, and assembles the decision from
//! header values computed at build time; [`Behavior`] switches select the
//! preset's details. Building validates everything up front, so that a
//! request can never meet a configuration problem.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::config::{Config, Preset, RuleConfig};
use crate::decision::{
    Actual, Decision, HeaderName, Headers, Preflight, Reason, Reasons, Reject, VaryMode,
};
use crate::error::{ConfigError, ConfigErrors, Warning, WarningKind};
use crate::explain::Explanation;
use crate::headers::is_token;
use crate::index::{
    full_match, FstOrigins, GlobalOrigins, MatchedBy, OriginMatch, RegexGroup, StaticIndex,
};
use crate::lint::{lint, LintInput};
use crate::origin::{
    parse_configured_origin, parse_request_origin, MalformedOrigin, OriginRef, ParsedConfigOrigin,
    RequestOrigin,
};
use crate::pattern::OriginPattern;
use crate::policy::{Behavior, Policy, PolicyInput};
use crate::request::{RequestView, MAX_REQUEST_HEADER_FIELDS};

/// A boxed future answering an async origin predicate.
pub type PredicateFuture = Pin<Box<dyn Future<Output = bool> + Send>>;

/// A dynamic origin check for the global policy, consulted after the static
/// entries (the database-backed case). Answers are cached for
/// `origin_cache_ttl` seconds, at most `origin_cache_size` of them; only
/// well-formed origins are ever passed to it.
#[derive(Clone)]
pub enum OriginPredicate {
    /// Called inline during evaluation.
    Sync(Arc<dyn Fn(&str) -> bool + Send + Sync>),
    /// Called by [`Cors::resolve_pending`] when evaluation returns
    /// [`Decision::PendingOriginCheck`].
    Async(Arc<dyn Fn(String) -> PredicateFuture + Send + Sync>),
    /// Resolved by the host (e.g. Python): on
    /// [`Decision::PendingOriginCheck`], call it and report the answer with
    /// [`Cors::record_origin_check`].
    External,
}

impl std::fmt::Debug for OriginPredicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OriginPredicate::Sync(_) => "OriginPredicate::Sync",
            OriginPredicate::Async(_) => "OriginPredicate::Async",
            OriginPredicate::External => "OriginPredicate::External",
        })
    }
}

/// Bounded TTL cache of predicate answers. Keys are attacker-chosen, so it
/// uses the standard library's randomly seeded hasher and a hard size cap.
#[derive(Debug)]
struct PredicateCache {
    ttl: Duration,
    capacity: usize,
    map: Mutex<HashMap<Box<str>, (bool, Instant)>>,
}

impl PredicateCache {
    fn get(&self, origin: &str) -> Option<bool> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(origin) {
            Some((allowed, at)) if at.elapsed() < self.ttl => Some(*allowed),
            _ => None,
        }
    }

    fn put(&self, origin: &str, allowed: bool) {
        if self.ttl.is_zero() || self.capacity == 0 {
            return;
        }
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.capacity && !map.contains_key(origin) {
            let ttl = self.ttl;
            map.retain(|_, (_, at)| at.elapsed() < ttl);
            if map.len() >= self.capacity {
                // Still full of live entries: drop half, arbitrary ones. The
                // bound matters more than which answers survive.
                let drop: Vec<Box<str>> = map.keys().take(map.len() / 2 + 1).cloned().collect();
                for k in drop {
                    map.remove(&k);
                }
            }
        }
        map.insert(origin.into(), (allowed, Instant::now()));
    }
}

/// Runtime updates of the global policy's exact origins and patterns.
///
/// Readers load the current set without locking; an update builds a new set
/// and swaps it in atomically, so a request sees the old set or the new one,
/// never a mix, and never waits. Writers are serialised among themselves.
pub struct DynamicOrigins {
    current: ArcSwap<GlobalOrigins>,
    write: Mutex<()>,
    allow_public_suffix: bool,
}

impl std::fmt::Debug for DynamicOrigins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cur = self.current.load();
        f.debug_struct("DynamicOrigins")
            .field("origins", &cur.exact.len())
            .field("patterns", &cur.pattern_list.len())
            .finish()
    }
}

fn parse_exact(field: &str, value: &str) -> Result<Box<str>, ConfigError> {
    let mut w = Vec::new();
    Ok(match parse_configured_origin(field, value, &mut w)? {
        ParsedConfigOrigin::Null => "null".into(),
        ParsedConfigOrigin::Tuple(o) => o.serialized.into_boxed_str(),
    })
}

impl DynamicOrigins {
    fn update(&self, f: impl FnOnce(&mut GlobalOrigins)) {
        let _guard = self.write.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = GlobalOrigins::clone(&self.current.load());
        f(&mut next);
        self.current.store(Arc::new(next));
    }

    /// Allows one more exact origin (validated like `allow_origins`).
    pub fn add(&self, origin: &str) -> Result<(), ConfigError> {
        let o = parse_exact("origins.add", origin)?;
        self.update(|g| {
            g.exact.insert(o);
        });
        Ok(())
    }

    /// Stops allowing an exact origin; `false` if it was not there.
    pub fn remove(&self, origin: &str) -> bool {
        let Ok(o) = parse_exact("origins.remove", origin) else {
            return false;
        };
        if !self.current.load().exact.contains(&o) {
            return false;
        }
        let mut removed = false;
        self.update(|g| removed = g.exact.remove(&o));
        removed
    }

    /// Replaces all exact origins at once; on any error nothing changes.
    pub fn replace<I, S>(&self, origins: I) -> Result<(), ConfigErrors>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = rustc_hash::FxHashSet::default();
        let mut errors = Vec::new();
        for (i, o) in origins.into_iter().enumerate() {
            match parse_exact(&format!("origins.replace[{i}]"), o.as_ref()) {
                Ok(o) => {
                    set.insert(o);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        self.update(|g| g.exact = set);
        Ok(())
    }

    /// Adds a wildcard pattern (validated like `allow_origin_patterns`).
    pub fn add_pattern(&self, pattern: &str) -> Result<(), ConfigError> {
        let p = OriginPattern::parse(
            "origins.add_pattern",
            pattern,
            self.allow_public_suffix,
            &mut Vec::new(),
        )?;
        self.update(|g| {
            if !g.pattern_list.iter().any(|q| q.source() == p.source()) {
                g.pattern_list.push(p);
                g.rebuild_patterns();
            }
        });
        Ok(())
    }

    /// Removes a wildcard pattern by its text; `false` if it was not there.
    pub fn remove_pattern(&self, pattern: &str) -> bool {
        let mut removed = false;
        self.update(|g| {
            let before = g.pattern_list.len();
            g.pattern_list.retain(|q| q.source() != pattern);
            removed = g.pattern_list.len() != before;
            if removed {
                g.rebuild_patterns();
            }
        });
        removed
    }

    /// Replaces all wildcard patterns at once; on any error nothing changes.
    pub fn replace_patterns<I, S>(&self, patterns: I) -> Result<(), ConfigErrors>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Vec::new();
        let mut errors = Vec::new();
        for (i, p) in patterns.into_iter().enumerate() {
            match OriginPattern::parse(
                &format!("origins.replace_patterns[{i}]"),
                p.as_ref(),
                self.allow_public_suffix,
                &mut Vec::new(),
            ) {
                Ok(p) => list.push(p),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        self.update(|g| {
            g.pattern_list = list;
            g.rebuild_patterns();
        });
        Ok(())
    }

    /// The exact origins now allowed, sorted.
    pub fn list(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .current
            .load()
            .exact
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.sort();
        v
    }

    /// The patterns now allowed, in insertion order.
    pub fn patterns(&self) -> Vec<String> {
        self.current
            .load()
            .pattern_list
            .iter()
            .map(|p| p.source().to_string())
            .collect()
    }

    /// Whether the exact origin is in the set (after normalisation).
    pub fn contains(&self, origin: &str) -> bool {
        parse_exact("origin", origin).is_ok_and(|o| self.current.load().exact.contains(&o))
    }
}

struct Engine {
    preset: Preset,
    behavior: Behavior,
    /// Rules in order, the global policy last.
    policies: Vec<Policy>,
    statics: StaticIndex,
    global: DynamicOrigins,
    fst: Option<FstOrigins>,
    predicate: Option<OriginPredicate>,
    cache: PredicateCache,
    warnings: Vec<Warning>,
    preflight_vary: &'static str,
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

/// Builds a [`Cors`] from code. Every method maps to a configuration key.
#[derive(Debug, Default)]
pub struct CorsBuilder {
    config: Config,
    predicate: Option<OriginPredicate>,
}

macro_rules! list_setter {
    ($(#[$doc:meta] $name:ident => $field:ident),* $(,)?) => {$(
        #[$doc]
        pub fn $name<I, S>(mut self, values: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.config.$field.extend(values.into_iter().map(Into::into));
            self
        }
    )*};
}

impl CorsBuilder {
    /// An empty configuration (standard preset).
    pub fn new() -> Self {
        CorsBuilder::default()
    }

    /// Starts from a loaded configuration.
    pub fn from_config(config: Config) -> Self {
        CorsBuilder {
            config,
            predicate: None,
        }
    }

    /// The configuration so far.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// `preset`.
    pub fn preset(mut self, p: Preset) -> Self {
        self.config.preset = p;
        self
    }

    list_setter! {
        /// Appends to `allow_origins`.
        allow_origins => allow_origins,
        /// Appends to `allow_origin_patterns`.
        allow_origin_patterns => allow_origin_patterns,
        /// Appends to `allow_origin_regex`.
        allow_origin_regex => allow_origin_regex,
        /// Appends to `allow_headers`.
        allow_headers => allow_headers,
        /// Appends to `expose_headers`.
        expose_headers => expose_headers,
    }

    /// Sets `allow_methods`.
    pub fn allow_methods<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.allow_methods = Some(values.into_iter().map(Into::into).collect());
        self
    }

    /// `allow_credentials`.
    pub fn allow_credentials(mut self, yes: bool) -> Self {
        self.config.allow_credentials = yes;
        self
    }

    /// `allow_private_network`.
    pub fn allow_private_network(mut self, yes: bool) -> Self {
        self.config.allow_private_network = yes;
        self
    }

    /// `max_age` in seconds.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.config.max_age = Some(seconds);
        self
    }

    /// `preflight_status` (standard preset).
    pub fn preflight_status(mut self, status: u16) -> Self {
        self.config.preflight_status = Some(status);
        self
    }

    /// `block_disallowed` (standard preset).
    pub fn block_disallowed(mut self, yes: bool) -> Self {
        self.config.block_disallowed = yes;
        self
    }

    /// `check_websocket_origin`.
    pub fn check_websocket_origin(mut self, yes: bool) -> Self {
        self.config.check_websocket_origin = Some(yes);
        self
    }

    /// Appends a per-origin rule.
    pub fn rule(mut self, rule: RuleConfig) -> Self {
        self.config.rules.push(rule);
        self
    }

    /// Sets the dynamic origin predicate of the global policy.
    pub fn origin_predicate(mut self, p: OriginPredicate) -> Self {
        self.predicate = Some(p);
        self
    }

    /// Validates everything and builds the engine.
    pub fn build(self) -> Result<Cors, ConfigErrors> {
        build(&self.config, self.predicate)
    }
}

/// Collects errors, or warnings instead in the starlette preset for
/// mistakes Starlette itself accepts (so every configuration that works
/// with Starlette works with the drop-in).
struct Problems {
    lenient: bool,
    errors: Vec<ConfigError>,
    warnings: Vec<Warning>,
}

impl Problems {
    fn error(&mut self, e: ConfigError) {
        self.errors.push(e);
    }

    /// An error in the standard preset, a warning in the starlette preset.
    fn strict(&mut self, e: ConfigError, kind: WarningKind) {
        if self.lenient {
            self.warnings
                .push(Warning::new(kind, e.field, e.value, e.message, e.hint));
        } else {
            self.errors.push(e);
        }
    }
}

/// The origins of one rule (or the global policy), parsed.
#[derive(Default)]
struct RuleOrigins {
    exact: Vec<Box<str>>,
    null: bool,
    any: bool,
    patterns: Vec<OriginPattern>,
    regexes: Vec<(String, regex::Regex)>,
}

fn parse_rule_origins(
    prefix: &str,
    origins: &[String],
    patterns: &[String],
    regexes: &[String],
    global: bool,
    cfg: &Config,
    p: &mut Problems,
) -> RuleOrigins {
    let mut out = RuleOrigins::default();
    let any = origins.iter().any(|o| o == "*");
    if any {
        if !global {
            p.error(ConfigError::new(
                format!("{prefix}allow_origins"),
                "*",
                "a rule cannot allow every origin",
                "put \"*\" in the global allow_origins, or list the rule's origins",
            ));
        } else {
            out.any = true;
            if origins.len() > 1 {
                p.strict(
                    ConfigError::new(
                        format!("{prefix}allow_origins"),
                        origins.join(", "),
                        "\"*\" cannot be mixed with a list of origins",
                        "use [\"*\"] alone to allow every origin, or list the origins without \"*\"",
                    ),
                    WarningKind::Other,
                );
            }
        }
    }
    for (i, o) in origins.iter().enumerate() {
        if o == "*" {
            continue;
        }
        let field = format!("{prefix}allow_origins[{i}]");
        match parse_configured_origin(&field, o, &mut p.warnings) {
            Ok(ParsedConfigOrigin::Null) => out.null = true,
            Ok(ParsedConfigOrigin::Tuple(c)) => out.exact.push(c.serialized.into_boxed_str()),
            Err(e) => p.strict(e, WarningKind::NeverMatches),
        }
    }
    for (i, s) in patterns.iter().enumerate() {
        let field = format!("{prefix}allow_origin_patterns[{i}]");
        match OriginPattern::parse(
            &field,
            s,
            cfg.dangerously_allow_public_suffix_patterns,
            &mut p.warnings,
        ) {
            Ok(pat) => out.patterns.push(pat),
            Err(e) => p.error(e),
        }
    }
    for (i, s) in regexes.iter().enumerate() {
        let field = format!("{prefix}allow_origin_regex[{i}]");
        match regex::RegexBuilder::new(&full_match(s)).size_limit(1 << 22).build() {
            Ok(r) => out.regexes.push((s.clone(), r)),
            Err(e) => p.error(ConfigError::new(
                field,
                s,
                format!("not a valid regular expression: {}", e.to_string().lines().last().unwrap_or("")),
                "Rust regex syntax has no look-around or back-references; prefer allow_origin_patterns for subdomains",
            )),
        }
    }
    out
}

fn validate_tokens(prefix: &str, key: &str, values: &[String], p: &mut Problems) {
    for (i, v) in values.iter().enumerate() {
        if v != "*" && !is_token(v.as_bytes()) {
            p.strict(
                ConfigError::new(
                    format!("{prefix}{key}[{i}]"),
                    v,
                    "not a valid HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)",
                    "remove spaces, commas and quotes; list each name separately",
                ),
                WarningKind::NeverMatches,
            );
        }
    }
}

const DEFAULT_MAX_AGE: u64 = 600;
/// Chromium caps `Access-Control-Max-Age` at two hours.
const BROWSER_MAX_AGE_CAP: u64 = 7200;

fn build(cfg: &Config, predicate: Option<OriginPredicate>) -> Result<Cors, ConfigErrors> {
    let preset = cfg.preset;
    let mut behavior = Behavior::for_preset(preset);
    let mut p = Problems {
        lenient: preset == Preset::Starlette,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(s) = cfg.preflight_status {
        if preset == Preset::Starlette {
            p.error(ConfigError::new(
                "preflight_status",
                s.to_string(),
                "the starlette preset always answers 200",
                "remove preflight_status, or use preset = \"standard\"",
            ));
        } else if !(200..=299).contains(&s) {
            p.error(ConfigError::new(
                "preflight_status",
                s.to_string(),
                "a preflight succeeds only with a 2xx status",
                "use 204 (default) or 200",
            ));
        } else {
            behavior.preflight_ok_status = s;
        }
    }
    if cfg.block_disallowed {
        if preset == Preset::Starlette {
            p.error(ConfigError::new(
                "block_disallowed",
                "true",
                "Starlette never blocks requests",
                "use preset = \"standard\"",
            ));
        }
        behavior.block_disallowed = true;
    }
    if let Some(ws) = cfg.check_websocket_origin {
        behavior.check_websocket_origin = ws;
    }
    let default_methods: Vec<String> = match preset {
        Preset::Starlette => vec!["GET".into()],
        Preset::Standard => vec!["GET".into(), "HEAD".into(), "POST".into()],
    };
    let global_methods = cfg.allow_methods.clone().unwrap_or(default_methods);
    let global_max_age = cfg.max_age.unwrap_or(DEFAULT_MAX_AGE);

    // Rules first, the global policy last: rule order is priority.
    let mut policies = Vec::new();
    let mut parsed = Vec::new();
    for (i, r) in cfg.rules.iter().enumerate() {
        let prefix = format!("rules[{i}].");
        if r.allow_origins.is_empty()
            && r.allow_origin_patterns.is_empty()
            && r.allow_origin_regex.is_empty()
        {
            p.error(ConfigError::new(
                format!("rules[{i}]"),
                r.name.clone().unwrap_or_default(),
                "a rule must say which origins it applies to",
                "add allow_origins, allow_origin_patterns or allow_origin_regex to the rule",
            ));
        }
        let origins = parse_rule_origins(
            &prefix,
            &r.allow_origins,
            &r.allow_origin_patterns,
            &r.allow_origin_regex,
            false,
            cfg,
            &mut p,
        );
        let methods = r.allow_methods.as_deref().unwrap_or(&global_methods);
        let headers = r.allow_headers.as_deref().unwrap_or(&cfg.allow_headers);
        let expose = r.expose_headers.as_deref().unwrap_or(&cfg.expose_headers);
        let input = PolicyInput {
            name: r.name.clone().unwrap_or_else(|| format!("rules[{i}]")),
            any_origin: false,
            methods,
            headers,
            expose,
            credentials: r.allow_credentials.unwrap_or(cfg.allow_credentials),
            private_network: r.allow_private_network.unwrap_or(cfg.allow_private_network),
            max_age: r.max_age.unwrap_or(global_max_age),
        };
        check_policy(&prefix, &input, false, cfg, &mut p);
        policies.push(Policy::build(preset, input));
        parsed.push(origins);
    }
    let global_origins = parse_rule_origins(
        "",
        &cfg.allow_origins,
        &cfg.allow_origin_patterns,
        &cfg.allow_origin_regex,
        true,
        cfg,
        &mut p,
    );
    let global_input = PolicyInput {
        name: "global".into(),
        any_origin: global_origins.any,
        methods: &global_methods,
        headers: &cfg.allow_headers,
        expose: &cfg.expose_headers,
        credentials: cfg.allow_credentials,
        private_network: cfg.allow_private_network,
        max_age: global_max_age,
    };
    check_policy("", &global_input, global_origins.any, cfg, &mut p);
    if global_origins.any
        && cfg.allow_credentials
        && cfg.dangerously_allow_credentials_with_wildcards
    {
        behavior.reflect_with_any_origin = true;
    }
    policies.push(Policy::build(preset, global_input));
    parsed.push(global_origins);

    let fst = match &cfg.allow_origins_file {
        None => None,
        Some(path) => match FstOrigins::open(path) {
            Ok(f) => Some(f),
            Err(e) => {
                p.error(e);
                None
            }
        },
    };

    // Lints, per rule.
    for (i, o) in parsed.iter().enumerate() {
        let global = i + 1 == parsed.len();
        let input = LintInput {
            prefix: if global {
                String::new()
            } else {
                format!("rules[{i}].")
            },
            origins: o.exact.iter().map(|s| &**s).collect(),
            null: o.null,
            patterns: o.patterns.iter().enumerate().collect(),
            regexes: o
                .regexes
                .iter()
                .enumerate()
                .map(|(j, (s, r))| (j, s.as_str(), r))
                .collect(),
            credentials: policies[i].credentials,
            has_predicate: global && predicate.is_some(),
        };
        lint(&input, &mut p.warnings);
    }
    if !p.errors.is_empty() {
        return Err(ConfigErrors(p.errors));
    }

    // The index: the rules' origins are static; the global exact origins and
    // patterns are swappable; all regexes go into one set.
    let mut statics = StaticIndex::default();
    let n_rules = parsed.len() - 1;
    let mut rule_regexes = Vec::new();
    let mut global_regexes = Vec::new();
    for (rule, o) in parsed.iter().enumerate() {
        let rule_u = rule as u32;
        let target = if rule < n_rules {
            &mut rule_regexes
        } else {
            &mut global_regexes
        };
        for (j, (_, r)) in o.regexes.iter().enumerate() {
            target.push((r.clone(), rule_u, j as u32));
        }
        if rule == n_rules {
            continue;
        }
        for e in &o.exact {
            statics.exact.entry(e.clone()).or_insert(rule_u);
        }
        if o.null {
            statics.exact.entry("null".into()).or_insert(rule_u);
        }
        for (j, pat) in o.patterns.iter().enumerate() {
            statics
                .patterns
                .insert(pat, statics.pattern_slots.len() as u32);
            statics.pattern_slots.push((rule_u, j as u32));
        }
    }
    let too_large = |e: regex::Error| {
        ConfigError::new(
            "allow_origin_regex",
            "(all regexes)",
            format!("the regexes together are too large: {e}"),
            "use allow_origin_patterns or fewer regexes",
        )
    };
    statics.rule_regexes = RegexGroup::build(rule_regexes).map_err(too_large)?;
    statics.global_regexes = RegexGroup::build(global_regexes).map_err(too_large)?;
    let global_parsed = parsed.pop().unwrap_or_default();
    let mut global = GlobalOrigins::default();
    global.exact.extend(global_parsed.exact);
    if global_parsed.null {
        global.exact.insert("null".into());
    }
    global.pattern_list = global_parsed.patterns;
    global.rebuild_patterns();

    let private_network = policies.iter().any(|p| p.private_network);
    let preflight_vary = match (preset, private_network) {
        (Preset::Starlette, _) | (Preset::Standard, true) => {
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
        }
        (Preset::Standard, false) => "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    };
    let ttl = cfg.origin_cache_ttl.unwrap_or(60.0);
    let mut ttl = if ttl.is_finite() && ttl > 0.0 {
        Duration::from_secs_f64(ttl.min(1e9))
    } else {
        Duration::ZERO
    };
    if matches!(
        predicate,
        Some(OriginPredicate::Async(_) | OriginPredicate::External)
    ) {
        // A pending check is answered, recorded, and evaluated again at
        // once; the answer must survive that long.
        ttl = ttl.max(Duration::from_secs(1));
    }
    let engine = Engine {
        preset,
        behavior,
        policies,
        statics,
        global: DynamicOrigins {
            current: ArcSwap::from_pointee(global),
            write: Mutex::new(()),
            allow_public_suffix: cfg.dangerously_allow_public_suffix_patterns,
        },
        fst,
        predicate,
        cache: PredicateCache {
            ttl,
            capacity: cfg.origin_cache_size.unwrap_or(10_000),
            map: Mutex::new(HashMap::new()),
        },
        warnings: p.warnings,
        preflight_vary,
    };
    Ok(Cors {
        inner: Arc::new(engine),
    })
}

/// Checks one policy's methods, headers and credentials combinations.
fn check_policy(
    prefix: &str,
    input: &PolicyInput<'_>,
    any_origin: bool,
    cfg: &Config,
    p: &mut Problems,
) {
    validate_tokens(prefix, "allow_methods", input.methods, p);
    validate_tokens(prefix, "allow_headers", input.headers, p);
    validate_tokens(prefix, "expose_headers", input.expose, p);
    if input.max_age > BROWSER_MAX_AGE_CAP {
        p.warnings.push(Warning::new(
            WarningKind::MaxAgeCapped,
            format!("{prefix}max_age"),
            input.max_age.to_string(),
            "browsers cap the preflight cache (Chromium at 7200 s, Firefox at 86400 s); the larger value has no effect there",
            "use at most 7200",
        ));
    }
    if cfg.preset == Preset::Starlette
        || !input.credentials
        || cfg.dangerously_allow_credentials_with_wildcards
    {
        return;
    }
    let wild = |v: &[String]| v.iter().any(|s| s == "*");
    let mut complain = |key: &str| {
        p.error(ConfigError::new(
            format!("{prefix}{key}"),
            "*",
            "\"*\" cannot be combined with allow_credentials: browsers refuse a wildcard on credentialed requests, and reflecting instead would let every site read your users' data",
            "list the allowed values explicitly, or (if you really mean it) set dangerously_allow_credentials_with_wildcards = true",
        ))
    };
    if any_origin {
        complain("allow_origins");
    }
    if wild(input.headers) {
        complain("allow_headers");
    }
    if wild(input.methods) {
        complain("allow_methods");
    }
    if wild(input.expose) {
        complain("expose_headers");
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
        self.evaluate_matched(req).0
    }

    pub(crate) fn evaluate_matched<'a>(
        &'a self,
        req: &RequestView<'a>,
    ) -> (Decision<'a>, Option<OriginMatch>) {
        let e = &*self.inner;
        let b = &e.behavior;
        let (lookup, origin, mut reasons) = self.lookup(req);
        let matched = match lookup {
            Lookup::Pending => {
                let text = origin.map(|o| o.as_str()).unwrap_or("");
                return (Decision::PendingOriginCheck(text), None);
            }
            Lookup::Allowed(m) => Some(m),
            Lookup::Denied => None,
        };
        let global = &e.policies[e.policies.len() - 1];
        let policy = matched.map_or(global, |m| &e.policies[m.rule]);
        let allowed = matched.is_some();
        // The origin to reflect: only ever a well-formed one that matched.
        let echo: &'a [u8] = origin.map_or(&[][..], |o| o.as_str().as_bytes());

        if req.is_websocket() && b.check_websocket_origin && req.origin().is_some() && !allowed {
            reasons.add(Reason::WebSocketOriginNotAllowed);
            return (
                Decision::Reject(Reject {
                    status: 403,
                    reasons,
                    vary: Some("Origin"),
                }),
                matched,
            );
        }

        if req.is_preflight() {
            return (self.preflight(req, policy, matched, echo, reasons), matched);
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
            return (
                Decision::Reject(Reject {
                    status: 403,
                    reasons,
                    vary: Some("Origin"),
                }),
                matched,
            );
        }
        (
            Decision::Actual(Actual {
                cors,
                allowed,
                headers,
                vary: Some("Origin"),
                vary_mode: b.vary_mode,
                reasons,
            }),
            matched,
        )
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
        let (d, m) = self.evaluate_matched(req);
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
