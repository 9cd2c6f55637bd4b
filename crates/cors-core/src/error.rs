//! Configuration errors and lint warnings.
//!
//! Every problem found while building a [`Cors`](crate::Cors) names the
//! configuration field, the offending value and a way to fix it. Errors stop
//! the build; warnings ([`Warning`]) are returned beside the built engine so
//! that a host can log them (the Python package turns them into
//! `warnings.warn(..., CORSConfigWarning)`).

use std::fmt;

/// One configuration mistake: the field, the value, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration key, with an index where it is a list
    /// (`allow_origins[2]`, `rules[0].allow_methods[1]`).
    pub field: String,
    /// The value as written by the user.
    pub value: String,
    /// What is wrong with it.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl ConfigError {
    /// Builds an error for `field` = `value`.
    pub fn new(
        field: impl Into<String>,
        value: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        ConfigError {
            field: field.into(),
            value: value.into(),
            message: message.into(),
            hint: hint.into(),
        }
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
