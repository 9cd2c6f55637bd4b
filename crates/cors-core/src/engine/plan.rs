//! What compilation produces and evaluation reads: the switches of a
//! preset, and each policy with its response headers laid out in advance
//! as *plans*.
//!
//! A plan is the list of header fields a response gets, in order, where
//! each value is either a policy value (built once) or a placeholder for a
//! request fact (the reflected origin, a mirrored field). Everything that
//! differs between the presets — which headers a refused origin still gets,
//! where the reflected origin goes, whether `*` or the origin is sent — is
//! decided when the plan is built; evaluation only fills the placeholders.

use crate::decision::VaryMode;
use crate::headers::{is_token, AllowedHeaders};
pub(crate) use crate::plan::{Fill, Plan, Src, ValueId};

/// The switches of a preset that evaluation reads. Both presets run the
/// same code; only these values (and the policies' plans) differ.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Behavior {
    /// Status of an allowed preflight (Starlette 200, standard 204 or `preflight_status`).
    pub preflight_ok_status: u16,
    /// Status of a refused preflight (Starlette 400, standard 403).
    pub preflight_denied_status: u16,
    /// Which preflight procedure answers.
    pub preflight: PreflightProcedure,
    /// The opaque origin `null` matches `*`, patterns and regexes (Starlette);
    /// otherwise only where `"null"` is listed.
    pub any_origin_admits_null: bool,
    /// How the `Vary` token joins the application's.
    pub vary_mode: VaryMode,
    /// Refuse actual requests from disallowed origins with 403.
    pub block_disallowed: bool,
    /// Refuse WebSocket handshakes from disallowed origins with 403.
    pub check_websocket_origin: bool,
    /// Several `Origin` fields make a request malformed (standard); Starlette
    /// reads the first.
    pub single_origin_field: bool,
}

/// The two ways of answering a preflight (see `evaluate/preflight.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreflightProcedure {
    /// The Fetch standard: a refused preflight learns nothing, the method
    /// must be a token (GET, HEAD and POST need no listing), every
    /// `Access-Control-Request-Headers` field is read with HTTP list syntax,
    /// and only `Access-Control-Request-Private-Network: true` asks for
    /// private network access.
    Fetch,
    /// Starlette 1.10.0's `preflight_response`: the policy's headers always,
    /// a plain-text body, the first `Access-Control-Request-Headers` field
    /// split on commas, any value of `Access-Control-Request-Private-Network`.
    Starlette,
}

/// The methods a policy allows.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowedMethods {
    /// Allowed methods, case-sensitive as HTTP methods are (the standard
    /// preset adds the CORS-safelisted GET, HEAD and POST here).
    pub listed: Vec<Box<[u8]>>,
    /// `*` in the standard preset: any method token.
    pub any: bool,
}

impl AllowedMethods {
    pub(crate) fn allows(&self, method: &[u8]) -> bool {
        if self.any {
            return is_token(method);
        }
        self.listed.iter().any(|m| &**m == method)
    }
}

/// One rule's compiled policy (the global policy is the last rule).
#[derive(Debug, Clone)]
pub(crate) struct CompiledPolicy {
    /// `rules[0]`, a rule's `name`, or `global`.
    pub name: String,
    pub private_network: bool,
    pub methods: AllowedMethods,
    pub headers: AllowedHeaders,
    /// An actual request from an allowed origin.
    pub actual_allowed: Plan,
    /// An actual request from a refused (or malformed) origin.
    pub actual_denied: Plan,
    /// A preflight whose every check passed.
    pub preflight_ok: Plan,
    /// A preflight that failed a check.
    pub preflight_denied: Plan,
}
