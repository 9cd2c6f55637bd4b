//! Lints: configurations that work, but admit more than their author meant.
//!
//! STUB: interface fixed; implementation in progress.

use crate::error::Warning;
use crate::pattern::OriginPattern;

/// Everything one rule (or the global policy) allows, for linting.
#[derive(Debug, Default)]
pub struct LintInput<'a> {
    /// Field prefix (`""` for the global policy, `rules[0].` for a rule).
    pub prefix: String,
    /// Canonical exact origins.
    pub origins: Vec<&'a str>,
    /// `null` is listed.
    pub null: bool,
    /// Parsed patterns with their index in `allow_origin_patterns`.
    pub patterns: Vec<(usize, &'a OriginPattern)>,
    /// Regex sources with their index in `allow_origin_regex` and their
    /// full-match compiled form.
    pub regexes: Vec<(usize, &'a str, &'a regex::Regex)>,
    /// Credentials are allowed.
    pub credentials: bool,
    /// A dynamic predicate decides too.
    pub has_predicate: bool,
}

/// Lints one rule's origins.
pub fn lint(input: &LintInput<'_>, warnings: &mut Vec<Warning>) {
    let _ = (input, warnings);
}

/// Origins an attacker could register or serve that look like `domain`.
pub fn attacker_origins(domain: &str) -> Vec<String> {
    let _ = domain;
    Vec::new()
}
