//! The hostile-input set: `crates/cors-core/tests/hostile.json`, and the
//! value generator the corpus shares.

use std::collections::BTreeMap;

use fastcors_core::{Config, Cors, Preset};
use serde::Deserialize;

/// A byte string, written literally or generatively.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ValueSpec {
    /// The UTF-8 bytes of the string.
    Str(String),
    /// Bytes as hexadecimal (for non-UTF-8 values).
    Hex { hex: String },
    /// `value` repeated `times` times.
    Repeat {
        repeat: Box<ValueSpec>,
        times: usize,
    },
    /// `item` with `{i}` = 0, 1, 2, ... joined by `sep` until the value is
    /// `max_len` bytes long; cut at `max_len`, then trailing `,` and spaces
    /// dropped.
    Join {
        join: String,
        sep: String,
        max_len: usize,
    },
    /// The values one after the other.
    Concat { concat: Vec<ValueSpec> },
}

impl ValueSpec {
    /// The bytes this value stands for.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            ValueSpec::Str(s) => s.as_bytes().to_vec(),
            ValueSpec::Hex { hex } => {
                assert!(hex.len() % 2 == 0, "odd hex {hex:?}");
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                    .collect()
            }
            ValueSpec::Repeat { repeat, times } => repeat.bytes().repeat(*times),
            ValueSpec::Join { join, sep, max_len } => {
                let mut s = Vec::with_capacity(*max_len);
                let mut i = 0;
                while s.len() < *max_len {
                    if i > 0 {
                        s.extend_from_slice(sep.as_bytes());
                    }
                    s.extend_from_slice(join.replace("{i}", &i.to_string()).as_bytes());
                    i += 1;
                }
                s.truncate(*max_len);
                while matches!(s.last(), Some(b',' | b' ')) {
                    s.pop();
                }
                s
            }
            ValueSpec::Concat { concat } => concat.iter().flat_map(ValueSpec::bytes).collect(),
        }
    }
}

/// One item of a request's field list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    /// `[name, value]`.
    One(String, ValueSpec),
    /// `fields` repeated `times` times, `{i}` in names and string values
    /// replaced by the repetition's index.
    Times {
        times: usize,
        fields: Vec<(String, ValueSpec)>,
    },
}

/// What a case must get, per preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Allowed,
    Refused,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub name: String,
    /// A key of [`HostileSet::configs`].
    pub config: String,
    pub method: String,
    pub fields: Vec<FieldSpec>,
    /// `"standard"` / `"starlette"` to the outcome; a preset not listed is
    /// not run.
    pub expect: BTreeMap<String, Outcome>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HostileSet {
    /// Configurations in fastcors-core's model, without `preset`.
    pub configs: BTreeMap<String, serde_json::Value>,
    pub cases: Vec<Case>,
}

/// The preset named in the data files.
pub fn preset(name: &str) -> Preset {
    match name {
        "standard" => Preset::Standard,
        "starlette" => Preset::Starlette,
        other => panic!("unknown preset {other:?}"),
    }
}

impl HostileSet {
    /// Reads and parses `hostile.json`.
    pub fn load() -> HostileSet {
        let path = crate::data_dir().join("hostile.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The case's configuration in `preset`.
    pub fn config(&self, case: &Case, preset: &str) -> Config {
        let mut v = self
            .configs
            .get(&case.config)
            .unwrap_or_else(|| panic!("{}: no config {:?}", case.name, case.config))
            .clone();
        v["preset"] = serde_json::Value::String(preset.to_owned());
        Config::from_json_str(&v.to_string()).unwrap_or_else(|e| panic!("{}: {e:?}", case.name))
    }

    /// The case's engine in `preset`.
    pub fn engine(&self, case: &Case, preset: &str) -> Cors {
        Cors::from_config(&self.config(case, preset))
            .unwrap_or_else(|e| panic!("{} {preset}: {e}", case.name))
    }
}

impl Case {
    /// The request's header fields, in order.
    pub fn fields(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out = Vec::new();
        for f in &self.fields {
            match f {
                FieldSpec::One(n, v) => out.push((n.as_bytes().to_vec(), v.bytes())),
                FieldSpec::Times { times, fields } => {
                    for i in 0..*times {
                        let i = i.to_string();
                        for (n, v) in fields {
                            let v = match v {
                                ValueSpec::Str(s) => s.replace("{i}", &i).into_bytes(),
                                other => other.bytes(),
                            };
                            out.push((n.replace("{i}", &i).into_bytes(), v));
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether the request is a preflight (`OPTIONS` with
    /// `Access-Control-Request-Method`).
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS"
            && self
                .fields()
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(b"access-control-request-method"))
    }

    /// The presets this case runs in, with their outcome.
    pub fn presets(&self) -> impl Iterator<Item = (&str, Outcome)> {
        self.expect.iter().map(|(p, o)| (p.as_str(), *o))
    }
}
