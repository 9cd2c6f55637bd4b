//! [`CorsBuilder`]: building a [`Cors`] from code.

use crate::config::{Config, Preset, RuleConfig};
use crate::dynamic::OriginPredicate;
use crate::engine::Cors;
use crate::error::ConfigErrors;

/// Builds a [`Cors`] from code. Every method maps to a configuration key.
#[derive(Debug, Default)]
pub struct CorsBuilder {
    config: Config,
    predicate: Option<OriginPredicate>,
}

macro_rules! list_setter {
    ($(#[$doc:meta] $name:ident => $field:ident),* $(,)?) => {$(
        #[$doc]
        pub fn $name<I, S>(mut self, values: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.config.$field.extend(values.into_iter().map(Into::into));
            self
        }
    )*};
}

impl Cors {
    /// Starts a [`CorsBuilder`].
    pub fn builder() -> CorsBuilder {
        CorsBuilder::new()
    }
}

impl CorsBuilder {
    /// An empty configuration (standard preset).
    pub fn new() -> Self {
        CorsBuilder::default()
    }

    /// Starts from a loaded configuration.
    pub fn from_config(config: Config) -> Self {
        CorsBuilder {
            config,
            predicate: None,
        }
    }

    /// The configuration so far.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// `preset`.
    pub fn preset(mut self, p: Preset) -> Self {
        self.config.preset = p;
        self
    }

    list_setter! {
        /// Appends to `allow_origins`.
        allow_origins => allow_origins,
        /// Appends to `allow_origin_patterns`.
        allow_origin_patterns => allow_origin_patterns,
        /// Appends to `allow_origin_regex`.
        allow_origin_regex => allow_origin_regex,
        /// Appends to `allow_headers`.
        allow_headers => allow_headers,
        /// Appends to `expose_headers`.
        expose_headers => expose_headers,
    }

    /// Sets `allow_methods`.
    pub fn allow_methods<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.allow_methods = Some(values.into_iter().map(Into::into).collect());
        self
    }

    /// `allow_credentials`.
    pub fn allow_credentials(mut self, yes: bool) -> Self {
        self.config.allow_credentials = yes;
        self
    }

    /// `allow_private_network`.
    pub fn allow_private_network(mut self, yes: bool) -> Self {
        self.config.allow_private_network = yes;
        self
    }

    /// `max_age` in seconds.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.config.max_age = Some(seconds);
        self
    }

    /// `preflight_status` (standard preset).
    pub fn preflight_status(mut self, status: u16) -> Self {
        self.config.preflight_status = Some(status);
        self
    }

    /// `block_disallowed` (standard preset).
    pub fn block_disallowed(mut self, yes: bool) -> Self {
        self.config.block_disallowed = yes;
        self
    }

    /// `check_websocket_origin`.
    pub fn check_websocket_origin(mut self, yes: bool) -> Self {
        self.config.check_websocket_origin = Some(yes);
        self
    }

    /// Appends a per-origin rule.
    pub fn rule(mut self, rule: RuleConfig) -> Self {
        self.config.rules.push(rule);
        self
    }

    /// Sets the dynamic origin predicate of the global policy.
    pub fn origin_predicate(mut self, p: OriginPredicate) -> Self {
        self.predicate = Some(p);
        self
    }

    /// Validates everything and builds the engine.
    pub fn build(self) -> Result<Cors, ConfigErrors> {
        Cors::compile(&self.config, self.predicate)
    }
}
