//! Starlette's public attributes (`allow_methods`, `simple_headers`,
//! `preflight_headers`, ...), computed from a configuration exactly as
//! Starlette 1.10.0's `CORSMiddleware.__init__` computes them from the same
//! arguments, whatever the preset: the Python drop-in exposes these, so
//! that code reading them sees what it would see on Starlette's class.

use crate::config::Config;
use crate::defaults;

use super::policy::{STARLETTE_ALL_METHODS, STARLETTE_SAFELISTED_HEADERS};

/// Starlette's attributes for one configuration (its global policy).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StarletteAttributes {
    /// `allow_origins`, as configured.
    pub allow_origins: Vec<String>,
    /// `allow_methods`: `ALL_METHODS` for `*`.
    pub allow_methods: Vec<String>,
    /// `allow_headers`: the safelisted headers merged in, sorted, lowercased.
    pub allow_headers: Vec<String>,
    /// `"*" in allow_origins`.
    pub allow_all_origins: bool,
    /// `"*" in allow_headers`.
    pub allow_all_headers: bool,
    /// `allow_credentials`.
    pub allow_credentials: bool,
    /// `not allow_all_origins or allow_credentials`.
    pub preflight_explicit_allow_origin: bool,
    /// `allow_private_network`.
    pub allow_private_network: bool,
    /// `simple_headers`, in order.
    pub simple_headers: Vec<(String, String)>,
    /// `preflight_headers`, in order.
    pub preflight_headers: Vec<(String, String)>,
}

/// Starlette's `ALL_METHODS`.
pub fn all_methods() -> &'static [&'static str] {
    &STARLETTE_ALL_METHODS
}

/// Starlette's `SAFELISTED_HEADERS`, sorted.
pub fn safelisted_headers() -> &'static [&'static str] {
    &STARLETTE_SAFELISTED_HEADERS
}

/// Starlette's attributes for `cfg` (a pure function of the configuration:
/// the engine does not keep the configuration, so call this where you have
/// it).
pub fn attributes(cfg: &Config) -> StarletteAttributes {
    let to = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let methods = match &cfg.allow_methods {
        Some(m) if m.iter().any(|m| m == "*") => to(&STARLETTE_ALL_METHODS),
        Some(m) => m.clone(),
        None => to(&defaults::STARLETTE_METHODS),
    };
    let all_origins = cfg.allow_origins.iter().any(|o| o == "*");
    let all_headers = cfg.allow_headers.iter().any(|h| h == "*");
    let credentials = cfg.allow_credentials;
    let explicit = !all_origins || credentials;
    let mut sorted: Vec<String> = to(&STARLETTE_SAFELISTED_HEADERS);
    sorted.extend(cfg.allow_headers.iter().cloned());
    sorted.sort();
    sorted.dedup();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    let mut simple = Vec::new();
    if all_origins {
        simple.push(pair("Access-Control-Allow-Origin", "*"));
    }
    if credentials {
        simple.push(pair("Access-Control-Allow-Credentials", "true"));
    }
    if !cfg.expose_headers.is_empty() {
        simple.push(pair(
            "Access-Control-Expose-Headers",
            &cfg.expose_headers.join(", "),
        ));
    }
    let mut preflight = vec![pair("Vary", super::PREFLIGHT_VARY_PNA)];
    if !explicit {
        preflight.push(pair("Access-Control-Allow-Origin", "*"));
    }
    preflight.push(pair("Access-Control-Allow-Methods", &methods.join(", ")));
    let max_age = cfg.max_age.unwrap_or(defaults::MAX_AGE).to_string();
    preflight.push(pair("Access-Control-Max-Age", &max_age));
    if !all_headers {
        preflight.push(pair("Access-Control-Allow-Headers", &sorted.join(", ")));
    }
    if credentials {
        preflight.push(pair("Access-Control-Allow-Credentials", "true"));
    }
    StarletteAttributes {
        allow_origins: cfg.allow_origins.clone(),
        allow_methods: methods,
        allow_headers: sorted.iter().map(|h| h.to_lowercase()).collect(),
        allow_all_origins: all_origins,
        allow_all_headers: all_headers,
        allow_credentials: credentials,
        preflight_explicit_allow_origin: explicit,
        allow_private_network: cfg.allow_private_network,
        simple_headers: simple,
        preflight_headers: preflight,
    }
}
