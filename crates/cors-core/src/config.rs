//! The configuration model, shared by every frontend.
//!
//! One serde model, loaded from TOML, JSON or environment variables, whose
//! keys are Starlette's parameter names so that Python and Rust users share
//! one vocabulary:
//!
//! ```toml
//! preset = "standard"              # or "starlette"
//! allow_origins = ["https://app.example.com"]
//! allow_origin_patterns = ["https://*.example.com", "http://localhost:*"]
//! allow_origin_regex = ['https://pr-\d+\.preview\.example\.net']
//! allow_methods = ["GET", "POST", "PUT"]
//! allow_headers = ["content-type", "x-token"]
//! expose_headers = ["x-total"]
//! allow_credentials = true
//! max_age = 600
//!
//! [[rules]]                        # first matching rule wins, then the global policy
//! allow_origins = ["https://admin.example.com"]
//! allow_methods = ["GET", "DELETE"]
//! ```
//!
//! Loading checks the shape of every key and reports all mistakes at once,
//! each naming the key path (`rules[2].allow_origins[0]`), the value as
//! written, what was expected and a fix, with a [`ConfigErrorKind`] for
//! programs. The values themselves (origins, patterns, regexes, tokens) are
//! validated when the engine is built
//! ([`Cors::from_config`](crate::Cors::from_config)).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{ConfigError, ConfigErrorKind, ConfigErrors, Warning};

mod load;
mod raw;

use load::{Format, Loader};
use raw::Raw;

/// Which behaviour the engine follows. Both are sets of options over one
/// evaluation path; see [`Behavior`](crate::Behavior).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Correct per the Fetch standard and safe by default (the Rust adapters' default).
    #[default]
    Standard,
    /// Byte-for-byte Starlette 1.10.0 `CORSMiddleware` (the Python drop-in).
    Starlette,
}

impl Preset {
    /// `"standard"` or `"starlette"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Standard => "standard",
            Preset::Starlette => "starlette",
        }
    }
}

/// A string or a list of strings (`allow_origin_regex` accepts both).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

fn opt_one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    one_or_many(d).map(Some)
}

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `standard` (default) or `starlette`.
    #[serde(default)]
    pub preset: Preset,
    /// Exact origins, or `["*"]` for any origin.
    #[serde(default)]
    pub allow_origins: Vec<String>,
    /// Wildcard patterns: `https://*.example.com`, `http://localhost:*`,
    /// `https://example.com:[8080,8081]`.
    #[serde(default)]
    pub allow_origin_patterns: Vec<String>,
    /// Regular expressions matched against the whole origin.
    #[serde(default, deserialize_with = "one_or_many")]
    pub allow_origin_regex: Vec<String>,
    /// A prebuilt fst file of exact origins (`cors index build`).
    #[serde(default)]
    pub allow_origins_file: Option<PathBuf>,
    /// Allowed methods, or `["*"]`. Default: Starlette's `["GET"]` for the
    /// starlette preset, `["GET", "HEAD", "POST"]` for standard.
    #[serde(default)]
    pub allow_methods: Option<Vec<String>>,
    /// Allowed request headers, or `["*"]`.
    #[serde(default)]
    pub allow_headers: Vec<String>,
    /// Response headers scripts may read, or `["*"]`.
    #[serde(default)]
    pub expose_headers: Vec<String>,
    /// Allow cookies and HTTP authentication.
    #[serde(default)]
    pub allow_credentials: bool,
    /// Answer private-network-access preflights.
    #[serde(default)]
    pub allow_private_network: bool,
    /// Preflight cache lifetime in seconds (default 600).
    #[serde(default)]
    pub max_age: Option<u64>,
    /// Standard preset: status of a successful preflight (default 204).
    #[serde(default)]
    pub preflight_status: Option<u16>,
    /// Standard preset: answer actual requests from disallowed origins with
    /// 403 without calling the application.
    #[serde(default)]
    pub block_disallowed: bool,
    /// Refuse WebSocket handshakes from disallowed origins (default: on for
    /// standard, off for starlette, which never looked at WebSockets).
    #[serde(default)]
    pub check_websocket_origin: Option<bool>,
    /// Standard preset: allow `*` (origins, headers, methods, expose headers)
    /// together with credentials by reflecting the request instead. This lets
    /// any site read credentialed responses; you almost certainly do not want it.
    #[serde(default)]
    pub dangerously_allow_credentials_with_wildcards: bool,
    /// Allow patterns directly under a public suffix (`https://*.github.io`),
    /// which admit sites anyone can register.
    #[serde(default)]
    pub dangerously_allow_public_suffix_patterns: bool,
    /// Seconds a dynamic-predicate answer is cached (default 60).
    #[serde(default)]
    pub origin_cache_ttl: Option<f64>,
    /// Most dynamic-predicate answers cached (default 10000).
    #[serde(default)]
    pub origin_cache_size: Option<usize>,
    /// Seconds an async origin predicate may take before the origin is
    /// judged not allowed (default 2; `0`: no limit).
    #[serde(default)]
    pub origin_check_timeout: Option<f64>,
    /// Per-origin policies; the first rule whose origins match wins.
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
    /// Lints found while loading (a lone string read as a one-entry list),
    /// for the engine to report beside its own
    /// ([`Cors::warnings`](crate::Cors::warnings)). Not part of the
    /// serialized model; empty for a `Config` built in code.
    #[serde(skip)]
    pub load_warnings: Vec<Warning>,
}

/// A per-origin policy. Unset fields inherit the global value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// A name for explanations (default `rules[i]`).
    #[serde(default)]
    pub name: Option<String>,
    /// Exact origins this rule applies to.
    #[serde(default)]
    pub allow_origins: Vec<String>,
    /// Wildcard patterns this rule applies to.
    #[serde(default)]
    pub allow_origin_patterns: Vec<String>,
    /// Regular expressions this rule applies to.
    #[serde(default, deserialize_with = "one_or_many")]
    pub allow_origin_regex: Vec<String>,
    /// Allowed methods.
    #[serde(default)]
    pub allow_methods: Option<Vec<String>>,
    /// Allowed request headers.
    #[serde(default, deserialize_with = "opt_one_or_many")]
    pub allow_headers: Option<Vec<String>>,
    /// Exposed response headers.
    #[serde(default, deserialize_with = "opt_one_or_many")]
    pub expose_headers: Option<Vec<String>>,
    /// Allow credentials.
    #[serde(default)]
    pub allow_credentials: Option<bool>,
    /// Allow private network access.
    #[serde(default)]
    pub allow_private_network: Option<bool>,
    /// Preflight cache lifetime.
    #[serde(default)]
    pub max_age: Option<u64>,
}

impl Config {
    /// Parses a TOML document, reporting every mistake at once.
    ///
    /// ```
    /// let errors = fastcors_core::Config::from_toml_str("max_age = -1\nallow_orgins = []").unwrap_err();
    /// assert_eq!(errors.errors()[0].field, "max_age");
    /// assert!(errors.errors()[1].message.contains("did you mean `allow_origins`?"));
    /// ```
    pub fn from_toml_str(s: &str) -> Result<Config, ConfigErrors> {
        let doc = raw::parse_toml(s)?;
        load_document(doc, Format::Toml)
    }

    /// Parses a JSON document, reporting every mistake at once.
    pub fn from_json_str(s: &str) -> Result<Config, ConfigErrors> {
        let doc = raw::parse_json(s, "(document)")?;
        load_document(doc, Format::Json)
    }

    /// Reads a `.toml` or `.json` file (by extension; TOML otherwise).
    /// A relative `allow_origins_file` is resolved against the file's folder.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigErrors> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(
                "(file)",
                path.display().to_string(),
                format!("cannot read the configuration file: {e}"),
                "check the path",
            )
            .with_kind(ConfigErrorKind::Io)
        })?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let mut cfg = if is_json {
            Config::from_json_str(&text)
        } else {
            Config::from_toml_str(&text)
        }?;
        if let (Some(f), Some(dir)) = (&cfg.allow_origins_file, path.parent()) {
            if f.is_relative() {
                cfg.allow_origins_file = Some(dir.join(f));
            }
        }
        Ok(cfg)
    }

    /// Reads `CORS_*` variables from the process environment.
    pub fn from_env() -> Result<Config, ConfigErrors> {
        Config::from_env_vars(std::env::vars())
    }

    /// Reads `CORS_*` variables from the given pairs: `CORS_ALLOW_ORIGINS`,
    /// `CORS_ALLOW_METHODS`, ... (the keys uppercased). Lists are a JSON list
    /// or comma-separated; booleans `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off`
    /// (empty is false); `CORS_RULES` is a JSON list of rule tables. Errors
    /// name the variable (`CORS_MAX_AGE`, `CORS_RULES[0].max_age`).
    pub fn from_env_vars<I, K, V>(vars: I) -> Result<Config, ConfigErrors>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut loader = Loader::new(Format::Env);
        let mut entries = Vec::new();
        for (k, v) in vars {
            let Some(key) = k.as_ref().strip_prefix("CORS_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            let var = loader.top_path(&key);
            match env_value(&key, &var, v.as_ref()) {
                Ok(value) => entries.push((key, value)),
                Err(e) => loader.push(e),
            }
        }
        let cfg = loader.config(Raw::Table(entries));
        loader.finish(cfg)
    }
}

fn load_document(doc: Raw, format: Format) -> Result<Config, ConfigErrors> {
    let mut loader = Loader::new(format);
    let cfg = loader.config(doc);
    loader.finish(cfg)
}

/// One `CORS_*` variable as the value its key would have in a document.
/// Unknown keys pass through as strings, for the walker to report with a
/// suggestion.
fn env_value(key: &str, var: &str, raw: &str) -> Result<Raw, ConfigError> {
    let t = raw.trim();
    match key {
        "preset" => Ok(Raw::Str(t.to_ascii_lowercase())),
        "allow_origins"
        | "allow_origin_patterns"
        | "allow_origin_regex"
        | "allow_methods"
        | "allow_headers"
        | "expose_headers" => {
            if t.starts_with('[') {
                return raw::parse_json(t, var);
            }
            let items = t.split(',').map(str::trim).filter(|s| !s.is_empty());
            Ok(Raw::List(items.map(|s| Raw::Str(s.to_string())).collect()))
        }
        "allow_credentials"
        | "allow_private_network"
        | "block_disallowed"
        | "check_websocket_origin"
        | "dangerously_allow_credentials_with_wildcards"
        | "dangerously_allow_public_suffix_patterns" => env_bool(var, raw),
        "max_age"
        | "preflight_status"
        | "origin_cache_size"
        | "origin_cache_ttl"
        | "origin_check_timeout" => {
            if let Ok(n) = t.parse::<i128>() {
                Ok(Raw::Int(n))
            } else if let Ok(f) = t.parse::<f64>() {
                Ok(Raw::Float(f))
            } else {
                Err(ConfigError::new(
                    var,
                    raw,
                    "expected a number, found text",
                    format!("write {var}={}", load::example(key)),
                )
                .with_kind(ConfigErrorKind::WrongType))
            }
        }
        "rules" => raw::parse_json(t, var),
        _ => Ok(Raw::Str(raw.to_string())),
    }
}

fn env_bool(var: &str, raw: &str) -> Result<Raw, ConfigError> {
    if raw.trim().is_empty() {
        return Ok(Raw::Bool(false));
    }
    load::truthy(raw).map(Raw::Bool).ok_or_else(|| {
        ConfigError::new(
            var,
            raw,
            "expected a boolean: true/false, 1/0, yes/no or on/off",
            format!("write {var}=true or {var}=false"),
        )
        .with_kind(ConfigErrorKind::WrongType)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_load_the_same_model() {
        let t = Config::from_toml_str(
            r#"
            preset = "starlette"
            allow_origins = ["https://a.example"]
            allow_origin_regex = 'https://.*\.example\.org'
            allow_methods = ["GET", "PUT"]
            max_age = 100
            [[rules]]
            allow_origins = ["https://admin.example"]
            allow_credentials = true
            "#,
        )
        .unwrap();
        let j = Config::from_json_str(
            r#"{"preset": "starlette", "allow_origins": ["https://a.example"],
                "allow_origin_regex": ["https://.*\\.example\\.org"],
                "allow_methods": ["GET", "PUT"], "max_age": 100,
                "rules": [{"allow_origins": ["https://admin.example"], "allow_credentials": true}]}"#,
        )
        .unwrap();
        assert_eq!(t, j);
        assert_eq!(t.preset, Preset::Starlette);
        assert_eq!(t.rules[0].allow_credentials, Some(true));
    }

    #[test]
    fn unknown_keys_name_the_key() {
        let e = Config::from_toml_str("allow_origin = [\"https://a.example\"]").unwrap_err();
        assert_eq!(e.errors()[0].field, "allow_origin");
        assert_eq!(e.errors()[0].kind, ConfigErrorKind::UnknownKey);
        let e = Config::from_json_str("{\"max_age\": \"ten\"}").unwrap_err();
        assert!(e.errors()[0].message.contains("found a string"), "{e}");
    }

    #[test]
    fn environment_lists_are_json_or_comma_separated() {
        let c = Config::from_env_vars([
            ("CORS_ALLOW_ORIGINS", "https://a.example, https://b.example"),
            ("CORS_ALLOW_METHODS", "[\"GET\",\"POST\"]"),
            ("CORS_ALLOW_CREDENTIALS", "true"),
            ("CORS_MAX_AGE", "30"),
            ("CORS_PRESET", "Starlette"),
            ("PATH", "/usr/bin"),
        ])
        .unwrap();
        assert_eq!(c.allow_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(
            c.allow_methods.as_deref(),
            Some(&["GET".to_string(), "POST".to_string()][..])
        );
        assert!(c.allow_credentials);
        assert_eq!(c.max_age, Some(30));
        assert_eq!(c.preset, Preset::Starlette);
        let e = Config::from_env_vars([("CORS_ALLOW_CREDENTIALS", "maybe")]).unwrap_err();
        assert_eq!(e.errors()[0].field, "CORS_ALLOW_CREDENTIALS");
        let e = Config::from_env_vars([("CORS_ALLOW_ORIGIN", "x")]).unwrap_err();
        assert!(e.errors()[0].message.contains("unknown"));
        assert!(e.errors()[0].hint.contains("CORS_ALLOW_ORIGINS"), "{e}");
    }

    /// Every key of the model must be known to the loader: a fully set
    /// `Config` survives serializing and loading again, as JSON and TOML.
    #[test]
    fn every_model_key_round_trips() {
        let rule = RuleConfig {
            name: Some("admin".into()),
            allow_origins: vec!["https://admin.example".into()],
            allow_origin_patterns: vec!["https://*.admin.example".into()],
            allow_origin_regex: vec!["https://x[.]example".into()],
            allow_methods: Some(vec!["PUT".into()]),
            allow_headers: Some(vec!["x-a".into()]),
            expose_headers: Some(vec!["x-b".into()]),
            allow_credentials: Some(true),
            allow_private_network: Some(false),
            max_age: Some(5),
        };
        let cfg = Config {
            preset: Preset::Starlette,
            allow_origins: vec!["https://a.example".into()],
            allow_origin_patterns: vec!["https://*.a.example".into()],
            allow_origin_regex: vec!["https://r[.]example".into()],
            allow_origins_file: Some(PathBuf::from("/abs/origins.fst")),
            allow_methods: Some(vec!["GET".into()]),
            allow_headers: vec!["content-type".into()],
            expose_headers: vec!["x-total".into()],
            allow_credentials: true,
            allow_private_network: true,
            max_age: Some(600),
            preflight_status: Some(200),
            block_disallowed: true,
            check_websocket_origin: Some(false),
            dangerously_allow_credentials_with_wildcards: true,
            dangerously_allow_public_suffix_patterns: true,
            origin_cache_ttl: Some(1.5),
            origin_cache_size: Some(7),
            origin_check_timeout: Some(0.5),
            rules: vec![rule, RuleConfig::default()],
            load_warnings: Vec::new(),
        };
        let json = serde_json::to_string(&cfg).unwrap();
        assert_eq!(Config::from_json_str(&json).unwrap(), cfg);
        let toml = toml::to_string(&cfg).unwrap();
        assert_eq!(Config::from_toml_str(&toml).unwrap(), cfg);
        assert_eq!(
            load::CONFIG_KEYS.len(),
            serde_json::to_value(&cfg)
                .unwrap()
                .as_object()
                .unwrap()
                .len()
        );
    }

    #[test]
    fn nearest_key_by_edit_distance() {
        use load::{nearest, CONFIG_KEYS};
        for (typo, want) in [
            ("allow_orgins", Some("allow_origins")),
            ("allow-origins", Some("allow_origins")),
            ("Allow_Methods", Some("allow_methods")),
            ("maxage", Some("max_age")),
            ("allow_credential", Some("allow_credentials")),
            ("expose_header", Some("expose_headers")),
            ("origins", Some("allow_origins")),
            ("timeout", Some("origin_check_timeout")),
            ("frobnicate", None),
        ] {
            assert_eq!(nearest(typo, CONFIG_KEYS), want, "{typo}");
        }
    }
}
