//! Validation of the policy keys: tokens, wildcards beside credentials,
//! preset-specific keys. Every problem names the field, the value and a fix.

use crate::config::{Config, Preset};
use crate::error::{ConfigError, ConfigErrorKind, Warning, WarningKind};
use crate::headers::is_token;

use super::policy::PolicyInput;

/// Browsers cap `Access-Control-Max-Age` (Chromium at two hours).
pub(crate) const BROWSER_MAX_AGE_CAP: u64 = 7200;

/// Collects errors, or warnings instead in the starlette preset for
/// mistakes Starlette itself accepts (so every configuration that works
/// with Starlette works with the drop-in).
pub(crate) struct Problems {
    pub lenient: bool,
    pub errors: Vec<ConfigError>,
    pub warnings: Vec<Warning>,
}

impl Problems {
    pub(crate) fn new(preset: Preset) -> Self {
        Problems {
            lenient: preset == Preset::Starlette,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, e: ConfigError) {
        self.errors.push(e);
    }

    /// An error in the standard preset, a warning in the starlette preset.
    pub(crate) fn strict(&mut self, e: ConfigError, kind: WarningKind) {
        if self.lenient {
            self.warnings
                .push(Warning::new(kind, e.field, e.value, e.message, e.hint));
        } else {
            self.errors.push(e);
        }
    }
}

/// Methods and header names go into response headers, so in every preset
/// each must be a token: a control byte (CR, LF, NUL, ...) or a separator
/// would make a header no server can send, or split the response.
fn validate_tokens(prefix: &str, key: &str, values: &[String], p: &mut Problems) {
    for (i, v) in values.iter().enumerate() {
        if v != "*" && !is_token(v.as_bytes()) {
            p.error(ConfigError::new(
                format!("{prefix}{key}[{i}]"),
                v,
                "not a valid HTTP token (letters, digits and !#$%&'*+-.^_`|~ only): it would put a forbidden byte into a response header",
                "remove spaces, commas, quotes and control characters; list each name separately",
            ).with_kind(ConfigErrorKind::InvalidToken));
        }
    }
}

/// Checks one policy's methods, headers, max-age and credentials
/// combinations.
pub(crate) fn check_policy(prefix: &str, input: &PolicyInput<'_>, cfg: &Config, p: &mut Problems) {
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
        ).with_kind(ConfigErrorKind::Conflict))
    };
    for (key, is_wild) in [
        ("allow_origins", input.any_origin),
        ("allow_headers", wild(input.headers)),
        ("allow_methods", wild(input.methods)),
        ("expose_headers", wild(input.expose)),
    ] {
        if is_wild {
            complain(key);
        }
    }
}

/// The keys only one preset has: `preflight_status` and `block_disallowed`
/// are the standard preset's.
pub(crate) fn check_preset_keys(cfg: &Config, p: &mut Problems) {
    let starlette = cfg.preset == Preset::Starlette;
    if let Some(s) = cfg.preflight_status {
        if starlette {
            p.error(
                ConfigError::new(
                    "preflight_status",
                    s.to_string(),
                    "the starlette preset always answers 200",
                    "remove preflight_status, or use preset = \"standard\"",
                )
                .with_kind(ConfigErrorKind::Conflict),
            );
        } else if !(200..=299).contains(&s) {
            p.error(
                ConfigError::new(
                    "preflight_status",
                    s.to_string(),
                    "a preflight succeeds only with a 2xx status",
                    "use 204 (default) or 200",
                )
                .with_kind(ConfigErrorKind::OutOfRange),
            );
        }
    }
    if cfg.block_disallowed && starlette {
        p.error(
            ConfigError::new(
                "block_disallowed",
                "true",
                "Starlette never blocks requests",
                "use preset = \"standard\"",
            )
            .with_kind(ConfigErrorKind::Conflict),
        );
    }
}

/// A rule must say which origins it applies to.
pub(crate) fn check_rule_has_origins(i: usize, rule: &crate::config::RuleConfig, p: &mut Problems) {
    if rule.allow_origins.is_empty()
        && rule.allow_origin_patterns.is_empty()
        && rule.allow_origin_regex.is_empty()
    {
        p.error(
            ConfigError::new(
                format!("rules[{i}]"),
                rule.name.clone().unwrap_or_default(),
                "a rule must say which origins it applies to",
                "add allow_origins, allow_origin_patterns or allow_origin_regex to the rule",
            )
            .with_kind(ConfigErrorKind::InvalidValue),
        );
    }
}
