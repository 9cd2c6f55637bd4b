//! Configuration-file errors users can act on: every key of the model,
//! given a wrong value in TOML, JSON and `CORS_*` variables, yields an error
//! naming the key path, the value as written, what was expected and a fix.

use fastcors_core::{Config, ConfigError, ConfigErrorKind as K, ConfigErrors, WarningKind};

/// One wrong value. `at` is appended to the key for the expected field
/// (`"[1]"` for a list entry). A `fix` starting with `=` is a value: the
/// hint must show `key = value` (TOML) or `"key": value` (JSON).
struct Case {
    key: &'static str,
    literal: &'static str,
    at: &'static str,
    value: &'static str,
    kind: K,
    expected: &'static str,
    fix: &'static str,
}

const fn case(
    key: &'static str,
    literal: &'static str,
    at: &'static str,
    value: &'static str,
    kind: K,
    expected: &'static str,
    fix: &'static str,
) -> Case {
    Case {
        key,
        literal,
        at,
        value,
        kind,
        expected,
        fix,
    }
}

const LIST: &str = "expected a list of strings";
const ENTRY: &str = "expected a string, found";
const BOOL: &str = "expected true or false";
const SECS: &str = "a whole number of seconds";

/// Every key of `Config`; literals are valid TOML and JSON alike.
#[rustfmt::skip]
const TOP: &[Case] = &[
    case("preset", "1", "", "1", K::WrongType, "expected the string \"standard\" or \"starlette\", found an integer", "=\"standard\""),
    case("preset", "\"strict\"", "", "strict", K::InvalidValue, "unknown preset", "=\"starlette\""),
    case("preset", "\"Starlette\"", "", "Starlette", K::InvalidValue, "did you mean \"starlette\"?", "=\"starlette\""),
    case("allow_origins", "true", "", "true", K::WrongType, "expected a list of strings, found a boolean", "=[\"https://app.example.com\"]"),
    case("allow_origins", "[\"https://a.example\", 7]", "[1]", "7", K::WrongType, "expected a string, found an integer", "\"https://app.example.com\""),
    case("allow_origin_patterns", "5", "", "5", K::WrongType, LIST, "=[\"https://*.example.com\"]"),
    case("allow_origin_patterns", "[[]]", "[0]", "[]", K::WrongType, "expected a string, found a list", "\"https://*.example.com\""),
    case("allow_origin_regex", "false", "", "false", K::WrongType, LIST, "allow_origin_regex"),
    case("allow_origin_regex", "[1.5]", "[0]", "1.5", K::WrongType, "found a float", "double quotes"),
    case("allow_origins_file", "3", "", "3", K::WrongType, "expected a string, found an integer", "=\"origins.fst\""),
    case("allow_methods", "7", "", "7", K::WrongType, LIST, "=[\"GET\", \"POST\"]"),
    case("allow_methods", "[\"GET\", true]", "[1]", "true", K::WrongType, "found a boolean", "\"GET\""),
    case("allow_headers", "1.5", "", "1.5", K::WrongType, "found a float", "=[\"content-type\"]"),
    case("expose_headers", "false", "", "false", K::WrongType, LIST, "=[\"x-total\"]"),
    case("allow_credentials", "\"yes\"", "", "yes", K::WrongType, "expected true or false, found a string", "=true"),
    case("allow_credentials", "\"off\"", "", "off", K::WrongType, BOOL, "=false"),
    case("allow_private_network", "1", "", "1", K::WrongType, "found an integer", "=true"),
    case("max_age", "\"600\"", "", "600", K::WrongType, "expected a whole number of seconds, found a string", "=600"),
    case("max_age", "-1", "", "-1", K::OutOfRange, "cannot be negative", "=600"),
    case("max_age", "1.5", "", "1.5", K::WrongType, "found a float", "=2"),
    case("max_age", "600.0", "", "600.0", K::WrongType, "found a float", "=600"),
    case("max_age", "1e30", "", "1e30", K::OutOfRange, "too large", "=600"),
    case("max_age", "[600]", "", "[600]", K::WrongType, "found a list", "=600"),
    case("preflight_status", "70000", "", "70000", K::OutOfRange, "too large: at most 65535", "=204"),
    case("preflight_status", "-1", "", "-1", K::OutOfRange, "cannot be negative", "=204"),
    case("preflight_status", "\"204\"", "", "204", K::WrongType, "an HTTP status code, found a string", "=204"),
    case("block_disallowed", "\"no\"", "", "no", K::WrongType, BOOL, "=false"),
    case("check_websocket_origin", "[]", "", "[]", K::WrongType, "found a list", "=true"),
    case("dangerously_allow_credentials_with_wildcards", "\"true\"", "", "true", K::WrongType, BOOL, "=true"),
    case("dangerously_allow_public_suffix_patterns", "0", "", "0", K::WrongType, "found an integer", "=false"),
    case("origin_cache_ttl", "\"60\"", "", "60", K::WrongType, "expected a number of seconds, found a string", "=60"),
    case("origin_cache_ttl", "-1", "", "-1", K::OutOfRange, "cannot be negative", "=60"),
    case("origin_cache_ttl", "-0.5", "", "-0.5", K::OutOfRange, "cannot be negative", "=60"),
    case("origin_cache_size", "-1", "", "-1", K::OutOfRange, "cannot be negative", "=10000"),
    case("origin_cache_size", "2.5", "", "2.5", K::WrongType, "a whole number of entries, found a float", "=3"),
    case("origin_cache_size", "\"big\"", "", "big", K::WrongType, "found a string", "=10000"),
    case("rules", "\"x\"", "", "x", K::WrongType, "expected a list of rule tables, found a string", "rules"),
    case("rules", "[1]", "[0]", "1", K::WrongType, "expected a rule table, found an integer", "table of keys"),
    case("allow_orgins", "[]", "", "[]", K::UnknownKey, "unknown key; did you mean `allow_origins`?", "rename it to allow_origins"),
    case("allow_origin", "[]", "", "[]", K::UnknownKey, "did you mean `allow_origins`?", "allow_origins"),
    case("maxage", "1", "", "1", K::UnknownKey, "did you mean `max_age`?", "max_age"),
    case("name", "\"x\"", "", "x", K::UnknownKey, "a key of a rule", "move it into a rule"),
    case("frobnicate", "1", "", "1", K::UnknownKey, "unknown key", "the known keys are preset, allow_origins"),
];

/// Every key of `RuleConfig`, inside the first rule.
#[rustfmt::skip]
const RULE: &[Case] = &[
    case("name", "1", "", "1", K::WrongType, "expected a string, found an integer", "=\"admin\""),
    case("allow_origins", "1", "", "1", K::WrongType, LIST, "=[\"https://app.example.com\"]"),
    case("allow_origins", "[\"https://a.example\", {}]", "[1]", "{}", K::WrongType, "found a table", "\"https://app.example.com\""),
    case("allow_origin_patterns", "{}", "", "{}", K::WrongType, "found a table", "=[\"https://*.example.com\"]"),
    case("allow_origin_regex", "2", "", "2", K::WrongType, LIST, "allow_origin_regex"),
    case("allow_methods", "true", "", "true", K::WrongType, LIST, "=[\"GET\", \"POST\"]"),
    case("allow_headers", "[true]", "[0]", "true", K::WrongType, ENTRY, "\"content-type\""),
    case("expose_headers", "3", "", "3", K::WrongType, LIST, "=[\"x-total\"]"),
    case("allow_credentials", "\"yes\"", "", "yes", K::WrongType, BOOL, "=true"),
    case("allow_private_network", "\"on\"", "", "on", K::WrongType, BOOL, "=true"),
    case("max_age", "-5", "", "-5", K::OutOfRange, "cannot be negative", "=600"),
    case("max_age", "\"10\"", "", "10", K::WrongType, SECS, "=10"),
    case("max_age", "0.5", "", "0.5", K::WrongType, "found a float", "=1"),
    case("preset", "\"standard\"", "", "standard", K::InvalidValue, "", ""),
    case("allow_orgins", "[]", "", "[]", K::UnknownKey, "did you mean `allow_origins`?", "rename it to allow_origins"),
    case("preflight_status", "204", "", "204", K::UnknownKey, "applies to the whole configuration, not to one rule", "move it out of the rule"),
];

#[derive(Clone, Copy, PartialEq)]
enum Fmt {
    Toml,
    Json,
}

fn load(fmt: Fmt, doc: &str) -> Result<Config, ConfigErrors> {
    match fmt {
        Fmt::Toml => Config::from_toml_str(doc),
        Fmt::Json => Config::from_json_str(doc),
    }
}

/// Finds the error for `field`, failing with every error found otherwise.
fn error_for<'a>(errors: &'a ConfigErrors, field: &str, doc: &str) -> &'a ConfigError {
    errors
        .errors()
        .iter()
        .find(|e| e.field == field)
        .unwrap_or_else(|| panic!("no error for {field} in {doc:?}: {errors}"))
}

fn check(fmt: Fmt, c: &Case, in_rule: bool) {
    let doc = match (fmt, in_rule) {
        (Fmt::Toml, false) => format!("{} = {}\n", c.key, c.literal),
        (Fmt::Toml, true) => format!("[[rules]]\n{} = {}\n", c.key, c.literal),
        (Fmt::Json, false) => format!("{{\"{}\": {}}}", c.key, c.literal),
        (Fmt::Json, true) => format!("{{\"rules\": [{{\"{}\": {}}}]}}", c.key, c.literal),
    };
    let prefix = if in_rule { "rules[0]." } else { "" };
    let field = format!("{prefix}{}{}", c.key, c.at);
    let errors = load(fmt, &doc).expect_err(&doc);
    let e = error_for(&errors, &field, &doc);
    if c.key == "preset" && in_rule {
        // `preset` inside a rule is reported as misplaced, not as a bad preset.
        assert_eq!(e.kind, K::UnknownKey, "{doc}: {e}");
        return;
    }
    assert_eq!(e.kind, c.kind, "{doc}: {e}");
    assert_eq!(e.value, c.value, "{doc}: {e}");
    assert!(
        e.message.contains(c.expected),
        "{doc}: message {:?} lacks {:?}",
        e.message,
        c.expected
    );
    let fix = match (c.fix.strip_prefix('='), fmt) {
        (Some(v), Fmt::Toml) => format!("{} = {v}", c.key),
        (Some(v), Fmt::Json) => format!("\"{}\": {v}", c.key),
        (None, _) => c.fix.to_string(),
    };
    assert!(
        e.hint.contains(&fix),
        "{doc}: hint {:?} lacks {fix:?}",
        e.hint
    );
    // Display: field = "value": message (fix: hint).
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("{field} = ")) && shown.contains("(fix: "),
        "{shown}"
    );
}

#[test]
fn every_top_level_key_in_toml_and_json() {
    for c in TOP {
        check(Fmt::Toml, c, false);
        check(Fmt::Json, c, false);
    }
}

#[test]
fn every_rule_key_in_toml_and_json() {
    for c in RULE {
        check(Fmt::Toml, c, true);
        check(Fmt::Json, c, true);
    }
}

#[test]
fn toml_only_values() {
    for (doc, field, kind, expected) in [
        (
            "origin_cache_ttl = nan",
            "origin_cache_ttl",
            K::InvalidValue,
            "finite",
        ),
        (
            "origin_cache_ttl = inf",
            "origin_cache_ttl",
            K::InvalidValue,
            "finite",
        ),
        ("max_age = inf", "max_age", K::OutOfRange, "too large"),
        ("max_age = nan", "max_age", K::WrongType, "found a float"),
        (
            "expose_headers = 1979-05-27",
            "expose_headers",
            K::WrongType,
            "found a date-time",
        ),
        (
            "rules = { allow_origins = [] }",
            "rules",
            K::WrongType,
            "[[rules]]",
        ),
    ] {
        let errors = Config::from_toml_str(doc).expect_err(doc);
        let e = error_for(&errors, field, doc);
        assert_eq!(e.kind, kind, "{doc}: {e}");
        assert!(
            e.message.contains(expected) || e.hint.contains(expected),
            "{doc}: {e}"
        );
    }
}

#[test]
fn json_null_unsets_optional_keys_only() {
    let c = Config::from_json_str(
        r#"{"max_age": null, "allow_methods": null, "allow_origin_regex": null,
            "rules": [{"allow_headers": null, "max_age": null, "name": null}]}"#,
    )
    .unwrap();
    assert_eq!((c.max_age, c.allow_methods.is_none()), (None, true));
    assert_eq!(
        c.rules[0].allow_headers, None,
        "null is unset: the rule inherits"
    );
    for (doc, field) in [
        (r#"{"allow_credentials": null}"#, "allow_credentials"),
        (r#"{"allow_origins": null}"#, "allow_origins"),
        (r#"{"preset": null}"#, "preset"),
        (r#"{"rules": null}"#, "rules"),
    ] {
        let errors = Config::from_json_str(doc).expect_err(doc);
        let e = error_for(&errors, field, doc);
        assert!(e.message.ends_with("found null"), "{e}");
        assert_eq!(e.kind, K::WrongType);
    }
}

/// `CORS_*` variables: (variable, value, field, kind, in message, in hint).
#[test]
fn every_environment_variable() {
    #[rustfmt::skip]
    let table: &[(&str, &str, &str, K, &str, &str)] = &[
        ("CORS_PRESET", "strict", "CORS_PRESET", K::InvalidValue, "unknown preset", "CORS_PRESET=standard"),
        ("CORS_ALLOW_ORIGINS", "[1]", "CORS_ALLOW_ORIGINS[0]", K::WrongType, "expected a string, found an integer", "\"https://app.example.com\""),
        ("CORS_ALLOW_ORIGINS", "[\"https://a.example\"", "CORS_ALLOW_ORIGINS", K::Syntax, "JSON syntax error", "JSON"),
        ("CORS_ALLOW_ORIGIN_PATTERNS", "[{}]", "CORS_ALLOW_ORIGIN_PATTERNS[0]", K::WrongType, "found a table", "\"https://*.example.com\""),
        ("CORS_ALLOW_ORIGIN_REGEX", "[true]", "CORS_ALLOW_ORIGIN_REGEX[0]", K::WrongType, "found a boolean", "double quotes"),
        ("CORS_ALLOW_METHODS", "[null]", "CORS_ALLOW_METHODS[0]", K::WrongType, "found null", "\"GET\""),
        ("CORS_ALLOW_HEADERS", "[1.5]", "CORS_ALLOW_HEADERS[0]", K::WrongType, "found a float", "\"content-type\""),
        ("CORS_EXPOSE_HEADERS", "[[]]", "CORS_EXPOSE_HEADERS[0]", K::WrongType, "found a list", "\"x-total\""),
        ("CORS_ALLOW_CREDENTIALS", "maybe", "CORS_ALLOW_CREDENTIALS", K::WrongType, "expected a boolean", "CORS_ALLOW_CREDENTIALS=true"),
        ("CORS_ALLOW_PRIVATE_NETWORK", "2", "CORS_ALLOW_PRIVATE_NETWORK", K::WrongType, "expected a boolean", "=false"),
        ("CORS_BLOCK_DISALLOWED", "y", "CORS_BLOCK_DISALLOWED", K::WrongType, "expected a boolean", "CORS_BLOCK_DISALLOWED=true"),
        ("CORS_CHECK_WEBSOCKET_ORIGIN", "enable", "CORS_CHECK_WEBSOCKET_ORIGIN", K::WrongType, "expected a boolean", "=true"),
        ("CORS_DANGEROUSLY_ALLOW_CREDENTIALS_WITH_WILDCARDS", "si", "CORS_DANGEROUSLY_ALLOW_CREDENTIALS_WITH_WILDCARDS", K::WrongType, "expected a boolean", "=true"),
        ("CORS_DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_PATTERNS", "nope", "CORS_DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_PATTERNS", K::WrongType, "expected a boolean", "=true"),
        ("CORS_MAX_AGE", "ten", "CORS_MAX_AGE", K::WrongType, "expected a number", "CORS_MAX_AGE=600"),
        ("CORS_MAX_AGE", "-1", "CORS_MAX_AGE", K::OutOfRange, "cannot be negative", "CORS_MAX_AGE=600"),
        ("CORS_MAX_AGE", "1.5", "CORS_MAX_AGE", K::WrongType, "found a float", "CORS_MAX_AGE=2"),
        ("CORS_PREFLIGHT_STATUS", "70000", "CORS_PREFLIGHT_STATUS", K::OutOfRange, "too large", "CORS_PREFLIGHT_STATUS=204"),
        ("CORS_PREFLIGHT_STATUS", "ok", "CORS_PREFLIGHT_STATUS", K::WrongType, "expected a number", "CORS_PREFLIGHT_STATUS=204"),
        ("CORS_ORIGIN_CACHE_TTL", "-1", "CORS_ORIGIN_CACHE_TTL", K::OutOfRange, "cannot be negative", "CORS_ORIGIN_CACHE_TTL=60"),
        ("CORS_ORIGIN_CACHE_TTL", "nan", "CORS_ORIGIN_CACHE_TTL", K::InvalidValue, "finite", "CORS_ORIGIN_CACHE_TTL=60"),
        ("CORS_ORIGIN_CACHE_SIZE", "-1", "CORS_ORIGIN_CACHE_SIZE", K::OutOfRange, "cannot be negative", "CORS_ORIGIN_CACHE_SIZE=10000"),
        ("CORS_ORIGIN_CACHE_SIZE", "lots", "CORS_ORIGIN_CACHE_SIZE", K::WrongType, "expected a number", "CORS_ORIGIN_CACHE_SIZE=10000"),
        ("CORS_RULES", "[{", "CORS_RULES", K::Syntax, "JSON syntax error", "JSON"),
        ("CORS_RULES", "{}", "CORS_RULES", K::WrongType, "expected a list of rule tables", "CORS_RULES=[{"),
        ("CORS_RULES", "[{\"max_age\": -1}]", "CORS_RULES[0].max_age", K::OutOfRange, "cannot be negative", "\"max_age\": 600"),
        ("CORS_RULES", "[{\"allow_orgins\": []}]", "CORS_RULES[0].allow_orgins", K::UnknownKey, "did you mean `allow_origins`?", "allow_origins"),
        ("CORS_ALLOW_ORIGIN", "x", "CORS_ALLOW_ORIGIN", K::UnknownKey, "did you mean `CORS_ALLOW_ORIGINS`?", "rename it to CORS_ALLOW_ORIGINS"),
    ];
    for &(var, value, field, kind, expected, fix) in table {
        let errors = Config::from_env_vars([(var, value)]).expect_err(var);
        let e = error_for(&errors, field, value);
        assert_eq!(e.kind, kind, "{var}={value}: {e}");
        assert!(e.message.contains(expected), "{var}={value}: {e}");
        assert!(
            e.hint.contains(fix),
            "{var}={value}: hint {:?} lacks {fix:?}",
            e.hint
        );
    }
    let c = Config::from_env_vars([
        ("CORS_ALLOW_ORIGINS_FILE", "o.fst"),
        ("CORS_CHECK_WEBSOCKET_ORIGIN", ""),
    ])
    .unwrap();
    assert_eq!(
        c.allow_origins_file.as_deref(),
        Some(std::path::Path::new("o.fst"))
    );
    assert_eq!(c.check_websocket_origin, Some(false));
}

/// The three reports of the issue, word for word.
#[test]
fn the_three_reported_files() {
    let cases = [
        ("max_age = -1", "max_age = \"-1\": a whole number of seconds cannot be negative (fix: write e.g. max_age = 600 (0 turns preflight caching off))"),
        ("allow_credentials = \"yes\"", "allow_credentials = \"yes\": expected true or false, found a string (fix: write allow_credentials = true (a boolean, without quotes))"),
        ("allow_orgins = [\"https://a.example\"]", "allow_orgins = \"[\\\"https://a.example\\\"]\": unknown key; did you mean `allow_origins`? (fix: rename it to allow_origins)"),
    ];
    for (doc, shown) in cases {
        let errors = Config::from_toml_str(doc).unwrap_err();
        assert_eq!(errors.errors().len(), 1, "{errors}");
        assert_eq!(errors.errors()[0].to_string(), shown);
    }
}

#[test]
fn every_mistake_is_reported_at_once() {
    let doc = r#"
        max_age = -1
        allow_orgins = []
        allow_credentials = "yes"
        [[rules]]
        allow_origins = ["https://a.example"]
        [[rules]]
        allow_origins = [1, 2]
        max_age = 1.5
        [[rules]]
        allow_methods = "GET"
        allow_origins = ["https://c.example"]
        allow_origins_typo = 1
    "#;
    let errors = Config::from_toml_str(doc).unwrap_err();
    let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "max_age",
            "allow_orgins",
            "allow_credentials",
            "rules[1].allow_origins[0]",
            "rules[1].allow_origins[1]",
            "rules[1].max_age",
            "rules[2].allow_origins_typo",
        ],
        "{errors}"
    );
    // A flood of mistakes is cut, and says so.
    let many = format!("allow_origins = [{}]", vec!["1"; 500].join(", "));
    let errors = Config::from_toml_str(&many).unwrap_err();
    assert_eq!(errors.errors().len(), 101);
    assert!(errors.errors()[100].message.contains("400 more errors"));
}

#[test]
fn a_string_where_a_list_is_expected_is_one_entry_with_a_warning() {
    let c = Config::from_toml_str(
        "allow_origins = \"https://a.example\"\nallow_origin_regex = 'https://x[.]example'\n[[rules]]\nallow_methods = \"PUT\"",
    )
    .unwrap();
    assert_eq!(c.allow_origins, ["https://a.example"]);
    assert_eq!(
        c.allow_origin_regex,
        ["https://x[.]example"],
        "a lone regex is documented, no warning"
    );
    assert_eq!(
        c.rules[0].allow_methods.as_deref(),
        Some(&["PUT".to_string()][..])
    );
    let w: Vec<(&str, WarningKind)> = c
        .load_warnings
        .iter()
        .map(|w| (w.field.as_str(), w.kind))
        .collect();
    assert_eq!(
        w,
        [
            ("allow_origins", WarningKind::Normalized),
            ("rules[0].allow_methods", WarningKind::Normalized)
        ]
    );
    assert!(
        c.load_warnings[0]
            .hint
            .contains("allow_origins = [\"https://a.example\"]"),
        "{}",
        c.load_warnings[0]
    );
    let j = Config::from_json_str(r#"{"expose_headers": "x-total"}"#).unwrap();
    assert_eq!(j.expose_headers, ["x-total"]);
    assert!(j.load_warnings[0]
        .hint
        .contains("\"expose_headers\": [\"x-total\"]"));
    // Comma-separated variables are lists already: nothing to warn about.
    let e = Config::from_env_vars([("CORS_ALLOW_ORIGINS", "https://a.example")]).unwrap();
    assert!(e.load_warnings.is_empty());
}

#[test]
fn syntax_errors_give_line_and_column() {
    let e = Config::from_toml_str("max_age = 1\nallow_origins = [\n").unwrap_err();
    let e = &e.errors()[0];
    assert_eq!((e.kind, e.field.as_str()), (K::Syntax, "(document)"));
    assert!(e.message.starts_with("TOML syntax error at line 3"), "{e}");
    assert_eq!(e.value, "allow_origins = [");
    assert!(!e.message.contains('\n'));
    let e = Config::from_json_str("{\n  \"max_age\": 1,\n}").unwrap_err();
    let e = &e.errors()[0];
    assert!(
        e.message
            .starts_with("JSON syntax error at line 3, column 1"),
        "{e}"
    );
    assert_eq!(e.kind, K::Syntax);
    let e = Config::from_json_str(r#"{"max_age": 1, "max_age": 2}"#).unwrap_err();
    assert!(
        e.errors()[0].message.contains("duplicate key `max_age`"),
        "{e}"
    );
    let e = Config::from_json_str("[]").unwrap_err();
    assert_eq!(
        (e.errors()[0].field.as_str(), e.errors()[0].kind),
        ("(document)", K::WrongType)
    );
}

#[test]
fn a_missing_file_is_an_io_error() {
    let e = Config::from_file("/nonexistent/cors.toml").unwrap_err();
    assert_eq!(
        (e.errors()[0].field.as_str(), e.errors()[0].kind),
        ("(file)", K::Io)
    );
}

#[test]
fn kinds_have_stable_names_and_new_defaults_to_other() {
    let e = ConfigError::new("f", "v", "m", "h");
    assert_eq!(e.kind, K::Other);
    assert_eq!(e.with_kind(K::InvalidOrigin).kind.as_str(), "InvalidOrigin");
    assert_eq!(K::UnknownKey.to_string(), "UnknownKey");
}

/// Errors found while building the engine carry a kind too, so that a host
/// (the Python package) never reads message text.
#[test]
fn build_errors_carry_their_kind() {
    use fastcors_core::{ConfigErrorKind as K, Cors};
    let cases: &[(&str, &str, K)] = &[
        (
            r#"allow_headers = ["x-ok\r\nSet-Cookie: a=b"]"#,
            "allow_headers[0]",
            K::InvalidToken,
        ),
        (
            "preset = \"starlette\"\nallow_methods = [\"GE T\"]",
            "allow_methods[0]",
            K::InvalidToken,
        ),
        (
            r#"allow_origins = ["https://a.example:+8080"]"#,
            "allow_origins[0]",
            K::InvalidOrigin,
        ),
        (
            r#"allow_origin_patterns = ["https://*.a.example:x"]"#,
            "allow_origin_patterns[0]",
            K::InvalidPattern,
        ),
        (
            r#"allow_origin_regex = ["https://(a"]"#,
            "allow_origin_regex[0]",
            K::InvalidRegex,
        ),
        (
            "allow_origins = [\"*\"]\nallow_credentials = true",
            "allow_origins",
            K::Conflict,
        ),
        (
            "preset = \"starlette\"\nblock_disallowed = true",
            "block_disallowed",
            K::Conflict,
        ),
        ("preflight_status = 404", "preflight_status", K::OutOfRange),
        ("[[rules]]\nname = \"empty\"", "rules[0]", K::InvalidValue),
        (
            r#"allow_origins_file = "/nonexistent/origins.fst""#,
            "allow_origins_file",
            K::Io,
        ),
    ];
    for (toml, field, kind) in cases {
        let cfg =
            fastcors_core::Config::from_toml_str(toml).unwrap_or_else(|e| panic!("{toml}: {e}"));
        let err = Cors::from_config(&cfg).expect_err(toml);
        let e = err
            .errors()
            .iter()
            .find(|e| e.field == *field)
            .unwrap_or_else(|| panic!("{toml}: no error for {field}: {err}"));
        assert_eq!(e.kind, *kind, "{toml}: {e}");
    }
}
