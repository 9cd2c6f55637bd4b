//! The origin index: "is this origin allowed, and by which rule?" in time
//! that does not grow with the number of configured origins.
//!
//! - Exact origins: a hash map from the canonical origin to the first rule
//!   listing it, or an [`fst`] set for very large or prebuilt lists.
//! - Wildcard patterns: a [`PatternIndex`] over reversed host labels.
//! - Regular expressions: one [`regex::RegexSet`], full-match, linear time.
//!
//! Rules are numbered in order, the global policy last; when several entries
//! match, the lowest rule number wins ("first matching rule"). The global
//! policy's exact origins and patterns live in [`GlobalOrigins`], swapped
//! atomically on runtime updates so that readers never wait.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::{ConfigError, ConfigErrors};
use crate::origin::{parse_configured_origin, OriginRef, ParsedConfigOrigin};
use crate::pattern::{OriginPattern, PatternIndex};

/// Which kind of entry admitted an origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// `allow_origins = ["*"]`.
    Any,
    /// An exact origin (hash set, including `null`).
    Exact,
    /// An exact origin in the fst set.
    Fst,
    /// The n-th wildcard pattern of the rule.
    Pattern(u32),
    /// The n-th regular expression of the rule.
    Regex(u32),
    /// The dynamic predicate.
    Predicate,
}

/// The rule that admitted an origin and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginMatch {
    /// Index of the rule; the global policy is the last one.
    pub rule: usize,
    /// Which entry matched.
    pub by: MatchedBy,
}

/// Regular expressions of one group, in one set for the yes/no question and
/// one by one to tell which matched (only asked after a match).
#[derive(Debug)]
pub(crate) struct RegexGroup {
    pub set: regex::RegexSet,
    /// (regex, rule, index of the regex within its rule).
    pub each: Vec<(regex::Regex, u32, u32)>,
}

impl RegexGroup {
    pub(crate) fn build(
        each: Vec<(regex::Regex, u32, u32)>,
    ) -> Result<Option<RegexGroup>, regex::Error> {
        if each.is_empty() {
            return Ok(None);
        }
        let set = regex::RegexSetBuilder::new(each.iter().map(|(r, _, _)| r.as_str()))
            .size_limit(1 << 24)
            .build()?;
        Ok(Some(RegexGroup { set, each }))
    }

    /// The first (lowest rule, then lowest index) regex matching `origin`.
    pub(crate) fn first_match(&self, origin: &str) -> Option<(u32, u32)> {
        // `is_match` allocates nothing; telling which one matched only
        // happens for origins that do match.
        if !self.set.is_match(origin) {
            return None;
        }
        self.each
            .iter()
            .find(|(r, _, _)| r.is_match(origin))
            .map(|(_, rule, i)| (*rule, *i))
    }
}

/// The parts of the index fixed at build time: the rules' origins, and all
/// regular expressions (the rules' and the global policy's).
#[derive(Debug, Default)]
pub(crate) struct StaticIndex {
    pub exact: FxHashMap<Box<str>, u32>,
    pub patterns: PatternIndex,
    /// Pattern slot -> (rule, index of the pattern within the rule).
    pub pattern_slots: Vec<(u32, u32)>,
    pub rule_regexes: Option<RegexGroup>,
    pub global_regexes: Option<RegexGroup>,
    /// No rule has any origin entry: skip the rules' lookups entirely.
    pub no_rules: bool,
}

impl StaticIndex {
    /// The lowest-numbered rule admitting `origin` (the global policy aside).
    pub(crate) fn lookup_rules(
        &self,
        origin: &str,
        parsed: Option<&OriginRef<'_>>,
    ) -> Option<OriginMatch> {
        if self.no_rules {
            return None;
        }
        fn consider(best: &mut Option<OriginMatch>, rule: u32, by: MatchedBy) {
            if best.is_none_or(|b| (rule as usize) < b.rule) {
                *best = Some(OriginMatch {
                    rule: rule as usize,
                    by,
                });
            }
        }
        let mut best: Option<OriginMatch> = None;
        if let Some(&rule) = self.exact.get(origin) {
            consider(&mut best, rule, MatchedBy::Exact);
        }
        if let Some(o) = parsed {
            if let Some(slot) = self.patterns.lookup(o) {
                let (rule, i) = self.pattern_slots[slot as usize];
                consider(&mut best, rule, MatchedBy::Pattern(i));
            }
        }
        if let Some(g) = &self.rule_regexes {
            // Rule 0 cannot be beaten; skip the regexes then.
            if best.is_none_or(|b| b.rule > 0) {
                if let Some((rule, i)) = g.first_match(origin) {
                    consider(&mut best, rule, MatchedBy::Regex(i));
                }
            }
        }
        best
    }
}

/// Compiles a full-match regex the way the index uses it.
pub(crate) fn full_match(source: &str) -> String {
    format!("^(?:{source})$")
}

/// The global policy's exact origins and patterns: the part that can be
/// updated at run time.
#[derive(Debug, Clone, Default)]
pub(crate) struct GlobalOrigins {
    pub exact: rustc_hash::FxHashSet<Box<str>>,
    pub patterns: PatternIndex,
    /// Sources in insertion order, for listing and rebuilding.
    pub pattern_list: Vec<OriginPattern>,
}

impl GlobalOrigins {
    pub(crate) fn lookup(&self, origin: &str, parsed: Option<&OriginRef<'_>>) -> Option<MatchedBy> {
        if self.exact.contains(origin) {
            return Some(MatchedBy::Exact);
        }
        if self.pattern_list.is_empty() {
            return None;
        }
        let o = parsed?;
        self.patterns.lookup(o).map(MatchedBy::Pattern)
    }

    pub(crate) fn rebuild_patterns(&mut self) {
        let mut idx = PatternIndex::new();
        for (i, p) in self.pattern_list.iter().enumerate() {
            idx.insert(p, i as u32);
        }
        self.patterns = idx;
    }
}

/// A set of exact origins in an [`fst::Set`]: compact (a million origins take
/// a few megabytes) and, from a file, memory-mapped.
pub struct FstOrigins {
    set: fst::Set<FstBytes>,
}

enum FstBytes {
    Owned(Vec<u8>),
    #[cfg(feature = "mmap")]
    Mapped(memmap2::Mmap),
}

impl AsRef<[u8]> for FstBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FstBytes::Owned(v) => v,
            #[cfg(feature = "mmap")]
            FstBytes::Mapped(m) => m,
        }
    }
}

impl std::fmt::Debug for FstOrigins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FstOrigins")
            .field("len", &self.set.len())
            .finish()
    }
}

impl FstOrigins {
    /// Builds the set in memory from configured origins (validated and
    /// normalised like `allow_origins`).
    pub fn from_origins<I, S>(origins: I) -> Result<FstOrigins, ConfigErrors>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let bytes = build_fst(origins)?;
        FstOrigins::from_bytes(bytes).map_err(ConfigErrors::from)
    }

    /// Wraps bytes produced by [`build_fst`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<FstOrigins, ConfigError> {
        let set = fst::Set::new(FstBytes::Owned(bytes)).map_err(|e| {
            ConfigError::new(
                "allow_origins_file",
                "(bytes)",
                format!("not an fst set: {e}"),
                "build it with `cors index build`",
            )
        })?;
        Ok(FstOrigins { set })
    }

    /// Opens a file built by `cors index build`, memory-mapped when the
    /// `mmap` feature is on (the default).
    pub fn open(path: &Path) -> Result<FstOrigins, ConfigError> {
        let shown = path.display().to_string();
        let err = |m: String| {
            ConfigError::new(
                "allow_origins_file",
                &shown,
                m,
                "build the file with `cors index build origins.txt -o origins.fst`",
            )
        };
        let file = std::fs::File::open(path).map_err(|e| err(format!("cannot open: {e}")))?;
        let bytes = map_file(&file).map_err(|e| err(format!("cannot read: {e}")))?;
        let set = fst::Set::new(bytes).map_err(|e| err(format!("not an fst set: {e}")))?;
        Ok(FstOrigins { set })
    }

    /// Whether the canonical origin is in the set. Never allocates.
    pub fn contains(&self, origin: &str) -> bool {
        self.set.contains(origin)
    }

    /// Number of origins.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// No origins.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Size of the set's bytes.
    pub fn size_bytes(&self) -> usize {
        self.set.as_fst().as_bytes().len()
    }
}

#[cfg(feature = "mmap")]
#[allow(unsafe_code)]
fn map_file(file: &std::fs::File) -> std::io::Result<FstBytes> {
    // SAFETY: `Mmap::map` is unsafe because another process could truncate or
    // modify the file while it is mapped, which Rust cannot see. The file is a
    // read-only index produced by `cors index build` and deployed beside the
    // service; replacing it is done by writing a new file and renaming it
    // (which leaves this mapping intact), and fst validates the header on
    // open. This is the only unsafe code in fastcors-core.
    let map = unsafe { memmap2::Mmap::map(file)? };
    Ok(FstBytes::Mapped(map))
}

#[cfg(not(feature = "mmap"))]
fn map_file(mut file: &std::fs::File) -> std::io::Result<FstBytes> {
    use std::io::Read;
    let mut v = Vec::new();
    file.read_to_end(&mut v)?;
    Ok(FstBytes::Owned(v))
}

/// Validates, normalises, sorts and deduplicates origins, and returns the
/// bytes of an [`fst::Set`] of them (what `cors index build` writes).
///
/// ```
/// let bytes = fastcors_core::build_fst(["https://b.example", "https://A.example", "https://b.example"]).unwrap();
/// let set = fastcors_core::FstOrigins::from_bytes(bytes).unwrap();
/// assert_eq!(set.len(), 2);
/// assert!(set.contains("https://a.example"));
/// ```
pub fn build_fst<I, S>(origins: I) -> Result<Vec<u8>, ConfigErrors>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut list = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (i, o) in origins.into_iter().enumerate() {
        let field = format!("allow_origins_file[{i}]");
        match parse_configured_origin(&field, o.as_ref(), &mut warnings) {
            Ok(ParsedConfigOrigin::Tuple(c)) => list.push(c.serialized),
            Ok(ParsedConfigOrigin::Null) => list.push("null".to_string()),
            Err(e) => errors.push(e),
        }
        if errors.len() >= 20 {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    list.sort_unstable();
    list.dedup();
    let mut builder = fst::SetBuilder::memory();
    for o in &list {
        // Sorted and deduplicated above, so insertion cannot fail.
        builder
            .insert(o)
            .map_err(|e| ConfigError::new("allow_origins_file", o, e.to_string(), ""))?;
    }
    builder.into_inner().map_err(|e| {
        ConfigErrors::from(ConfigError::new(
            "allow_origins_file",
            "",
            e.to_string(),
            "",
        ))
    })
}
