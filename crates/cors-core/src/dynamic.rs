//! What can change at run time: the global exact origins and patterns
//! ([`DynamicOrigins`]), and the dynamic origin predicate with its cache.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::decision::OriginCheck;
use crate::error::{ConfigError, ConfigErrors};
use crate::index::GlobalOrigins;
use crate::index::MatchedBy;
use crate::origin::OriginRef;
use crate::origin::{parse_configured_origin, ParsedConfigOrigin};
use crate::pattern::OriginPattern;

/// A boxed future answering an async origin predicate.
pub type PredicateFuture = Pin<Box<dyn Future<Output = bool> + Send>>;

/// A boxed [`Cors::check_origin`](crate::Cors::check_origin): the answer to
/// hand to [`Cors::resume`](crate::Cors::resume).
pub type OriginCheckFuture = Pin<Box<dyn Future<Output = crate::OriginCheck> + Send>>;

/// A dynamic origin check for the global policy, consulted after the static
/// entries (the database-backed case). Answers are cached for
/// `origin_cache_ttl` seconds, at most `origin_cache_size` of them; only
/// well-formed origins are ever passed to it.
#[derive(Clone)]
pub enum OriginPredicate {
    /// Called inline during evaluation.
    Sync(Arc<dyn Fn(&str) -> bool + Send + Sync>),
    /// Run by [`Cors::check_origin`](crate::Cors::check_origin) when evaluation
    /// returns [`Decision::Pending`](crate::Decision::Pending); its answer goes
    /// back with [`Cors::resume`](crate::Cors::resume).
    Async(Arc<dyn Fn(String) -> PredicateFuture + Send + Sync>),
    /// Asked by the host (e.g. Python): on
    /// [`Decision::Pending`](crate::Decision::Pending), the host calls its
    /// own predicate and hands the answer back with
    /// [`Cors::resume`](crate::Cors::resume).
    External,
}

impl std::fmt::Debug for OriginPredicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OriginPredicate::Sync(_) => "OriginPredicate::Sync",
            OriginPredicate::Async(_) => "OriginPredicate::Async",
            OriginPredicate::External => "OriginPredicate::External",
        })
    }
}

/// Bounded TTL cache of predicate answers. Keys are attacker-chosen, so it
/// uses the standard library's randomly seeded hasher and a hard size cap.
#[derive(Debug)]
pub(crate) struct PredicateCache {
    ttl: Duration,
    capacity: usize,
    map: Mutex<HashMap<Box<str>, (bool, Instant)>>,
}

impl PredicateCache {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        PredicateCache {
            ttl,
            capacity,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps a predicate's answer; a failure is never kept (the next
    /// request asks again).
    pub(crate) fn record(&self, origin: &str, answer: OriginCheck) {
        match answer {
            OriginCheck::Allowed => self.put(origin, true),
            OriginCheck::Denied => self.put(origin, false),
            OriginCheck::Failed => {}
        }
    }

    pub(crate) fn get(&self, origin: &str) -> Option<bool> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(origin) {
            Some((allowed, at)) if at.elapsed() < self.ttl => Some(*allowed),
            _ => None,
        }
    }

    fn put(&self, origin: &str, allowed: bool) {
        if self.ttl.is_zero() || self.capacity == 0 {
            return;
        }
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.capacity && !map.contains_key(origin) {
            let ttl = self.ttl;
            map.retain(|_, (_, at)| at.elapsed() < ttl);
            if map.len() >= self.capacity {
                // Still full of live entries: drop half, arbitrary ones. The
                // bound matters more than which answers survive.
                let drop: Vec<Box<str>> = map.keys().take(map.len() / 2 + 1).cloned().collect();
                for k in drop {
                    map.remove(&k);
                }
            }
        }
        map.insert(origin.into(), (allowed, Instant::now()));
    }
}

/// Runtime updates of the global policy's exact origins and patterns.
///
/// Readers load the current set without locking; an update builds a new set
/// and swaps it in atomically, so a request sees the old set or the new one,
/// never a mix, and never waits. Writers are serialised among themselves.
pub struct DynamicOrigins {
    current: ArcSwap<GlobalOrigins>,
    write: Mutex<()>,
    allow_public_suffix: bool,
}

impl std::fmt::Debug for DynamicOrigins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cur = self.current.load();
        f.debug_struct("DynamicOrigins")
            .field("origins", &cur.exact.len())
            .field("patterns", &cur.pattern_list.len())
            .finish()
    }
}

fn parse_exact(field: &str, value: &str) -> Result<Box<str>, ConfigError> {
    let mut w = Vec::new();
    Ok(match parse_configured_origin(field, value, &mut w)? {
        ParsedConfigOrigin::Null => "null".into(),
        ParsedConfigOrigin::Tuple(o) => o.serialized.into_boxed_str(),
    })
}

impl DynamicOrigins {
    pub(crate) fn new(origins: GlobalOrigins, allow_public_suffix: bool) -> Self {
        DynamicOrigins {
            current: ArcSwap::from_pointee(origins),
            write: Mutex::new(()),
            allow_public_suffix,
        }
    }

    /// Which entry admits the origin, if any (lock-free).
    pub(crate) fn lookup(&self, origin: &str, parsed: Option<&OriginRef<'_>>) -> Option<MatchedBy> {
        self.current.load().lookup(origin, parsed)
    }

    /// The text of the `i`-th pattern, for explanations.
    pub(crate) fn pattern_source(&self, i: usize) -> Option<String> {
        self.current
            .load()
            .pattern_list
            .get(i)
            .map(|p| p.source().to_string())
    }

    fn update(&self, f: impl FnOnce(&mut GlobalOrigins)) {
        let _guard = self.write.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = GlobalOrigins::clone(&self.current.load());
        f(&mut next);
        self.current.store(Arc::new(next));
    }

    /// Allows one more exact origin (validated like `allow_origins`).
    pub fn add(&self, origin: &str) -> Result<(), ConfigError> {
        let o = parse_exact("origins.add", origin)?;
        self.update(|g| {
            g.exact.insert(o);
        });
        Ok(())
    }

    /// Stops allowing an exact origin; `false` if it was not there.
    pub fn remove(&self, origin: &str) -> bool {
        let Ok(o) = parse_exact("origins.remove", origin) else {
            return false;
        };
        if !self.current.load().exact.contains(&o) {
            return false;
        }
        let mut removed = false;
        self.update(|g| removed = g.exact.remove(&o));
        removed
    }

    /// Replaces all exact origins at once; on any error nothing changes.
    pub fn replace<I, S>(&self, origins: I) -> Result<(), ConfigErrors>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = rustc_hash::FxHashSet::default();
        let mut errors = Vec::new();
        for (i, o) in origins.into_iter().enumerate() {
            match parse_exact(&format!("origins.replace[{i}]"), o.as_ref()) {
                Ok(o) => {
                    set.insert(o);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        self.update(|g| g.exact = set);
        Ok(())
    }

    /// Adds a wildcard pattern (validated like `allow_origin_patterns`).
    pub fn add_pattern(&self, pattern: &str) -> Result<(), ConfigError> {
        let p = OriginPattern::parse(
            "origins.add_pattern",
            pattern,
            self.allow_public_suffix,
            &mut Vec::new(),
        )?;
        self.update(|g| {
            if !g.pattern_list.iter().any(|q| q.source() == p.source()) {
                g.pattern_list.push(p);
                g.rebuild_patterns();
            }
        });
        Ok(())
    }

    /// Removes a wildcard pattern by its text; `false` if it was not there.
    pub fn remove_pattern(&self, pattern: &str) -> bool {
        let mut removed = false;
        self.update(|g| {
            let before = g.pattern_list.len();
            g.pattern_list.retain(|q| q.source() != pattern);
            removed = g.pattern_list.len() != before;
            if removed {
                g.rebuild_patterns();
            }
        });
        removed
    }

    /// Replaces all wildcard patterns at once; on any error nothing changes.
    pub fn replace_patterns<I, S>(&self, patterns: I) -> Result<(), ConfigErrors>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Vec::new();
        let mut errors = Vec::new();
        for (i, p) in patterns.into_iter().enumerate() {
            match OriginPattern::parse(
                &format!("origins.replace_patterns[{i}]"),
                p.as_ref(),
                self.allow_public_suffix,
                &mut Vec::new(),
            ) {
                Ok(p) => list.push(p),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        self.update(|g| {
            g.pattern_list = list;
            g.rebuild_patterns();
        });
        Ok(())
    }

    /// The exact origins now allowed, sorted.
    pub fn list(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .current
            .load()
            .exact
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.sort();
        v
    }

    /// The patterns now allowed, in insertion order.
    pub fn patterns(&self) -> Vec<String> {
        self.current
            .load()
            .pattern_list
            .iter()
            .map(|p| p.source().to_string())
            .collect()
    }

    /// Whether the exact origin is in the set (after normalisation).
    pub fn contains(&self, origin: &str) -> bool {
        parse_exact("origin", origin).is_ok_and(|o| self.current.load().exact.contains(&o))
    }
}
