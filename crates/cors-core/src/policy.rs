//! Presets as behaviour switches, and a rule's policy with its header values
//! computed once.
//!
//! Nothing here runs per request except reading fields: every header value
//! a decision can carry is built when the configuration is built.

use crate::config::Preset;
use crate::decision::VaryMode;
use crate::headers::{is_token, AllowedHeaders};

/// The switches a preset sets. Both presets run the same evaluation code;
/// only these values differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behavior {
    /// Status of an allowed preflight (Starlette 200, standard 204 or `preflight_status`).
    pub preflight_ok_status: u16,
    /// Status of a refused preflight (Starlette 400, standard 403).
    pub preflight_denied_status: u16,
    /// Plain-text preflight bodies: `OK` and `Disallowed CORS origin, ...` (Starlette).
    pub preflight_bodies: bool,
    /// Send the configured CORS headers even when the origin is refused
    /// (Starlette sends credentials, methods and expose headers to anyone).
    pub headers_on_denial: bool,
    /// With `*` origins and credentials, reflect the origin (Starlette; standard
    /// only with `dangerously_allow_credentials_with_wildcards`).
    pub reflect_with_any_origin: bool,
    /// `*` origins admit the opaque origin `null` (Starlette: yes; standard: no,
    /// `null` only when listed).
    pub any_origin_admits_null: bool,
    /// How the `Vary` token joins the application's.
    pub vary_mode: VaryMode,
    /// Use only the first `Access-Control-Request-Headers` field and
    /// Starlette's split/strip semantics; otherwise HTTP list syntax over all fields.
    pub starlette_header_check: bool,
    /// GET, HEAD and POST need no listing (Fetch's CORS-safelisted methods).
    pub safelisted_methods_allowed: bool,
    /// Any value of `Access-Control-Request-Private-Network` asks for private
    /// network access (Starlette); otherwise only `true` does.
    pub any_private_network_value: bool,
    /// Refuse actual requests from disallowed origins with 403.
    pub block_disallowed: bool,
    /// Refuse WebSocket handshakes from disallowed origins with 403.
    pub check_websocket_origin: bool,
    /// Several `Origin` fields make a request malformed (standard); Starlette
    /// reads the first.
    pub single_origin_field: bool,
}

impl Behavior {
    /// Starlette 1.10.0's `CORSMiddleware`, byte for byte.
    pub fn starlette() -> Self {
        Behavior {
            preflight_ok_status: 200,
            preflight_denied_status: 400,
            preflight_bodies: true,
            headers_on_denial: true,
            reflect_with_any_origin: true,
            any_origin_admits_null: true,
            vary_mode: VaryMode::Append,
            starlette_header_check: true,
            safelisted_methods_allowed: false,
            any_private_network_value: true,
            block_disallowed: false,
            check_websocket_origin: false,
            single_origin_field: false,
        }
    }

    /// The Fetch standard, safe by default.
    pub fn standard() -> Self {
        Behavior {
            preflight_ok_status: 204,
            preflight_denied_status: 403,
            preflight_bodies: false,
            headers_on_denial: false,
            reflect_with_any_origin: false,
            any_origin_admits_null: false,
            vary_mode: VaryMode::Merge,
            starlette_header_check: false,
            safelisted_methods_allowed: true,
            any_private_network_value: false,
            block_disallowed: false,
            check_websocket_origin: true,
            single_origin_field: true,
        }
    }

    /// The switches of a preset.
    pub fn for_preset(p: Preset) -> Self {
        match p {
            Preset::Standard => Behavior::standard(),
            Preset::Starlette => Behavior::starlette(),
        }
    }
}

/// Starlette's `ALL_METHODS`, what `allow_methods=["*"]` expands to.
pub(crate) const STARLETTE_ALL_METHODS: [&str; 8] = [
    "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
];

/// Starlette's `SAFELISTED_HEADERS`, always merged into `allow_headers`.
pub(crate) const STARLETTE_SAFELISTED_HEADERS: [&str; 4] = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
];

/// One rule's policy (the global policy is the last rule).
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    /// `rules[0]`, a rule's `name`, or `global`.
    pub name: String,
    /// `*` origins (global policy only).
    pub any_origin: bool,
    pub credentials: bool,
    pub private_network: bool,
    /// Methods, exactly as configured (case-sensitive, as HTTP methods are).
    pub methods: Vec<Box<[u8]>>,
    /// `*` methods in the standard preset: mirror the requested method.
    pub any_method: bool,
    pub headers: AllowedHeaders,
    /// Precomputed header values.
    pub allow_methods_value: Box<[u8]>,
    /// `None` when the requested headers are mirrored (`*`).
    pub allow_headers_value: Option<Box<[u8]>>,
    pub expose_headers_value: Option<Box<[u8]>>,
    pub max_age_value: Box<[u8]>,
}

/// The resolved (inherited, defaulted) settings of one rule, as strings.
pub(crate) struct PolicyInput<'a> {
    pub name: String,
    pub any_origin: bool,
    pub methods: &'a [String],
    pub headers: &'a [String],
    pub expose: &'a [String],
    pub credentials: bool,
    pub private_network: bool,
    pub max_age: u64,
}

impl Policy {
    pub(crate) fn build(preset: Preset, input: PolicyInput<'_>) -> Policy {
        let any_method = input.methods.iter().any(|m| m == "*");
        let any_headers = input.headers.iter().any(|h| h == "*");
        let (methods, allow_methods_value, any_method, headers, allow_headers_value) = match preset
        {
            Preset::Starlette => {
                // `if "*" in allow_methods: allow_methods = ALL_METHODS`
                let methods: Vec<String> = if any_method {
                    STARLETTE_ALL_METHODS
                        .iter()
                        .map(|m| m.to_string())
                        .collect()
                } else {
                    input.methods.to_vec()
                };
                let value = methods.join(", ");
                // `sorted(SAFELISTED_HEADERS | set(allow_headers))`, by code point.
                let mut merged: Vec<String> = STARLETTE_SAFELISTED_HEADERS
                    .iter()
                    .map(|h| h.to_string())
                    .chain(input.headers.iter().cloned())
                    .collect();
                merged.sort();
                merged.dedup();
                let acah = (!any_headers && !merged.is_empty()).then(|| merged.join(", "));
                let lowered = merged
                    .iter()
                    .map(|h| h.to_lowercase().into_boxed_str())
                    .collect();
                (
                    methods,
                    value,
                    false,
                    AllowedHeaders::new(any_headers, lowered),
                    acah,
                )
            }
            Preset::Standard => {
                let methods: Vec<String> = input
                    .methods
                    .iter()
                    .filter(|m| *m != "*")
                    .cloned()
                    .collect();
                let value = methods.join(", ");
                let mut names: Vec<String> = Vec::new();
                for h in input.headers.iter().filter(|h| *h != "*") {
                    let l = h.to_ascii_lowercase();
                    if !names.contains(&l) {
                        names.push(l);
                    }
                }
                let acah = (!any_headers && !names.is_empty()).then(|| names.join(", "));
                let boxed = names.into_iter().map(String::into_boxed_str).collect();
                (
                    methods,
                    value,
                    any_method,
                    AllowedHeaders::new(any_headers, boxed),
                    acah,
                )
            }
        };
        let expose_headers_value = (!input.expose.is_empty()).then(|| input.expose.join(", "));
        Policy {
            name: input.name,
            any_origin: input.any_origin,
            credentials: input.credentials,
            private_network: input.private_network,
            methods: methods
                .into_iter()
                .map(|m| m.into_bytes().into_boxed_slice())
                .collect(),
            any_method,
            headers,
            allow_methods_value: allow_methods_value.into_bytes().into_boxed_slice(),
            allow_headers_value: allow_headers_value.map(|s| s.into_bytes().into_boxed_slice()),
            expose_headers_value: expose_headers_value.map(|s| s.into_bytes().into_boxed_slice()),
            max_age_value: input.max_age.to_string().into_bytes().into_boxed_slice(),
        }
    }

    /// Whether the requested method is allowed.
    pub(crate) fn allows_method(&self, behavior: &Behavior, method: &[u8]) -> bool {
        if behavior.safelisted_methods_allowed && matches!(method, b"GET" | b"HEAD" | b"POST") {
            return true;
        }
        if self.any_method {
            return is_token(method);
        }
        self.methods.iter().any(|m| &**m == method)
    }
}
