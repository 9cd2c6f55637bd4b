//! # fastcors-core
//!
//! One CORS engine for every framework: an origin index, policy evaluation
//! per the [Fetch standard](https://fetch.spec.whatwg.org/#http-cors-protocol),
//! one configuration model, and an explanation for every decision.
//!
//! Data flows one way. An adapter translates its framework's request into a
//! [`RequestView`], [`Cors::evaluate`] returns a [`Decision`], and the adapter
//! writes the decision back (see [`decision`] for the exact rules). No
//! adapter contains policy logic.
//!
//! ```
//! use fastcors_core::{Cors, Decision, RequestView, HeaderName};
//!
//! let cors = Cors::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_origin_patterns(["https://*.example.net"])
//!     .allow_methods(["GET", "PUT"])
//!     .allow_headers(["content-type"])
//!     .build()
//!     .unwrap();
//!
//! let view = RequestView::new(b"OPTIONS")
//!     .with_origin(b"https://deep.sub.example.net")
//!     .with_request_method(b"PUT")
//!     .with_request_headers(b"content-type");
//! match cors.evaluate(&view) {
//!     Decision::Preflight(p) => {
//!         assert!(p.allowed);
//!         assert_eq!(p.status, 204);
//!         assert_eq!(p.headers.get(HeaderName::AllowOrigin), Some(&b"https://deep.sub.example.net"[..]));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```
//!
//! Two presets run over the same evaluation path: [`Preset::Standard`]
//! (spec-correct, safe defaults; the Rust adapters' default) and
//! [`Preset::Starlette`] (byte-for-byte Starlette 1.10.0, for the Python
//! drop-in). A preset is compiled into [`Behavior`] switches and each
//! policy's response plans; evaluation never asks which preset it runs.

// The one exception is memory-mapping a prebuilt fst file (see `index::map_file`).
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod authority;
mod builder;
pub mod config;
pub mod decision;
pub mod defaults;
mod dynamic;
mod engine;
pub mod error;
mod explain;
mod headers;
#[cfg(feature = "http")]
pub mod http;
mod index;
pub mod lint;
pub mod origin;
pub mod pattern;
mod plan;
pub mod request;
mod value;

pub use builder::CorsBuilder;
pub use config::{Config, Preset, RuleConfig};
pub use decision::{
    merge_vary, Actual, Decision, HeaderName, Headers, HeadersIter, OriginCheck, PendingCheck,
    Preflight, Reason, Reasons, Reject, VaryMode, VaryUpdate,
};
pub use dynamic::{DynamicOrigins, OriginCheckFuture, OriginPredicate, PredicateFuture};
pub use engine::{
    starlette_all_methods, starlette_attributes, starlette_safelisted_headers, Behavior, Cors,
    PreflightProcedure, StarletteAttributes,
};
pub use error::{ConfigError, ConfigErrorKind, ConfigErrors, Warning, WarningKind};
pub use explain::Explanation;
pub use index::{build_fst, FstOrigins, MatchedBy, OriginMatch};
pub use request::RequestView;
pub use value::{PolicyValue, Value};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
