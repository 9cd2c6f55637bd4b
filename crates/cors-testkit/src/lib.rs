//! fastcors's shared test kit (not published).
//!
//! * [`alloc`]: the one counting allocator. Test binaries declare it
//!   themselves: `#[global_allocator] static A: CountingAlloc = CountingAlloc;`.
//! * [`corpus`]: the attacker-origin corpus, `crates/cors-core/tests/attacker.json`.
//! * [`hostile`]: the hostile-input set, `crates/cors-core/tests/hostile.json`.
//! * [`decision`]: the only place the kit reads a fastcors-core `Decision`.
//! * [`adapter`]: the drivers the framework adapters' tests share
//!   (conformance vectors, attacker corpus, hostile inputs) over a
//!   "send this request, give me the response" closure.
//!
//! The data files are described in `crates/cors-core/tests/README.md`.

pub mod adapter;
pub mod alloc;
pub mod corpus;
pub mod decision;
pub mod hostile;

use std::path::PathBuf;

/// `crates/cors-core/tests`, where the shared data files live.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cors-core/tests")
}

/// A byte string for messages: lossy, escaped.
pub fn show(o: &[u8]) -> String {
    String::from_utf8_lossy(o).escape_debug().to_string()
}
