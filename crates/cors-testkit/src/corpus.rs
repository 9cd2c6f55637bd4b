//! The attacker-origin corpus: `crates/cors-core/tests/attacker.json`.

use fastcors_core::{CorsBuilder, Preset};
use serde::Deserialize;

use crate::hostile::ValueSpec;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
pub struct Corpus {
    /// Origins every entry must refuse.
    pub attackers: Vec<ValueSpec>,
    /// PortSwigger's special characters, substituted for `{c}` in each of
    /// [`Corpus::special_templates`]; the results are refused by every entry.
    pub special: Vec<ValueSpec>,
    pub special_templates: Vec<String>,
    /// `fastcors_core::lint::attacker_origins(lint_domain)` are refused by every
    /// entry too (the Rust tests and Python add them at run time).
    pub lint_domain: String,
    pub entries: Vec<Entry>,
}

/// One configured entry, in fastcors-core's configuration model (regexes in
/// Rust syntax; at most one, so that Python's single-regex parameter can
/// carry it).
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub name: String,
    #[serde(default)]
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_origin_patterns: Vec<String>,
    #[serde(default)]
    pub allow_origin_regex: Vec<String>,
    /// Origins this entry must allow (the positive control).
    pub legitimate: Vec<String>,
    /// Origins only this entry must refuse, besides the shared ones.
    #[serde(default)]
    pub attackers: Vec<ValueSpec>,
}

impl Corpus {
    /// Reads and parses `attacker.json`.
    pub fn load() -> Corpus {
        let path = crate::data_dir().join("attacker.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The special characters, as bytes.
    pub fn special_chars(&self) -> Vec<Vec<u8>> {
        self.special.iter().map(ValueSpec::bytes).collect()
    }

    /// The origins every entry must refuse: the list, the special-character
    /// templates and the lint's look-alikes. Deduplicated, in file order.
    pub fn shared_attackers(&self) -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = self.attackers.iter().map(ValueSpec::bytes).collect();
        for t in &self.special_templates {
            let (before, after) = t
                .split_once("{c}")
                .unwrap_or_else(|| panic!("template without {{c}}: {t}"));
            for c in self.special_chars() {
                v.push([before.as_bytes(), &c, after.as_bytes()].concat());
            }
        }
        for o in fastcors_core::lint::attacker_origins(&self.lint_domain) {
            v.push(o.into_bytes());
        }
        dedup(v)
    }

    /// The origins `entry` must refuse: the shared ones and its own.
    pub fn attackers_of(&self, entry: &Entry) -> Vec<Vec<u8>> {
        let mut v = self.shared_attackers();
        v.extend(entry.attackers.iter().map(ValueSpec::bytes));
        dedup(v)
    }

    pub fn entry(&self, name: &str) -> &Entry {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no corpus entry {name:?}"))
    }
}

fn dedup(v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut seen = std::collections::HashSet::new();
    v.into_iter().filter(|o| seen.insert(o.clone())).collect()
}

impl Entry {
    /// Adds this entry's origins to `b`.
    pub fn apply(&self, b: CorsBuilder) -> CorsBuilder {
        b.allow_origins(self.allow_origins.iter().cloned())
            .allow_origin_patterns(self.allow_origin_patterns.iter().cloned())
            .allow_origin_regex(self.allow_origin_regex.iter().cloned())
    }

    /// A builder in `preset` with this entry's origins.
    pub fn builder(&self, preset: Preset) -> CorsBuilder {
        self.apply(fastcors_core::Cors::builder().preset(preset))
    }
}
