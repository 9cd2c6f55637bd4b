//! Compilation: a [`Config`] in, an immutable [`Engine`] out.
//!
//! Everything that can be wrong with a configuration is found here, before
//! the first request, and reported all at once (field, value, fix). The
//! preset is consulted only here: what it changes is turned into the
//! [`Behavior`] switches and each policy's response plans, which evaluation
//! reads without knowing which preset made them.

mod checks;
mod origins;
mod policy;
pub(crate) mod starlette;

use std::time::Duration;

use crate::config::{Config, Preset};
use crate::defaults;
use crate::dynamic::{DynamicOrigins, OriginPredicate, PredicateCache};
use crate::error::{ConfigError, ConfigErrors};
use crate::index::FstOrigins;

use super::plan::{Behavior, CompiledPolicy, PreflightProcedure};
use super::{DynamicCheck, Engine};
use checks::{check_policy, check_preset_keys, check_rule_has_origins, Problems};
use origins::{build_index, lint_origins, parse_rule_origins, OriginKeys, RuleOrigins};
use policy::{compile_policy, PolicyInput, Unsendable, ValueTable};

/// The `Vary` of every preflight answer: what a preflight's answer depends
/// on. Starlette always names the private-network header; the standard
/// preset only when a policy answers private-network preflights.
const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const PREFLIGHT_VARY_PNA: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

/// The switches of a preset, with the configuration's own.
fn behavior(cfg: &Config) -> Behavior {
    let starlette = cfg.preset == Preset::Starlette;
    Behavior {
        preflight_ok_status: match cfg.preflight_status {
            _ if starlette => 200,
            Some(s) if (200..=299).contains(&s) => s,
            _ => 204,
        },
        preflight_denied_status: if starlette { 400 } else { 403 },
        preflight: if starlette {
            PreflightProcedure::Starlette
        } else {
            PreflightProcedure::Fetch
        },
        any_origin_admits_null: starlette,
        vary_mode: if starlette {
            crate::VaryMode::Append
        } else {
            crate::VaryMode::Merge
        },
        block_disallowed: cfg.block_disallowed && !starlette,
        check_websocket_origin: cfg.check_websocket_origin.unwrap_or(!starlette),
        single_origin_field: !starlette,
    }
}

/// Validates `cfg` and builds the engine.
pub(crate) fn compile(
    cfg: &Config,
    predicate: Option<OriginPredicate>,
) -> Result<Engine, ConfigErrors> {
    let mut p = Problems::new(cfg.preset);
    p.warnings.extend(cfg.load_warnings.iter().cloned());
    check_preset_keys(cfg, &mut p);
    let default_methods = to_strings(match cfg.preset {
        Preset::Starlette => &defaults::STARLETTE_METHODS,
        Preset::Standard => &defaults::STANDARD_METHODS,
    });
    let global_methods = cfg.allow_methods.as_deref().unwrap_or(&default_methods);
    let (inputs, parsed) = resolve_rules(cfg, global_methods, &mut p);
    let credentials: Vec<bool> = inputs.iter().map(|i| i.credentials).collect();
    lint_origins(&parsed, &credentials, predicate.is_some(), &mut p);
    let fst = cfg.allow_origins_file.as_ref().and_then(|path| {
        FstOrigins::open(path)
            .map_err(|e| p.error(e.with_kind(crate::ConfigErrorKind::Io)))
            .ok()
    });
    if !p.errors.is_empty() {
        return Err(ConfigErrors(p.errors));
    }
    let any_origin = inputs.last().is_some_and(|g| g.any_origin);
    let (policies, values) = compile_policies(cfg.preset, inputs)?;
    let (statics, global) = build_index(parsed)?;
    Ok(Engine {
        preset: cfg.preset,
        behavior: behavior(cfg),
        policies,
        any_origin,
        values,
        statics,
        global: DynamicOrigins::new(global, cfg.dangerously_allow_public_suffix_patterns),
        fst,
        dynamic: predicate.map(|predicate| dynamic_check(cfg, predicate)),
        warnings: p.warnings,
        origin_check_timeout: seconds(
            cfg.origin_check_timeout,
            defaults::ORIGIN_CHECK_TIMEOUT_SECS,
        ),
    })
}

/// Each rule's settings with the global ones inherited, and its origins;
/// the global policy last (rule order is priority).
fn resolve_rules<'c>(
    cfg: &'c Config,
    global_methods: &'c [String],
    p: &mut Problems,
) -> (Vec<PolicyInput<'c>>, Vec<RuleOrigins>) {
    let max_age = cfg.max_age.unwrap_or(defaults::MAX_AGE);
    let mut inputs = Vec::new();
    let mut parsed = Vec::new();
    for (i, r) in cfg.rules.iter().enumerate() {
        let prefix = format!("rules[{i}].");
        check_rule_has_origins(i, r, p);
        let keys = OriginKeys {
            prefix: &prefix,
            origins: &r.allow_origins,
            patterns: &r.allow_origin_patterns,
            regexes: &r.allow_origin_regex,
            global: false,
        };
        parsed.push(parse_rule_origins(&keys, cfg, p));
        let input = PolicyInput {
            name: r.name.clone().unwrap_or_else(|| format!("rules[{i}]")),
            any_origin: false,
            methods: r.allow_methods.as_deref().unwrap_or(global_methods),
            headers: r.allow_headers.as_deref().unwrap_or(&cfg.allow_headers),
            expose: r.expose_headers.as_deref().unwrap_or(&cfg.expose_headers),
            credentials: r.allow_credentials.unwrap_or(cfg.allow_credentials),
            private_network: r.allow_private_network.unwrap_or(cfg.allow_private_network),
            max_age: r.max_age.unwrap_or(max_age),
            reflect_any_origin: false,
        };
        check_policy(&prefix, &input, cfg, p);
        inputs.push(input);
    }
    let keys = OriginKeys {
        prefix: "",
        origins: &cfg.allow_origins,
        patterns: &cfg.allow_origin_patterns,
        regexes: &cfg.allow_origin_regex,
        global: true,
    };
    let global = parse_rule_origins(&keys, cfg, p);
    let input = PolicyInput {
        name: "global".into(),
        any_origin: global.any,
        methods: global_methods,
        headers: &cfg.allow_headers,
        expose: &cfg.expose_headers,
        credentials: cfg.allow_credentials,
        private_network: cfg.allow_private_network,
        max_age,
        reflect_any_origin: cfg.allow_credentials
            && (cfg.preset == Preset::Starlette
                || cfg.dangerously_allow_credentials_with_wildcards),
    };
    check_policy("", &input, cfg, p);
    inputs.push(input);
    parsed.push(global);
    (inputs, parsed)
}

fn to_strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn compile_policies(
    preset: Preset,
    inputs: Vec<PolicyInput<'_>>,
) -> Result<(Vec<CompiledPolicy>, Vec<crate::PolicyValue>), ConfigErrors> {
    let pna = inputs.iter().any(|i| i.private_network);
    let vary = if preset == Preset::Starlette || pna {
        PREFLIGHT_VARY_PNA
    } else {
        PREFLIGHT_VARY
    };
    let mut table = ValueTable::default();
    let mut policies = Vec::with_capacity(inputs.len());
    for input in inputs {
        let name = input.name.clone();
        let compiled =
            compile_policy(preset, input, vary, &mut table).map_err(|Unsendable(v)| {
                ConfigError::new(
                    name,
                    v,
                    "this value cannot be sent in a response header",
                    "remove control characters and non-ASCII bytes from methods and header names",
                )
                .with_kind(crate::ConfigErrorKind::InvalidToken)
            })?;
        policies.push(compiled);
    }
    Ok((policies, table.values))
}

/// Seconds as a duration; zero for zero, negative or non-finite values.
fn seconds(v: Option<f64>, default: f64) -> Duration {
    let v = v.unwrap_or(default);
    if v.is_finite() && v > 0.0 {
        Duration::from_secs_f64(v.min(defaults::MAX_DURATION_SECS))
    } else {
        Duration::ZERO
    }
}

/// The dynamic predicate with its answer cache.
fn dynamic_check(cfg: &Config, predicate: OriginPredicate) -> DynamicCheck {
    let ttl = seconds(cfg.origin_cache_ttl, defaults::ORIGIN_CACHE_TTL_SECS);
    let size = cfg.origin_cache_size.unwrap_or(defaults::ORIGIN_CACHE_SIZE);
    DynamicCheck {
        predicate,
        cache: PredicateCache::new(ttl, size),
    }
}
