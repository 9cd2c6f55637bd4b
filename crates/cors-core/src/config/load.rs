//! Checking a [`Raw`] document key by key into a [`Config`].
//!
//! Why a walker of our own rather than serde's derived `Deserialize`: serde
//! stops at the first mistake and words it for programmers (`invalid type:
//! string "yes", expected a boolean`, with no key when the value is nested).
//! Walking the generic tree ourselves lets every key get a typed check that
//! names the key path, the value as written, what was expected and a fix,
//! collects every mistake in one pass, suggests the nearest key for a
//! misspelling, and reads a lone string as a one-entry list with a warning.
//!
//! The walker must know every key of the model: the test
//! `every_model_key_round_trips` in `config.rs` fails when a field is added
//! to [`Config`] or [`RuleConfig`] without an arm here.

use std::path::PathBuf;

use super::raw::Raw;
use super::{Config, Preset, RuleConfig};
use crate::error::{ConfigError, ConfigErrorKind as Kind, ConfigErrors, Warning, WarningKind};

/// The keys of [`Config`], in the model's order.
pub(crate) const CONFIG_KEYS: &[&str] = &[
    "preset",
    "allow_origins",
    "allow_origin_patterns",
    "allow_origin_regex",
    "allow_origins_file",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "allow_private_network",
    "max_age",
    "preflight_status",
    "block_disallowed",
    "check_websocket_origin",
    "dangerously_allow_credentials_with_wildcards",
    "dangerously_allow_public_suffix_patterns",
    "origin_cache_ttl",
    "origin_cache_size",
    "origin_check_timeout",
    "rules",
];

/// The keys of [`RuleConfig`], in the model's order.
pub(crate) const RULE_KEYS: &[&str] = &[
    "name",
    "allow_origins",
    "allow_origin_patterns",
    "allow_origin_regex",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "allow_private_network",
    "max_age",
];

/// Errors beyond this many are counted, not listed.
const MAX_ERRORS: usize = 100;

/// Where the document came from: it decides how hints spell a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Toml,
    Json,
    /// `CORS_*` variables; `CORS_RULES` holds JSON.
    Env,
}

/// A lone string where a list is expected: read as one entry, warned about
/// or not (`allow_origin_regex` documents that it takes one string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coerce {
    Warn,
    Silent,
}

/// A whole-number key: what it counts, its largest value, an example and
/// a note for the hint.
struct Whole {
    what: &'static str,
    max: u64,
    example: &'static str,
    note: &'static str,
}

const MAX_AGE: Whole = Whole {
    what: "a whole number of seconds",
    max: u64::MAX,
    example: "600",
    note: "0 turns preflight caching off",
};
const STATUS: Whole = Whole {
    what: "an HTTP status code",
    max: u16::MAX as u64,
    example: "204",
    note: "a preflight succeeds with 204, the default, or 200",
};
const CACHE_SIZE: Whole = Whole {
    what: "a whole number of entries",
    max: usize::MAX as u64,
    example: "10000",
    note: "the default is 10000",
};

/// Walks a document, collecting every error and warning.
pub(crate) struct Loader {
    format: Format,
    errors: Vec<ConfigError>,
    suppressed: usize,
    warnings: Vec<Warning>,
}

impl Loader {
    pub(crate) fn new(format: Format) -> Self {
        Loader {
            format,
            errors: Vec::new(),
            suppressed: 0,
            warnings: Vec::new(),
        }
    }

    /// The configuration, with the load warnings, or every error found.
    pub(crate) fn finish(mut self, mut cfg: Config) -> Result<Config, ConfigErrors> {
        if self.errors.is_empty() {
            cfg.load_warnings = self.warnings;
            return Ok(cfg);
        }
        if self.suppressed > 0 {
            self.errors.push(ConfigError::new(
                "(document)",
                "",
                format!("{} more errors not listed", self.suppressed),
                "fix the errors above first",
            ));
        }
        Err(ConfigErrors(self.errors))
    }

    pub(crate) fn push(&mut self, e: ConfigError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        } else {
            self.suppressed += 1;
        }
    }

    fn error(&mut self, kind: Kind, path: &str, v: &Raw, message: String, hint: String) {
        self.push(ConfigError::new(path, v.render(), message, hint).with_kind(kind));
    }

    /// How the user names top-level `key`: itself, or `CORS_KEY`.
    pub(crate) fn top_path(&self, key: &str) -> String {
        match self.format {
            Format::Env => format!("CORS_{}", key.to_ascii_uppercase()),
            _ => key.to_string(),
        }
    }

    /// "`key = value`" as the user would write it at `path`.
    fn write_as(&self, path: &str, value: &str) -> String {
        let key = key_of(path);
        match self.format {
            Format::Env if !path.contains('.') => {
                format!("{}={}", self.top_path(&key), value.trim_matches('"'))
            }
            Format::Toml => format!("{key} = {value}"),
            _ => format!("\"{key}\": {value}"),
        }
    }

    /// The whole document: a table of [`CONFIG_KEYS`].
    pub(crate) fn config(&mut self, doc: Raw) -> Config {
        let mut cfg = Config::default();
        let Raw::Table(entries) = doc else {
            let found = doc.type_name();
            self.error(
                Kind::WrongType,
                "(document)",
                &doc,
                format!("expected a table of configuration keys, found {found}"),
                format!(
                    "write {}",
                    self.write_as("allow_origins", example("allow_origins"))
                ),
            );
            return cfg;
        };
        for (key, v) in entries {
            let path = self.top_path(&key);
            self.config_key(&mut cfg, &key, &path, v);
        }
        cfg
    }

    fn config_key(&mut self, cfg: &mut Config, key: &str, path: &str, v: Raw) {
        match key {
            "preset" => cfg.preset = self.preset(path, v).unwrap_or_default(),
            "allow_origins" => {
                cfg.allow_origins = self.list(path, v, Coerce::Warn).unwrap_or_default()
            }
            "allow_origin_patterns" => {
                cfg.allow_origin_patterns = self.list(path, v, Coerce::Warn).unwrap_or_default()
            }
            "allow_origin_regex" => {
                cfg.allow_origin_regex = non_null(v)
                    .and_then(|v| self.list(path, v, Coerce::Silent))
                    .unwrap_or_default()
            }
            "allow_origins_file" => {
                cfg.allow_origins_file = non_null(v)
                    .and_then(|v| self.string(path, v))
                    .map(PathBuf::from)
            }
            "allow_methods" => {
                cfg.allow_methods = non_null(v).and_then(|v| self.list(path, v, Coerce::Warn))
            }
            "allow_headers" => {
                cfg.allow_headers = self.list(path, v, Coerce::Warn).unwrap_or_default()
            }
            "expose_headers" => {
                cfg.expose_headers = self.list(path, v, Coerce::Warn).unwrap_or_default()
            }
            "allow_credentials" => {
                cfg.allow_credentials = self.boolean(path, v).unwrap_or_default()
            }
            "allow_private_network" => {
                cfg.allow_private_network = self.boolean(path, v).unwrap_or_default()
            }
            "max_age" => cfg.max_age = non_null(v).and_then(|v| self.whole(path, v, &MAX_AGE)),
            "preflight_status" => {
                cfg.preflight_status = non_null(v)
                    .and_then(|v| self.whole(path, v, &STATUS))
                    .and_then(|n| u16::try_from(n).ok())
            }
            "block_disallowed" => cfg.block_disallowed = self.boolean(path, v).unwrap_or_default(),
            "check_websocket_origin" => {
                cfg.check_websocket_origin = non_null(v).and_then(|v| self.boolean(path, v))
            }
            "dangerously_allow_credentials_with_wildcards" => {
                cfg.dangerously_allow_credentials_with_wildcards =
                    self.boolean(path, v).unwrap_or_default()
            }
            "dangerously_allow_public_suffix_patterns" => {
                cfg.dangerously_allow_public_suffix_patterns =
                    self.boolean(path, v).unwrap_or_default()
            }
            "origin_cache_ttl" => {
                cfg.origin_cache_ttl = non_null(v).and_then(|v| self.seconds(path, v))
            }
            "origin_check_timeout" => {
                cfg.origin_check_timeout = non_null(v).and_then(|v| self.seconds(path, v))
            }
            "origin_cache_size" => {
                cfg.origin_cache_size = non_null(v)
                    .and_then(|v| self.whole(path, v, &CACHE_SIZE))
                    .and_then(|n| usize::try_from(n).ok())
            }
            "rules" => cfg.rules = self.rules(path, v),
            _ => self.unknown_key(path, key, &v, false),
        }
    }

    fn rule_key(&mut self, r: &mut RuleConfig, key: &str, path: &str, v: Raw) {
        match key {
            "name" => r.name = non_null(v).and_then(|v| self.string(path, v)),
            "allow_origins" => {
                r.allow_origins = self.list(path, v, Coerce::Warn).unwrap_or_default()
            }
            "allow_origin_patterns" => {
                r.allow_origin_patterns = self.list(path, v, Coerce::Warn).unwrap_or_default()
            }
            "allow_origin_regex" => {
                r.allow_origin_regex = non_null(v)
                    .and_then(|v| self.list(path, v, Coerce::Silent))
                    .unwrap_or_default()
            }
            "allow_methods" => {
                r.allow_methods = non_null(v).and_then(|v| self.list(path, v, Coerce::Warn))
            }
            "allow_headers" => {
                r.allow_headers = non_null(v).and_then(|v| self.list(path, v, Coerce::Warn))
            }
            "expose_headers" => {
                r.expose_headers = non_null(v).and_then(|v| self.list(path, v, Coerce::Warn))
            }
            "allow_credentials" => {
                r.allow_credentials = non_null(v).and_then(|v| self.boolean(path, v))
            }
            "allow_private_network" => {
                r.allow_private_network = non_null(v).and_then(|v| self.boolean(path, v))
            }
            "max_age" => r.max_age = non_null(v).and_then(|v| self.whole(path, v, &MAX_AGE)),
            _ => self.unknown_key(path, key, &v, true),
        }
    }

    /// `rules`: a list of rule tables (`[[rules]]` in TOML).
    fn rules(&mut self, path: &str, v: Raw) -> Vec<RuleConfig> {
        let Raw::List(items) = v else {
            let found = v.type_name();
            let hint = match self.format {
                Format::Toml => "write each rule as a [[rules]] table (two brackets)".to_string(),
                _ => format!(
                    "write {}",
                    self.write_as(
                        path,
                        r#"[{"allow_origins": ["https://admin.example.com"]}]"#
                    )
                ),
            };
            self.error(
                Kind::WrongType,
                path,
                &v,
                format!("expected a list of rule tables, found {found}"),
                hint,
            );
            return Vec::new();
        };
        let mut rules = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let at = format!("{path}[{i}]");
            let Raw::Table(entries) = item else {
                let found = item.type_name();
                let hint = "write the rule as a table of keys, e.g. {\"allow_origins\": [\"https://admin.example.com\"]}";
                self.error(
                    Kind::WrongType,
                    &at,
                    &item,
                    format!("expected a rule table, found {found}"),
                    hint.into(),
                );
                continue;
            };
            let mut rule = RuleConfig::default();
            for (key, v) in entries {
                self.rule_key(&mut rule, &key, &format!("{at}.{key}"), v);
            }
            rules.push(rule);
        }
        rules
    }

    /// A key neither model has: suggest the nearest one, or say where it belongs.
    fn unknown_key(&mut self, path: &str, key: &str, v: &Raw, in_rule: bool) {
        let (known, other) = if in_rule {
            (RULE_KEYS, CONFIG_KEYS)
        } else {
            (CONFIG_KEYS, RULE_KEYS)
        };
        let shown = |k: &str| {
            if in_rule {
                k.to_string()
            } else {
                self.top_path(k)
            }
        };
        let (message, hint) = if other.contains(&key) && in_rule {
            (
                format!("`{key}` applies to the whole configuration, not to one rule"),
                "move it out of the rule, above the first [[rules]]".to_string(),
            )
        } else if other.contains(&key) {
            (
                format!("`{key}` is a key of a rule, not of the whole configuration"),
                "move it into a rule ([[rules]] in TOML, \"rules\": [{...}] in JSON, CORS_RULES)"
                    .to_string(),
            )
        } else if let Some(near) = nearest(key, known) {
            (
                format!("unknown key; did you mean `{}`?", shown(near)),
                format!("rename it to {}", shown(near)),
            )
        } else {
            let list: Vec<String> = known.iter().map(|k| shown(k)).collect();
            (
                "unknown key".to_string(),
                format!("remove it; the known keys are {}", list.join(", ")),
            )
        };
        self.error(Kind::UnknownKey, path, v, message, hint);
    }

    fn preset(&mut self, path: &str, v: Raw) -> Option<Preset> {
        let hint = format!(
            "write {} or {}",
            self.write_as(path, "\"standard\""),
            self.write_as(path, "\"starlette\"")
        );
        match &v {
            Raw::Str(s) if s == "standard" => return Some(Preset::Standard),
            Raw::Str(s) if s == "starlette" => return Some(Preset::Starlette),
            Raw::Str(s) => {
                let message = match nearest(&s.to_ascii_lowercase(), &["standard", "starlette"]) {
                    Some(near) => {
                        format!("unknown preset; did you mean \"{near}\"? (presets are lowercase)")
                    }
                    None => {
                        "unknown preset; the presets are \"standard\" and \"starlette\"".to_string()
                    }
                };
                self.error(Kind::InvalidValue, path, &v, message, hint);
            }
            other => {
                let message = format!(
                    "expected the string \"standard\" or \"starlette\", found {}",
                    other.type_name()
                );
                self.error(Kind::WrongType, path, &v, message, hint);
            }
        }
        None
    }

    fn string(&mut self, path: &str, v: Raw) -> Option<String> {
        if let Raw::Str(s) = v {
            return Some(s);
        }
        let message = format!("expected a string, found {}", v.type_name());
        let hint = format!("write {}", self.write_as(path, example(&key_of(path))));
        self.error(Kind::WrongType, path, &v, message, hint);
        None
    }

    fn boolean(&mut self, path: &str, v: Raw) -> Option<bool> {
        if let Raw::Bool(b) = v {
            return Some(b);
        }
        let meant = match &v {
            Raw::Str(s) => truthy(s),
            Raw::Int(0) => Some(false),
            Raw::Int(1) => Some(true),
            _ => None,
        };
        let hint = match meant {
            Some(b) => format!(
                "write {} (a boolean, without quotes)",
                self.write_as(path, &b.to_string())
            ),
            None => format!(
                "write {} or {}",
                self.write_as(path, "true"),
                self.write_as(path, "false")
            ),
        };
        let message = format!("expected true or false, found {}", v.type_name());
        self.error(Kind::WrongType, path, &v, message, hint);
        None
    }

    /// A list of strings; a lone string is read as one entry.
    fn list(&mut self, path: &str, v: Raw, coerce: Coerce) -> Option<Vec<String>> {
        let items = match v {
            Raw::List(items) => items,
            Raw::Str(s) => {
                if coerce == Coerce::Warn {
                    let quoted = format!("[{s:?}]");
                    self.warnings.push(Warning::new(
                        WarningKind::Normalized,
                        path,
                        s.as_str(),
                        format!("a single string where a list is expected; read as the one-entry list {quoted}"),
                        format!("write {}", self.write_as(path, &quoted)),
                    ));
                }
                return Some(vec![s]);
            }
            other => {
                let message = format!("expected a list of strings, found {}", other.type_name());
                let hint = format!("write {}", self.write_as(path, example(&key_of(path))));
                self.error(Kind::WrongType, path, &other, message, hint);
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Raw::Str(s) => out.push(s),
                other => {
                    ok = false;
                    let message = format!("expected a string, found {}", other.type_name());
                    let hint = format!(
                        "write each entry in double quotes, e.g. {}",
                        entry_example(&key_of(path))
                    );
                    self.error(
                        Kind::WrongType,
                        &format!("{path}[{i}]"),
                        &other,
                        message,
                        hint,
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// A whole number from 0 to `spec.max`.
    fn whole(&mut self, path: &str, v: Raw, spec: &Whole) -> Option<u64> {
        let (kind, message, suggest) = match &v {
            Raw::Int(n) if *n < 0 => (
                Kind::OutOfRange,
                format!("{} cannot be negative", spec.what),
                None,
            ),
            Raw::Int(n) => match u64::try_from(*n) {
                Ok(n) if n <= spec.max => return Some(n),
                _ => (
                    Kind::OutOfRange,
                    format!("too large: at most {}", spec.max),
                    None,
                ),
            },
            Raw::Float(f) if *f < 0.0 => (
                Kind::OutOfRange,
                format!("{} cannot be negative", spec.what),
                None,
            ),
            Raw::Float(f) if *f > spec.max as f64 => (
                Kind::OutOfRange,
                format!("too large: at most {}", spec.max),
                None,
            ),
            Raw::Float(f) => {
                let near = f.is_finite().then(|| format!("{}", f.round() as u64));
                (
                    Kind::WrongType,
                    format!("expected {}, found a float", spec.what),
                    near,
                )
            }
            Raw::Str(s) if s.trim().parse::<f64>().is_ok() => (
                Kind::WrongType,
                format!("expected {}, found a string", spec.what),
                Some(s.trim().to_string()),
            ),
            other => (
                Kind::WrongType,
                format!("expected {}, found {}", spec.what, other.type_name()),
                None,
            ),
        };
        let hint = match suggest {
            Some(n) => format!(
                "write {} (a number, without quotes or decimals)",
                self.write_as(path, &n)
            ),
            None => format!(
                "write e.g. {} ({})",
                self.write_as(path, spec.example),
                spec.note
            ),
        };
        self.error(kind, path, &v, message, hint);
        None
    }

    /// A finite, non-negative number of seconds (`origin_cache_ttl`).
    fn seconds(&mut self, path: &str, v: Raw) -> Option<f64> {
        let (kind, message) = match &v {
            Raw::Int(n) if *n >= 0 => return Some(*n as f64),
            Raw::Float(f) if f.is_finite() && *f >= 0.0 => return Some(*f),
            Raw::Float(f) if !f.is_finite() => (
                Kind::InvalidValue,
                "expected a finite number of seconds".to_string(),
            ),
            Raw::Int(_) | Raw::Float(_) => (
                Kind::OutOfRange,
                "a number of seconds cannot be negative".to_string(),
            ),
            other => (
                Kind::WrongType,
                format!("expected a number of seconds, found {}", other.type_name()),
            ),
        };
        let hint = format!(
            "write {} (0 turns the cache off)",
            self.write_as(path, example(&key_of(path)))
        );
        self.error(kind, path, &v, message, hint);
        None
    }
}

/// `None` for JSON `null`: an optional key left unset.
fn non_null(v: Raw) -> Option<Raw> {
    (v != Raw::Null).then_some(v)
}

/// The model key a path ends with: `rules[0].max_age` and `CORS_MAX_AGE`
/// are `max_age`, `allow_origins[2]` is `allow_origins`.
fn key_of(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    match last.strip_prefix("CORS_") {
        Some(k) => k.to_ascii_lowercase(),
        None => last.to_string(),
    }
}

/// What a string that should have been a boolean probably meant.
pub(crate) fn truthy(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A correct value for `key`, in syntax TOML and JSON share.
pub(crate) fn example(key: &str) -> &'static str {
    match key {
        "preset" => "\"standard\"",
        "allow_origins" => "[\"https://app.example.com\"]",
        "allow_origin_patterns" => "[\"https://*.example.com\"]",
        "allow_origin_regex" => "[\"https://(app|admin)[.]example[.]com\"]",
        "allow_origins_file" => "\"origins.fst\"",
        "allow_methods" => "[\"GET\", \"POST\"]",
        "allow_headers" => "[\"content-type\"]",
        "expose_headers" => "[\"x-total\"]",
        "max_age" => "600",
        "preflight_status" => "204",
        "origin_cache_ttl" => "60",
        "origin_check_timeout" => "2",
        "origin_cache_size" => "10000",
        "name" => "\"admin\"",
        _ => "true",
    }
}

/// One correct entry of list `key`.
fn entry_example(key: &str) -> &'static str {
    let list = example(key);
    let first = list
        .trim_start_matches('[')
        .split(", ")
        .next()
        .unwrap_or(list);
    first.trim_end_matches(']')
}

/// The known key closest to `key` by edit distance, if it is close enough
/// to be a misspelling (or `key` is a fragment of it, like `origins`).
pub(crate) fn nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let key = key.to_ascii_lowercase().replace('-', "_");
    let limit = (key.chars().count() / 3).max(2);
    known
        .iter()
        .map(|k| (edit_distance(&key, k), *k))
        .filter(|(d, k)| *d <= limit || (key.len() >= 5 && k.contains(key.as_str())))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
