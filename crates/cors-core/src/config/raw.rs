//! A configuration document as a generic tree, before any key is checked.
//!
//! TOML and JSON both parse into [`Raw`], so that one walker
//! ([`super::load`]) checks every key with the same messages, whatever the
//! format, and can report every mistake at once instead of the first one
//! serde stops at.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{ConfigError, ConfigErrorKind};

/// The key under which the `toml` crate hands a date-time to a visitor.
const TOML_DATETIME: &str = "$__toml_private_datetime";

/// How much of a value an error quotes.
const RENDER_LIMIT: usize = 80;

/// One value of a TOML or JSON document, as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Raw {
    /// JSON `null`.
    Null,
    Bool(bool),
    /// Wide enough for TOML's `i64` and JSON's `u64` alike.
    Int(i128),
    Float(f64),
    Str(String),
    /// A TOML date-time, kept as text (no key takes one).
    Datetime(String),
    List(Vec<Raw>),
    /// Keys in document order.
    Table(Vec<(String, Raw)>),
}

impl Raw {
    /// "a string", "an integer", ...: the "found" half of "expected X, found Y".
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Bool(_) => "a boolean",
            Raw::Int(_) => "an integer",
            Raw::Float(_) => "a float",
            Raw::Str(_) => "a string",
            Raw::Datetime(_) => "a date-time",
            Raw::List(_) => "a list",
            Raw::Table(_) => "a table",
        }
    }

    /// The value as the user wrote it, for `ConfigError::value`: a string
    /// without its quotes, anything else in JSON-like syntax, cut to about
    /// 80 characters.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        match self {
            Raw::Str(s) | Raw::Datetime(s) => out.push_str(s),
            other => other.write(&mut out),
        }
        if out.chars().count() > RENDER_LIMIT {
            out = out.chars().take(RENDER_LIMIT).collect();
            out.push('…');
        }
        out
    }

    fn write(&self, out: &mut String) {
        use std::fmt::Write;
        if out.len() > RENDER_LIMIT {
            return;
        }
        let _ = match self {
            Raw::Null => write!(out, "null"),
            Raw::Bool(b) => write!(out, "{b}"),
            Raw::Int(n) => write!(out, "{n}"),
            Raw::Float(f) => write!(out, "{f:?}"),
            Raw::Str(s) | Raw::Datetime(s) => write!(out, "{s:?}"),
            Raw::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                write!(out, "]")
            }
            Raw::Table(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{k} = ");
                    v.write(out);
                }
                write!(out, "}}")
            }
        };
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Raw, E> {
        Ok(Raw::Int(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Raw, E> {
        Ok(Raw::Int(n.into()))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Raw, E> {
        Ok(Raw::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Raw, E> {
        Ok(Raw::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Raw, E> {
        Ok(Raw::Str(s))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::List(items))
    }
    /// Tables keep document order; a key written twice is an error (TOML's
    /// parser says so itself; JSON's would silently keep the last one).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == TOML_DATETIME {
                return Ok(Raw::Datetime(map.next_value()?));
            }
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            entries.push((key, map.next_value()?));
        }
        Ok(Raw::Table(entries))
    }
}

/// Parses a TOML document; a syntax error names the line and column.
pub(crate) fn parse_toml(text: &str) -> Result<Raw, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_and_column(text, s.start))
            .unwrap_or((1, 1));
        syntax_error(
            "(document)",
            line_text(text, line),
            format!("TOML syntax error at line {line}, column {column}: {}", e.message().trim().replace('\n', "; ")),
            "check the TOML syntax there: strings in double quotes, lists in [ ], one `key = value` per line",
        )
    })
}

/// Parses a JSON document (a file, or a `CORS_*` variable named `field`).
pub(crate) fn parse_json(text: &str, field: &str) -> Result<Raw, ConfigError> {
    serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let message = full.rsplit_once(" at line ").map_or(&*full, |(m, _)| m);
        let value = if field == "(document)" {
            line_text(text, e.line())
        } else {
            text.to_string()
        };
        syntax_error(
            field,
            value,
            format!(
                "JSON syntax error at line {}, column {}: {message}",
                e.line(),
                e.column()
            ),
            "check the JSON syntax there: keys and strings in double quotes, no trailing commas",
        )
    })
}

fn syntax_error(field: &str, value: String, message: String, hint: &str) -> ConfigError {
    ConfigError::new(field, value, message, hint).with_kind(ConfigErrorKind::Syntax)
}

/// 1-based line and column (in characters) of byte offset `at`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Line `line` (1-based) of `text`, trimmed and shortened; past the end
/// (an unclosed list), the last line that has text.
fn line_text(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().take(line.max(1)).collect();
    let found = lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    Raw::Str(found.to_string()).render()
}
