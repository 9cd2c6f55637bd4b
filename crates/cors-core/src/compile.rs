//! Compiling a [`Config`] into an engine: validation, lints, precomputed
//! policies and the origin index. Everything that can be wrong with a
//! configuration is found here, before the first request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::config::{Config, Preset};
use crate::dynamic::{DynamicOrigins, OriginPredicate, PredicateCache};
use crate::engine::{Cors, Engine};
use crate::error::{ConfigError, ConfigErrors, Warning, WarningKind};
use crate::headers::is_token;
use crate::index::{full_match, FstOrigins, GlobalOrigins, RegexGroup, StaticIndex};
use crate::lint::{lint, LintInput};
use crate::origin::{parse_configured_origin, ParsedConfigOrigin};
use crate::pattern::OriginPattern;
use crate::policy::{Behavior, Policy, PolicyInput};

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

pub(crate) fn build(
    cfg: &Config,
    predicate: Option<OriginPredicate>,
) -> Result<Cors, ConfigErrors> {
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
    statics.no_rules =
        statics.exact.is_empty() && statics.patterns.is_empty() && statics.rule_regexes.is_none();
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
