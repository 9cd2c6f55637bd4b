//! Configuration errors and lint warnings.
//!
//! Every problem found while building a [`Cors`](crate::Cors) names the
//! configuration field, the offending value and a way to fix it. Errors stop
//! the build; warnings ([`Warning`]) are returned beside the built engine so
//! that a host can log them (the Python package turns them into
//! `warnings.warn(..., CORSConfigWarning)`).

use std::fmt;

/// What kind of mistake a [`ConfigError`] is, for programs that react to
/// errors (the Python package, a configuration UI) without matching the
/// message text, which may be reworded at any time.
///
/// Each variant says how to fix such an error; the error's own `hint`
/// says it for the particular value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The document is not valid TOML or JSON (nor a `CORS_*` variable
    /// holding JSON). The message gives the line and column: fix the syntax
    /// there, e.g. close a list or quote a string.
    Syntax,
    /// A key the configuration model does not have, usually a misspelling.
    /// The message suggests the nearest known key: rename it, or remove it.
    UnknownKey,
    /// A value of the wrong type: a string where a boolean is expected
    /// (`"yes"` for `true`), a float where a whole number is, a table where
    /// a list is. Write the value in the type the message expects.
    WrongType,
    /// A number of the right type outside its range: a negative `max_age`,
    /// a `preflight_status` above 65535. Write a number inside the range.
    OutOfRange,
    /// A value of the right type that is not one of the accepted values
    /// (`preset = "strict"`, an infinite `origin_cache_ttl`). Use one of the
    /// values the message lists.
    InvalidValue,
    /// An entry of `allow_origins` that is not a serialized origin
    /// (`scheme://host[:port]`, no path or trailing slash). Write it as the
    /// browser sends it in the `Origin` header.
    InvalidOrigin,
    /// An entry of `allow_origin_patterns` that is not a valid wildcard
    /// pattern. Put `*` only where the message allows it (a whole leftmost
    /// label, or the port).
    InvalidPattern,
    /// An entry of `allow_origin_regex` that does not compile, or is too
    /// big. Fix the regular expression, or use a pattern instead.
    InvalidRegex,
    /// A method or header name that is not an HTTP token (it has a space, a
    /// comma, a quote). Write one name per list entry.
    InvalidToken,
    /// Settings that cannot be used together (credentials with `*`,
    /// `preflight_status` with the starlette preset). Remove one of them.
    Conflict,
    /// A file (the configuration, `allow_origins_file`) cannot be read.
    /// Check the path and its permissions.
    Io,
    /// Not classified yet: the default of [`ConfigError::new`]. Treat it
    /// like [`InvalidValue`](Self::InvalidValue), and read `field`.
    #[default]
    Other,
}

impl ConfigErrorKind {
    /// The variant's name (`"UnknownKey"`), stable across releases, for
    /// bindings that pass the kind on as a string.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigErrorKind::Syntax => "Syntax",
            ConfigErrorKind::UnknownKey => "UnknownKey",
            ConfigErrorKind::WrongType => "WrongType",
            ConfigErrorKind::OutOfRange => "OutOfRange",
            ConfigErrorKind::InvalidValue => "InvalidValue",
            ConfigErrorKind::InvalidOrigin => "InvalidOrigin",
            ConfigErrorKind::InvalidPattern => "InvalidPattern",
            ConfigErrorKind::InvalidRegex => "InvalidRegex",
            ConfigErrorKind::InvalidToken => "InvalidToken",
            ConfigErrorKind::Conflict => "Conflict",
            ConfigErrorKind::Io => "Io",
            ConfigErrorKind::Other => "Other",
        }
    }
}

impl fmt::Display for ConfigErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One configuration mistake: the field, the value, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What kind of mistake this is (see [`ConfigErrorKind`]); match on it
    /// rather than on `message`.
    pub kind: ConfigErrorKind,
    /// The configuration key, with an index where it is a list
    /// (`allow_origins[2]`, `rules[0].allow_methods[1]`); for environment
    /// variables the variable (`CORS_MAX_AGE`, `CORS_RULES[0].max_age`).
    pub field: String,
    /// The value as written by the user.
    pub value: String,
    /// What is wrong with it.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl ConfigError {
    /// Builds an error for `field` = `value`, of kind
    /// [`ConfigErrorKind::Other`] until [`with_kind`](Self::with_kind) says
    /// better.
    pub fn new(
        field: impl Into<String>,
        value: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        ConfigError {
            kind: ConfigErrorKind::Other,
            field: field.into(),
            value: value.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Sets the kind: `ConfigError::new(..).with_kind(ConfigErrorKind::InvalidOrigin)`.
    #[must_use]
    pub fn with_kind(mut self, kind: ConfigErrorKind) -> Self {
        self.kind = kind;
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {:?}: {}", self.field, self.value, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " (fix: {})", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// All the mistakes found in one configuration (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// The individual errors, in the order they were found.
    pub fn errors(&self) -> &[ConfigError] {
        &self.0
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "invalid CORS configuration: {one}"),
            many => {
                write!(f, "invalid CORS configuration ({} errors):", many.len())?;
                for e in many {
                    write!(f, "\n  - {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConfigErrors {}

/// What a [`Warning`] is about, so that hosts can filter or escalate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A value was rewritten to its canonical form (uppercase, default port).
    Normalized,
    /// A configured origin can never equal a browser's `Origin` header.
    NeverMatches,
    /// A regular expression or pattern admits origins the author probably did not mean.
    BroadMatch,
    /// `http` origins allowed beside `https` ones for the same host.
    InsecureScheme,
    /// The opaque origin `null` is allowed.
    NullOrigin,
    /// Credentials combined with a broad pattern, regex or dynamic predicate.
    CredentialsWithBroadMatch,
    /// `max_age` above what browsers honour.
    MaxAgeCapped,
    /// Anything else worth a look.
    Other,
}

/// A lint: the configuration works, but probably not as intended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What the warning is about.
    pub kind: WarningKind,
    /// The configuration key.
    pub field: String,
    /// The value as written by the user.
    pub value: String,
    /// What is suspicious.
    pub message: String,
    /// How to fix it, or how to silence it.
    pub hint: String,
}

impl Warning {
    /// Builds a warning for `field` = `value`.
    pub fn new(
        kind: WarningKind,
        field: impl Into<String>,
        value: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Warning {
            kind,
            field: field.into(),
            value: value.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {:?}: {}", self.field, self.value, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " (hint: {})", self.hint)?;
        }
        Ok(())
    }
}
