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
//! Everything is validated when the engine is built
//! ([`Cors::from_config`](crate::Cors::from_config)); loading only checks
//! the shape.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::ConfigError;

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
    /// Per-origin policies; the first rule whose origins match wins.
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
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

fn shape_error(source: &str, e: impl std::fmt::Display) -> ConfigError {
    let msg = e.to_string();
    // serde's messages name the key ("unknown field `allow_origin`, expected ...").
    let field = msg
        .split('`')
        .nth(1)
        .map(str::to_string)
        .unwrap_or_else(|| "(document)".into());
    ConfigError::new(
        field,
        source,
        msg.lines().next().unwrap_or("invalid document").to_string(),
        "keys follow Starlette's CORSMiddleware parameters (allow_origins, allow_methods, ...); see the README",
    )
}

impl Config {
    /// Parses a TOML document.
    pub fn from_toml_str(s: &str) -> Result<Config, ConfigError> {
        toml::from_str(s).map_err(|e| shape_error("TOML", e))
    }

    /// Parses a JSON document.
    pub fn from_json_str(s: &str) -> Result<Config, ConfigError> {
        serde_json::from_str(s).map_err(|e| shape_error("JSON", e))
    }

    /// Reads a `.toml` or `.json` file (by extension; TOML otherwise).
    /// A relative `allow_origins_file` is resolved against the file's folder.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(
                "(file)",
                path.display().to_string(),
                format!("cannot read the configuration file: {e}"),
                "check the path",
            )
        })?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let mut cfg = if is_json {
            Config::from_json_str(&text)
        } else {
            Config::from_toml_str(&text)
        }
        .map_err(|mut e| {
            e.value = path.display().to_string();
            e
        })?;
        if let (Some(f), Some(dir)) = (&cfg.allow_origins_file, path.parent()) {
            if f.is_relative() {
                cfg.allow_origins_file = Some(dir.join(f));
            }
        }
        Ok(cfg)
    }

    /// Reads `CORS_*` variables from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_env_vars(std::env::vars())
    }

    /// Reads `CORS_*` variables from the given pairs: `CORS_ALLOW_ORIGINS`,
    /// `CORS_ALLOW_METHODS`, ... (the keys uppercased). Lists are a JSON list
    /// or comma-separated; booleans `true`/`false`/`1`/`0`/`yes`/`no`;
    /// `CORS_RULES` is a JSON list of rule tables.
    pub fn from_env_vars<I, K, V>(vars: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut map = serde_json::Map::new();
        for (k, v) in vars {
            let Some(key) = k.as_ref().strip_prefix("CORS_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            let raw = v.as_ref();
            let var = format!("CORS_{}", key.to_ascii_uppercase());
            let value = match key.as_str() {
                "preset" => serde_json::Value::String(raw.trim().to_ascii_lowercase()),
                "allow_origins" | "allow_origin_patterns" | "allow_origin_regex" | "allow_methods"
                | "allow_headers" | "expose_headers" => env_list(&var, raw)?,
                "allow_credentials"
                | "allow_private_network"
                | "block_disallowed"
                | "check_websocket_origin"
                | "dangerously_allow_credentials_with_wildcards"
                | "dangerously_allow_public_suffix_patterns" => env_bool(&var, raw)?,
                "max_age" | "preflight_status" | "origin_cache_size" | "origin_cache_ttl" => {
                    let n: serde_json::Number = raw.trim().parse().map_err(|_| {
                        ConfigError::new(&var, raw, "not a number", "write a number, e.g. 600")
                    })?;
                    serde_json::Value::Number(n)
                }
                "allow_origins_file" => serde_json::Value::String(raw.to_string()),
                "rules" => serde_json::from_str(raw).map_err(|e| {
                    ConfigError::new(&var, raw, format!("not a JSON list of rules: {e}"), "write e.g. [{\"allow_origins\": [\"https://a.example\"]}]")
                })?,
                _ => {
                    return Err(ConfigError::new(
                        var,
                        raw,
                        "unknown CORS_ variable",
                        "valid names are CORS_ plus a configuration key in uppercase, e.g. CORS_ALLOW_ORIGINS",
                    ))
                }
            };
            map.insert(key, value);
        }
        serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| shape_error("environment", e))
    }
}

fn env_list(var: &str, raw: &str) -> Result<serde_json::Value, ConfigError> {
    let t = raw.trim();
    if t.starts_with('[') {
        let v: Vec<String> = serde_json::from_str(t).map_err(|e| {
            ConfigError::new(
                var,
                raw,
                format!("not a JSON list of strings: {e}"),
                "write [\"a\", \"b\"] or a,b",
            )
        })?;
        return Ok(v.into());
    }
    let items: Vec<serde_json::Value> = t
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| serde_json::Value::String(s.to_string()))
        .collect();
    Ok(serde_json::Value::Array(items))
}

fn env_bool(var: &str, raw: &str) -> Result<serde_json::Value, ConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true.into()),
        "0" | "false" | "no" | "off" | "" => Ok(false.into()),
        _ => Err(ConfigError::new(
            var,
            raw,
            "not a boolean",
            "write true or false",
        )),
    }
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
        assert_eq!(e.field, "allow_origin");
        let e = Config::from_json_str("{\"max_age\": \"ten\"}").unwrap_err();
        assert!(e.message.contains("invalid type"), "{e}");
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
        assert_eq!(e.field, "CORS_ALLOW_CREDENTIALS");
        let e = Config::from_env_vars([("CORS_ALLOW_ORIGIN", "x")]).unwrap_err();
        assert!(e.message.contains("unknown"));
    }
}
