//! Shared pieces of the fuzz targets: a request description that owns its
//! bytes, the invariants every decision must satisfy, and a deliberately
//! simple reference model of the standard preset.
//!
//! The model is written from the specification of the standard preset
//! (SECURITY.md, the Fetch standard), not from fastcors-core's code: plain string
//! comparisons, no index, no trie, no precomputation. When the engine and the
//! model disagree, one of them is wrong, and the model is short enough to
//! check by eye.
//!
//! Modules: [`req`] (the owned request), [`invariants`], [`gen`] (request and
//! configuration generation), [`model`] (the reference model) and [`probe`]
//! (the configuration targets). Everything the targets use is re-exported
//! here.

pub mod gen;
pub mod invariants;
pub mod model;
pub mod probe;
pub mod req;

pub use gen::*;
pub use invariants::*;
pub use model::*;
pub use probe::*;
pub use req::*;
