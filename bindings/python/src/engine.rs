//! The `Engine` class: one per middleware instance.
//!
//! Protocol with the Python layer: `http(scope, send)` (or `websocket(scope)`)
//! returns a final answer, or `(PENDING, origin)` when only the host's
//! origin predicate can judge the origin; the host asks its predicate once
//! and calls `http_resume(scope, send, answer)` (`websocket_resume`) with
//! `True` (allowed), `False` (denied) or `None` (the predicate failed or
//! timed out: denied, not cached), which always returns a final answer.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use fastcors_core::{
    Config, Cors, CorsBuilder, Decision, OriginCheck, OriginPredicate, Preset, RequestView,
};

use crate::collect::{Collected, Method};
use crate::respond::Responder;
use crate::shared::Shared;
use crate::{config_errors_to_py, guard};

/// A lint as Python sees it: `(kind, field, value, message, hint)`.
type WarningTuple = (String, String, String, String, String);

/// One configured CORS policy: fastcors-core's engine plus the Python objects the
/// hot path reuses.
#[pyclass(frozen, module = "fastcors._native")]
pub struct Engine {
    cors: Cors,
    starlette: bool,
    out: Responder,
    warnings: Vec<WarningTuple>,
    /// Starlette's attributes, made from the configuration when it was
    /// parsed (the engine does not keep the configuration).
    attributes: Py<PyDict>,
}

/// A host-side predicate's answer: `None` means it failed.
fn origin_check(answer: Option<bool>) -> OriginCheck {
    answer.map_or(OriginCheck::Failed, OriginCheck::from)
}

/// A Python callable `origin -> bool` as a synchronous core predicate; an
/// exception is reported as unraisable and counts as "not allowed".
fn sync_predicate(pred: Py<PyAny>) -> OriginPredicate {
    let f = move |origin: &str| -> bool {
        Python::attach(|py| {
            pred.bind(py)
                .call1((origin,))
                .and_then(|r| r.is_truthy())
                .unwrap_or_else(|e| {
                    e.write_unraisable(py, None);
                    false
                })
        })
    };
    OriginPredicate::Sync(Arc::new(f))
}

fn warning_tuples(cors: &Cors) -> Vec<WarningTuple> {
    cors.warnings()
        .iter()
        .map(|w| {
            (
                format!("{:?}", w.kind),
                w.field.clone(),
                w.value.clone(),
                w.message.clone(),
                w.hint.clone(),
            )
        })
        .collect()
}

impl Engine {
    fn build(
        py: Python<'_>,
        config_json: &str,
        predicate: Option<Py<PyAny>>,
        external: bool,
    ) -> PyResult<(Cors, Py<PyDict>)> {
        let cfg =
            Config::from_json_str(config_json).map_err(|e| config_errors_to_py(py, e.errors()))?;
        let attributes = attributes_dict(py, &fastcors_core::starlette_attributes(&cfg))?;
        let mut builder = CorsBuilder::from_config(cfg);
        if external {
            builder = builder.origin_predicate(OriginPredicate::External);
        } else if let Some(pred) = predicate {
            builder = builder.origin_predicate(sync_predicate(pred));
        }
        let cors = builder
            .build()
            .map_err(|e| config_errors_to_py(py, e.errors()))?;
        Ok((cors, attributes))
    }

    /// Evaluates an `http` scope, resuming with `answer` when given.
    fn http_decide<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        send: Bound<'py, PyAny>,
        answer: Option<OriginCheck>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut method = Method::from_scope(scope)?;
        let c = Collected::from_scope(scope, self.starlette, true)?;
        let view = c.view(method.bytes()?);
        let decision = match answer {
            None => self.cors.evaluate(&view),
            Some(a) => self.cors.resume(&view, a),
        };
        self.out.respond(py, &c, decision, send)
    }

    /// Evaluates a `websocket` scope: `None` lets it through.
    fn websocket_decide<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        answer: Option<OriginCheck>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let c = Collected::from_scope(scope, self.starlette, false)?;
        let view = c.view(b"GET").with_websocket(true);
        let decision = match answer {
            None => self.cors.evaluate(&view),
            Some(a) => self.cors.resume(&view, a),
        };
        match decision {
            d @ (Decision::Reject(_) | Decision::Pending(_)) => Ok(Some(self.out.respond(
                py,
                &c,
                d,
                py.None().into_bound(py),
            )?)),
            _ => Ok(None),
        }
    }
}

#[pymethods]
impl Engine {
    /// Builds an engine from a JSON document in fastcors-core's configuration
    /// model.
    ///
    /// `predicate`: a Python callable `origin -> bool` consulted synchronously
    /// (used for `allow_origin_regex` patterns only Python's `re` can run).
    /// `external`: the host answers pending checks itself (`*_resume`).
    /// `always_wrap`: always return a send wrapper for actual requests
    /// (needed to know whether the response started). `log`:
    /// `(kind, origin, reasons, suppressed) -> None`, called for rejections,
    /// at most ten times per second.
    #[new]
    #[pyo3(signature = (config_json, *, predicate=None, external=false, always_wrap=false, log=None))]
    fn new(
        py: Python<'_>,
        config_json: &str,
        predicate: Option<Py<PyAny>>,
        external: bool,
        always_wrap: bool,
        log: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let (cors, attributes) = Engine::build(py, config_json, predicate, external)?;
            let shared = Shared::new(py, &cors)?;
            Ok(Engine {
                starlette: cors.preset() == Preset::Starlette,
                warnings: warning_tuples(&cors),
                out: Responder::new(shared, always_wrap, log),
                cors,
                attributes,
            })
        })
    }

    /// The decision for an ASGI `http` scope, in one call.
    ///
    /// Returns `send` itself when nothing is to be written, a `SendWrapper`
    /// to pass to the application for an actual request, or a tuple:
    /// `(0, status, headers, body)` (answer without calling the
    /// application) or `(1, origin)` (ask the origin predicate, then
    /// `http_resume`).
    fn http<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        send: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.http_decide(py, scope, send, None))
    }

    /// `http()` for a request whose origin was pending, with the host
    /// predicate's answer (`None`: it failed). Never returns `(1, origin)`.
    fn http_resume<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        send: Bound<'py, PyAny>,
        answer: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.http_decide(py, scope, send, Some(origin_check(answer))))
    }

    /// The decision for an ASGI `websocket` scope: `None` to let it through,
    /// `(0, status, headers, body)` to refuse it, or `(1, origin)`.
    fn websocket<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(|| self.websocket_decide(py, scope, None))
    }

    /// `websocket()` with the host predicate's answer (`None`: it failed,
    /// and the handshake is refused). Never returns `(1, origin)`.
    fn websocket_resume<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        answer: Option<bool>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(|| self.websocket_decide(py, scope, Some(origin_check(answer))))
    }

    /// fastcors-core's explanation of a request, as JSON. With `answer` (a host
    /// predicate's answer for a pending origin), the answer is handed to the
    /// engine first (and cached, as a request's would be).
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (method, origin=None, request_method=None, request_headers=None, private_network=None, websocket=false, answer=None))]
    fn explain(
        &self,
        method: &[u8],
        origin: Option<&[u8]>,
        request_method: Option<&[u8]>,
        request_headers: Option<&[u8]>,
        private_network: Option<&[u8]>,
        websocket: bool,
        answer: Option<bool>,
    ) -> PyResult<String> {
        guard(|| {
            let mut view = RequestView::new(method).with_websocket(websocket);
            if let Some(o) = origin {
                view = view.with_origin(o);
            }
            if let Some(m) = request_method {
                view = view.with_request_method(m);
            }
            if let Some(h) = request_headers {
                view = view.with_request_headers(h);
            }
            if let Some(p) = private_network {
                view = view.with_request_private_network(p);
            }
            if let Some(a) = answer {
                self.cors.resume(&view, OriginCheck::from(a));
            }
            let e = self.cors.explain(&view);
            serde_json::to_string(&e).map_err(|e| crate::InternalError::new_err(e.to_string()))
        })
    }

    /// Starlette's `is_allowed_origin`. With `answer`, a pending origin is
    /// judged with it (and the answer cached).
    #[pyo3(signature = (origin, answer=None))]
    fn is_allowed_origin(&self, origin: &str, answer: Option<bool>) -> PyResult<bool> {
        guard(|| {
            let Some(answer) = answer else {
                return Ok(self.cors.is_allowed_origin(origin));
            };
            let view = RequestView::new(b"GET").with_origin(origin.as_bytes());
            Ok(match self.cors.evaluate(&view) {
                Decision::Pending(_) => self.cors.resume(&view, OriginCheck::from(answer)),
                d => d,
            }
            .is_allowed())
        })
    }

    /// Whether WebSocket handshakes are checked (the preset's default or
    /// `check_websocket_origin`).
    #[getter]
    fn websocket_checked(&self) -> bool {
        self.cors.behavior().check_websocket_origin
    }

    /// How long the host may wait for an async origin predicate, in
    /// seconds (`origin_check_timeout`, validated by the engine).
    #[getter]
    fn origin_check_timeout(&self) -> f64 {
        self.cors.origin_check_timeout().as_secs_f64()
    }

    /// `"starlette"` or `"standard"`.
    #[getter]
    fn preset(&self) -> &'static str {
        self.cors.preset().as_str()
    }

    /// Lints found at build time: `(kind, field, value, message, hint)`.
    #[getter]
    fn warnings(&self) -> Vec<WarningTuple> {
        self.warnings.clone()
    }

    /// Starlette's public attributes for this configuration, as a dict
    /// (`simple_headers` and `preflight_headers` as ordered pairs).
    #[getter]
    fn starlette_attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.attributes.bind(py).copy()
    }

    // Runtime updates of the global origins and patterns.

    /// Adds a global exact origin at run time.
    fn origins_add(&self, py: Python<'_>, origin: &str) -> PyResult<()> {
        guard(|| {
            self.cors
                .origins()
                .add(origin)
                .map_err(|e| config_errors_to_py(py, std::slice::from_ref(&e)))
        })
    }

    /// Removes a global exact origin; whether it was there.
    fn origins_remove(&self, origin: &str) -> PyResult<bool> {
        guard(|| Ok(self.cors.origins().remove(origin)))
    }

    /// Replaces every global exact origin at once (the GIL is released
    /// while the new set is built).
    fn origins_replace(&self, py: Python<'_>, origins: Vec<String>) -> PyResult<()> {
        guard(|| {
            let cors = &self.cors;
            py.detach(|| cors.origins().replace(origins))
                .map_err(|e| config_errors_to_py(py, e.errors()))
        })
    }

    /// The global exact origins.
    fn origins_list(&self) -> PyResult<Vec<String>> {
        guard(|| Ok(self.cors.origins().list()))
    }

    /// Adds a global wildcard pattern at run time.
    fn patterns_add(&self, py: Python<'_>, pattern: &str) -> PyResult<()> {
        guard(|| {
            self.cors
                .origins()
                .add_pattern(pattern)
                .map_err(|e| config_errors_to_py(py, std::slice::from_ref(&e)))
        })
    }

    /// Removes a global wildcard pattern; whether it was there.
    fn patterns_remove(&self, pattern: &str) -> PyResult<bool> {
        guard(|| Ok(self.cors.origins().remove_pattern(pattern)))
    }

    /// Replaces every global wildcard pattern at once.
    fn patterns_replace(&self, py: Python<'_>, patterns: Vec<String>) -> PyResult<()> {
        guard(|| {
            let cors = &self.cors;
            py.detach(|| cors.origins().replace_patterns(patterns))
                .map_err(|e| config_errors_to_py(py, e.errors()))
        })
    }

    /// The global wildcard patterns.
    fn patterns_list(&self) -> PyResult<Vec<String>> {
        guard(|| Ok(self.cors.origins().patterns()))
    }
}

/// Starlette's attributes as a dict (`simple_headers` and
/// `preflight_headers` as ordered pairs).
fn attributes_dict(py: Python<'_>, a: &fastcors_core::StarletteAttributes) -> PyResult<Py<PyDict>> {
    let d = PyDict::new(py);
    d.set_item("allow_origins", PyList::new(py, &a.allow_origins)?)?;
    d.set_item("allow_methods", PyList::new(py, &a.allow_methods)?)?;
    d.set_item("allow_headers", PyList::new(py, &a.allow_headers)?)?;
    d.set_item("allow_all_origins", a.allow_all_origins)?;
    d.set_item("allow_all_headers", a.allow_all_headers)?;
    d.set_item("allow_credentials", a.allow_credentials)?;
    d.set_item(
        "preflight_explicit_allow_origin",
        a.preflight_explicit_allow_origin,
    )?;
    d.set_item("allow_private_network", a.allow_private_network)?;
    d.set_item("simple_headers", PyList::new(py, &a.simple_headers)?)?;
    d.set_item("preflight_headers", PyList::new(py, &a.preflight_headers)?)?;
    Ok(d.unbind())
}
