//! The defaults of the configuration model and the engine's fixed limits,
//! named once. (Request-side limits live beside the request view:
//! [`request`](crate::request).)

/// `max_age` when none is configured: ten minutes of preflight cache.
pub const MAX_AGE: u64 = 600;

/// `allow_methods` in the standard preset when none is configured (the
/// CORS-safelisted methods, which need no listing anyway).
pub const STANDARD_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// `allow_methods` in the starlette preset when none is configured
/// (Starlette's own default).
pub const STARLETTE_METHODS: [&str; 1] = ["GET"];

/// `origin_cache_ttl`: seconds a dynamic predicate's answer is reused.
/// `0` disables the cache; every decision stays right without it.
pub const ORIGIN_CACHE_TTL_SECS: f64 = 60.0;

/// `origin_cache_size`: most cached predicate answers (origins are chosen
/// by the client, so the cache is bounded).
pub const ORIGIN_CACHE_SIZE: usize = 10_000;

/// `origin_check_timeout`: seconds an async predicate may take before the
/// origin is judged not allowed (fail closed). Needs the `tokio` feature
/// in Rust; the Python package applies it with its event loop.
pub const ORIGIN_CHECK_TIMEOUT_SECS: f64 = 2.0;

/// Longest accepted `origin_cache_ttl` / `origin_check_timeout` (a year):
/// larger values are clamped so that durations never overflow.
pub const MAX_DURATION_SECS: f64 = 365.0 * 24.0 * 3600.0;
