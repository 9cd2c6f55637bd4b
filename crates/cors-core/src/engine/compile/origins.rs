//! The origins of each rule: parsed, validated, linted, and assembled into
//! the origin index.

use crate::config::Config;
use crate::error::{ConfigError, ConfigErrorKind, WarningKind};
use crate::index::{full_match, GlobalOrigins, RegexGroup, StaticIndex};
use crate::lint::{lint, LintInput};
use crate::origin::{parse_configured_origin, ParsedConfigOrigin};
use crate::pattern::OriginPattern;

use super::checks::Problems;

/// Most memory one compiled regular expression may take (the `regex`
/// crate's size limit): generous for origin regexes, bounded against
/// pathological ones.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 22;

/// The origins of one rule (or the global policy), parsed.
#[derive(Default)]
pub(crate) struct RuleOrigins {
    pub exact: Vec<Box<str>>,
    pub null: bool,
    pub any: bool,
    pub patterns: Vec<OriginPattern>,
    pub regexes: Vec<(String, regex::Regex)>,
}

/// One rule's (or the global policy's) origin keys.
pub(crate) struct OriginKeys<'a> {
    pub prefix: &'a str,
    pub origins: &'a [String],
    pub patterns: &'a [String],
    pub regexes: &'a [String],
    pub global: bool,
}

pub(crate) fn parse_rule_origins(
    keys: &OriginKeys<'_>,
    cfg: &Config,
    p: &mut Problems,
) -> RuleOrigins {
    let prefix = keys.prefix;
    let mut out = RuleOrigins {
        any: parse_any(keys, p),
        ..RuleOrigins::default()
    };
    for (i, o) in keys.origins.iter().enumerate().filter(|(_, o)| *o != "*") {
        let field = format!("{prefix}allow_origins[{i}]");
        match parse_configured_origin(&field, o, &mut p.warnings) {
            Ok(ParsedConfigOrigin::Null) => out.null = true,
            Ok(ParsedConfigOrigin::Tuple(c)) => out.exact.push(c.serialized.into_boxed_str()),
            Err(e) => p.strict(e, WarningKind::NeverMatches),
        }
    }
    for (i, s) in keys.patterns.iter().enumerate() {
        let field = format!("{prefix}allow_origin_patterns[{i}]");
        let allow_psl = cfg.dangerously_allow_public_suffix_patterns;
        match OriginPattern::parse(&field, s, allow_psl, &mut p.warnings) {
            Ok(pat) => out.patterns.push(pat),
            Err(e) => p.error(e),
        }
    }
    for (i, s) in keys.regexes.iter().enumerate() {
        match compile_regex(s) {
            Ok(r) => out.regexes.push((s.clone(), r)),
            Err(e) => p.error(ConfigError::new(
                format!("{prefix}allow_origin_regex[{i}]"),
                s,
                format!("not a valid regular expression: {}", e.to_string().lines().last().unwrap_or("")),
                "Rust regex syntax has no look-around or back-references; prefer allow_origin_patterns for subdomains",
            ).with_kind(ConfigErrorKind::InvalidRegex)),
        }
    }
    out
}

fn compile_regex(source: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(&full_match(source))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// `"*"` in `allow_origins`: the global policy's alone.
fn parse_any(keys: &OriginKeys<'_>, p: &mut Problems) -> bool {
    if !keys.origins.iter().any(|o| o == "*") {
        return false;
    }
    let field = format!("{}allow_origins", keys.prefix);
    if !keys.global {
        p.error(
            ConfigError::new(
                field,
                "*",
                "a rule cannot allow every origin",
                "put \"*\" in the global allow_origins, or list the rule's origins",
            )
            .with_kind(ConfigErrorKind::Conflict),
        );
        return false;
    }
    if keys.origins.len() > 1 {
        p.strict(
            ConfigError::new(
                field,
                keys.origins.join(", "),
                "\"*\" cannot be mixed with a list of origins",
                "use [\"*\"] alone to allow every origin, or list the origins without \"*\"",
            )
            .with_kind(ConfigErrorKind::Conflict),
            WarningKind::Other,
        );
    }
    true
}

/// Lints every rule's origins. `credentials[i]` is rule `i`'s setting.
pub(crate) fn lint_origins(
    parsed: &[RuleOrigins],
    credentials: &[bool],
    has_predicate: bool,
    p: &mut Problems,
) {
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
            credentials: credentials[i],
            has_predicate: global && has_predicate,
        };
        lint(&input, &mut p.warnings);
    }
}

/// The index: the rules' origins are static; the global exact origins and
/// patterns are swappable ([`GlobalOrigins`]); the regexes go into one set
/// per side. `parsed` holds the rules in order, the global policy last.
pub(crate) fn build_index(
    mut parsed: Vec<RuleOrigins>,
) -> Result<(StaticIndex, GlobalOrigins), ConfigError> {
    let global_parsed = parsed.pop().unwrap_or_default();
    let mut statics = StaticIndex::default();
    let mut rule_regexes = Vec::new();
    for (rule, o) in parsed.iter().enumerate() {
        let rule_u = rule as u32;
        for (j, (_, r)) in o.regexes.iter().enumerate() {
            rule_regexes.push((r.clone(), rule_u, j as u32));
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
    let global_rule = parsed.len() as u32;
    let global_regexes = global_parsed
        .regexes
        .iter()
        .enumerate()
        .map(|(j, (_, r))| (r.clone(), global_rule, j as u32))
        .collect();
    let too_large = |e: regex::Error| {
        ConfigError::new(
            "allow_origin_regex",
            "(all regexes)",
            format!("the regexes together are too large: {e}"),
            "use allow_origin_patterns or fewer regexes",
        )
        .with_kind(ConfigErrorKind::InvalidRegex)
    };
    statics.rule_regexes = RegexGroup::build(rule_regexes).map_err(too_large)?;
    statics.no_rules =
        statics.exact.is_empty() && statics.patterns.is_empty() && statics.rule_regexes.is_none();
    statics.global_regexes = RegexGroup::build(global_regexes).map_err(too_large)?;
    let mut global = GlobalOrigins::default();
    global.exact.extend(global_parsed.exact);
    if global_parsed.null {
        global.exact.insert("null".into());
    }
    global.pattern_list = global_parsed.patterns;
    global.rebuild_patterns();
    Ok((statics, global))
}
