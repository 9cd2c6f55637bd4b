//! `fastcors._native`: the PyO3 bindings of fastcors-core behind the `fastcors`
//! Python package.
//!
//! The Python layer (`python/src/fastcors`) owns the ASGI plumbing that must
//! stay in Python (awaiting the application, calling an async origin
//! predicate); everything per request that can be done natively is done here,
//! in one call: reading the raw ASGI header list, evaluating the policy and
//! building either the preflight messages or a native `send` wrapper that
//! rewrites `http.response.start` exactly as Starlette's `MutableHeaders` would.
//!
//! Every entry point runs under `guard`: a Rust panic becomes a
//! `fastcors.CORSInternalError` (a `RuntimeError`), never an abort.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

mod collect;
mod engine;
mod respond;
mod send;
mod shared;
mod writer;

pub use engine::Engine;
pub use send::SendWrapper;

create_exception!(
    _native,
    NativeConfigError,
    PyValueError,
    "Raised by the native layer with (message, [(field, value, message, hint, kind), ...])."
);
create_exception!(
    _native,
    InternalError,
    PyRuntimeError,
    "A bug in fastcors' native code (a Rust panic) surfaced as a Python exception."
);

/// Runs `f`, turning a Rust panic into [`InternalError`].
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic".to_string()
            };
            Err(InternalError::new_err(format!(
                "fastcors native code panicked: {msg}"
            )))
        }
    }
}

/// Converts fastcors-core configuration errors into [`NativeConfigError`] whose
/// second argument lists `(field, value, message, hint, kind)` tuples
/// (`kind`: [`fastcors_core::ConfigErrorKind::as_str`]).
pub(crate) fn config_errors_to_py(py: Python<'_>, errors: &[fastcors_core::ConfigError]) -> PyErr {
    let summary = fastcors_core::ConfigErrors(errors.to_vec()).to_string();
    let details: Vec<(String, String, String, String, &'static str)> = errors
        .iter()
        .map(|e| {
            (
                e.field.clone(),
                e.value.clone(),
                e.message.clone(),
                e.hint.clone(),
                e.kind.as_str(),
            )
        })
        .collect();
    match (summary.as_str(), details).into_pyobject(py) {
        Ok(args) => NativeConfigError::new_err(args.unbind()),
        Err(e) => e,
    }
}

fn config_to_json(py: Python<'_>, cfg: &fastcors_core::Config) -> PyResult<String> {
    serde_json::to_string(cfg).map_err(|e| {
        config_errors_to_py(
            py,
            &[fastcors_core::ConfigError::new(
                "(config)",
                "",
                e.to_string(),
                "",
            )],
        )
    })
}

/// Reads a TOML or JSON configuration file with fastcors-core's loader and
/// returns the configuration as a JSON document.
#[pyfunction]
fn config_from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<String> {
    guard(|| {
        let cfg = fastcors_core::Config::from_file(&path)
            .map_err(|e| config_errors_to_py(py, e.errors()))?;
        config_to_json(py, &cfg)
    })
}

/// Reads `CORS_*` variables from `environ` (name -> value pairs) with
/// fastcors-core's loader and returns the configuration as a JSON document.
#[pyfunction]
fn config_from_env(py: Python<'_>, environ: Vec<(String, String)>) -> PyResult<String> {
    guard(|| {
        let cfg = fastcors_core::Config::from_env_vars(environ)
            .map_err(|e| config_errors_to_py(py, e.errors()))?;
        config_to_json(py, &cfg)
    })
}

/// Parses a JSON configuration with fastcors-core's model and returns it
/// normalised (every key present), as JSON.
#[pyfunction]
fn config_normalize(py: Python<'_>, json: &str) -> PyResult<String> {
    guard(|| {
        let cfg = fastcors_core::Config::from_json_str(json)
            .map_err(|e| config_errors_to_py(py, e.errors()))?;
        config_to_json(py, &cfg)
    })
}

/// Look-alike origins an attacker could register for `domain` (for tests).
#[pyfunction]
fn attacker_origins(domain: &str) -> PyResult<Vec<String>> {
    guard(|| Ok(fastcors_core::lint::attacker_origins(domain)))
}

/// Panics on purpose, to test that a panic surfaces as an exception.
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guard(|| panic!("deliberate panic requested by a test"))
}

/// Applies Starlette's `MutableHeaders` "set" semantics to a raw header list,
/// for tests of the writer: returns the new list.
#[pyfunction]
fn _set_header<'py>(
    py: Python<'py>,
    headers: &Bound<'py, PyAny>,
    name: &[u8],
    value: &[u8],
) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        let mut items = writer::Items::from_headers(headers)?;
        let name = pyo3::types::PyBytes::new(py, name);
        let value = pyo3::types::PyBytes::new(py, value).into_any();
        items.set(&name, value)?;
        items.into_list(py)
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Engine>()?;
    m.add_class::<SendWrapper>()?;
    m.add("NativeConfigError", py.get_type::<NativeConfigError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_function(wrap_pyfunction!(config_from_file, m)?)?;
    m.add_function(wrap_pyfunction!(config_from_env, m)?)?;
    m.add_function(wrap_pyfunction!(config_normalize, m)?)?;
    m.add_function(wrap_pyfunction!(attacker_origins, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(_set_header, m)?)?;
    m.add(
        "MAX_REQUEST_HEADER_FIELDS",
        fastcors_core::request::MAX_REQUEST_HEADER_FIELDS,
    )?;
    m.add(
        "STARLETTE_ALL_METHODS",
        PyTuple::new(py, fastcors_core::starlette_all_methods())?,
    )?;
    m.add(
        "STARLETTE_SAFELISTED_HEADERS",
        PyTuple::new(py, fastcors_core::starlette_safelisted_headers())?,
    )?;
    Ok(())
}
