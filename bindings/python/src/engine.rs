//! The `Engine` class (one per middleware instance) and the native `send`
//! wrapper it hands to the application.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyKeyError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use cors_core::request::MAX_REQUEST_HEADER_FIELDS;
use cors_core::{
    Config, Cors, CorsBuilder, Decision, HeaderName, OriginPredicate, Preset, Reasons, RequestView,
    VaryMode,
};

use crate::writer::Items;
use crate::{config_errors_to_py, guard};

/// `engine.http()` answers with this tag when the middleware must send a
/// response itself: `(RESPOND, status, headers, body)`.
const RESPOND: u8 = 0;
/// `(PENDING, origin)`: call the origin predicate, record, evaluate again.
const PENDING: u8 = 1;

/// Rejection log lines allowed per window; the rest are counted.
const LOG_BURST: u32 = 10;
const LOG_WINDOW: Duration = Duration::from_secs(1);

const ALL_NAMES: [HeaderName; 8] = [
    HeaderName::AllowOrigin,
    HeaderName::AllowCredentials,
    HeaderName::AllowMethods,
    HeaderName::AllowHeaders,
    HeaderName::MaxAge,
    HeaderName::ExposeHeaders,
    HeaderName::AllowPrivateNetwork,
    HeaderName::Vary,
];

fn name_index(n: HeaderName) -> usize {
    match n {
        HeaderName::AllowOrigin => 0,
        HeaderName::AllowCredentials => 1,
        HeaderName::AllowMethods => 2,
        HeaderName::AllowHeaders => 3,
        HeaderName::MaxAge => 4,
        HeaderName::ExposeHeaders => 5,
        HeaderName::AllowPrivateNetwork => 6,
        HeaderName::Vary => 7,
    }
}

/// A cached field: name index, value, `(name, value)`.
type CachedField = (usize, Box<[u8]>, Py<PyTuple>);

/// Python objects made once per engine and shared with its send wrappers.
struct Interned {
    names: Vec<Py<PyBytes>>,
    vary: Py<PyBytes>,
    content_length: Py<PyBytes>,
    content_type: Py<PyBytes>,
    k_type: Py<PyString>,
    k_headers: Py<PyString>,
    v_start: Py<PyString>,
    /// `(name, value)` response fields whose value does not depend on the
    /// request (credentials, exposed headers, a fixed origin, ...), made once
    /// and shared by every response: tuples and bytes are immutable, and a
    /// header list only needs equal items, not new ones.
    fields: Mutex<Vec<CachedField>>,
    /// `(b"vary", token)` for a response that has no `Vary` field yet.
    vary_fields: Mutex<Vec<(&'static str, Py<PyTuple>)>>,
}

/// Distinct cached fields kept per engine (rules can give each origin its
/// own values; past this, fields are made per response).
const FIELD_CACHE_MAX: usize = 64;

impl Interned {
    fn new(py: Python<'_>) -> Self {
        Interned {
            names: ALL_NAMES
                .iter()
                .map(|n| PyBytes::new(py, n.as_str().as_bytes()).unbind())
                .collect(),
            vary: PyBytes::new(py, b"vary").unbind(),
            content_length: PyBytes::new(py, b"content-length").unbind(),
            content_type: PyBytes::new(py, b"content-type").unbind(),
            k_type: PyString::intern(py, "type").unbind(),
            k_headers: PyString::intern(py, "headers").unbind(),
            v_start: PyString::intern(py, "http.response.start").unbind(),
            fields: Mutex::new(Vec::new()),
            vary_fields: Mutex::new(Vec::new()),
        }
    }

    /// The shared `(name, value)` tuple for a request-independent field.
    fn field<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        value: &[u8],
    ) -> PyResult<Bound<'py, PyTuple>> {
        let mut cache = self.fields.lock().ok();
        if let Some(cache) = cache.as_deref() {
            if let Some((_, _, t)) = cache.iter().find(|(i, v, _)| *i == index && **v == *value) {
                return Ok(t.bind(py).clone());
            }
        }
        let t = PyTuple::new(
            py,
            [
                self.names[index].bind(py).clone().into_any(),
                PyBytes::new(py, value).into_any(),
            ],
        )?;
        if let Some(cache) = cache.as_deref_mut() {
            if cache.len() < FIELD_CACHE_MAX {
                cache.push((index, value.into(), t.clone().unbind()));
            }
        }
        Ok(t)
    }

    /// The shared `(b"vary", token)` tuple.
    fn vary_field<'py>(
        &self,
        py: Python<'py>,
        token: &'static str,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let mut cache = self.vary_fields.lock().ok();
        if let Some(cache) = cache.as_deref() {
            if let Some((_, t)) = cache.iter().find(|(k, _)| *k == token) {
                return Ok(t.bind(py).clone());
            }
        }
        let t = PyTuple::new(
            py,
            [
                self.vary.bind(py).clone().into_any(),
                PyBytes::new(py, token.as_bytes()).into_any(),
            ],
        )?;
        if let Some(cache) = cache.as_deref_mut() {
            if cache.len() < FIELD_CACHE_MAX {
                cache.push((token, t.clone().unbind()));
            }
        }
        Ok(t)
    }
}

struct RateLimit {
    window_start: Instant,
    count: u32,
    suppressed: u64,
    suppressed_before: u64,
}

/// The CORS-relevant request header fields, borrowed from the ASGI scope.
struct Collected<'py> {
    origin: Option<Bound<'py, PyBytes>>,
    origin_fields: u32,
    method: Option<Bound<'py, PyBytes>>,
    request_headers: [Option<Bound<'py, PyBytes>>; MAX_REQUEST_HEADER_FIELDS],
    request_header_fields: u32,
    private_network: Option<Bound<'py, PyBytes>>,
}

#[inline]
fn name_is(name: &[u8], target: &[u8], exact: bool) -> bool {
    if exact {
        name == target
    } else {
        name.eq_ignore_ascii_case(target)
    }
}

impl<'py> Collected<'py> {
    fn empty() -> Self {
        Collected {
            origin: None,
            origin_fields: 0,
            method: None,
            request_headers: Default::default(),
            request_header_fields: 0,
            private_network: None,
        }
    }

    fn field(&mut self, name: &[u8], value: Bound<'py, PyAny>, exact: bool) {
        let Ok(value) = value.cast_into::<PyBytes>() else {
            return;
        };
        match name.len() {
            6 if name_is(name, b"origin", exact) => {
                self.origin.get_or_insert(value);
                self.origin_fields = self.origin_fields.saturating_add(1);
            }
            29 if name_is(name, b"access-control-request-method", exact) => {
                self.method.get_or_insert(value);
            }
            30 if name_is(name, b"access-control-request-headers", exact) => {
                let n = self.request_header_fields as usize;
                if n < MAX_REQUEST_HEADER_FIELDS {
                    self.request_headers[n] = Some(value);
                }
                self.request_header_fields = self.request_header_fields.saturating_add(1);
            }
            38 if name_is(name, b"access-control-request-private-network", exact) => {
                self.private_network.get_or_insert(value);
            }
            _ => {}
        }
    }

    /// Reads an ASGI header list (normally a list of `(bytes, bytes)` tuples;
    /// anything else that is not a pair of bytes is skipped). With `exact`,
    /// names must be lowercase, as Starlette's `Headers` requires.
    fn from_headers(headers: &Bound<'py, PyAny>, exact: bool) -> PyResult<Self> {
        let mut c = Collected::empty();
        let mut one = |item: Bound<'py, PyAny>| {
            if let Ok(t) = item.cast::<PyTuple>() {
                if t.len() != 2 {
                    return;
                }
                let Ok(name) = t.get_borrowed_item(0) else {
                    return;
                };
                let Ok(name) = name.cast::<PyBytes>() else {
                    return;
                };
                let n = name.as_bytes();
                if matches!(n.len(), 6 | 29 | 30 | 38) {
                    if let Ok(v) = t.get_item(1) {
                        c.field(n, v, exact);
                    }
                }
            } else if let (Ok(name), Ok(v)) = (item.get_item(0), item.get_item(1)) {
                if let Ok(name) = name.cast::<PyBytes>() {
                    c.field(name.as_bytes(), v, exact);
                }
            }
        };
        if let Ok(list) = headers.cast::<PyList>() {
            for item in list.iter() {
                one(item);
            }
        } else if let Ok(tuple) = headers.cast::<PyTuple>() {
            for item in tuple.iter() {
                one(item);
            }
        } else {
            for item in headers.try_iter()? {
                one(item?);
            }
        }
        Ok(c)
    }

    fn view<'a>(&'a self, method: &'a [u8]) -> RequestView<'a> {
        let mut view = RequestView::new(method);
        if let Some(o) = &self.origin {
            view.add_origin(o.as_bytes());
            for _ in 1..self.origin_fields {
                view.add_origin(b"");
            }
        }
        if let Some(m) = &self.method {
            view = view.with_request_method(m.as_bytes());
        }
        for h in self.request_headers.iter().flatten() {
            view.add_request_headers(h.as_bytes());
        }
        for _ in (MAX_REQUEST_HEADER_FIELDS as u32)..self.request_header_fields {
            view.add_request_headers(b"");
        }
        if let Some(p) = &self.private_network {
            view = view.with_request_private_network(p.as_bytes());
        }
        view
    }

    /// The request's own `bytes` object when `value` is exactly one of its
    /// fields (a reflected origin or mirrored request headers): no copy.
    fn reuse(&self, value: &[u8]) -> Option<Bound<'py, PyAny>> {
        let same = |b: &Bound<'py, PyBytes>| {
            let s = b.as_bytes();
            s.as_ptr() == value.as_ptr() && s.len() == value.len()
        };
        if let Some(o) = self.origin.as_ref().filter(|o| same(o)) {
            return Some(o.clone().into_any());
        }
        self.request_headers
            .iter()
            .flatten()
            .find(|h| same(h))
            .map(|h| h.clone().into_any())
    }

    fn origin_text(&self) -> String {
        self.origin
            .as_ref()
            .map(|o| String::from_utf8_lossy(o.as_bytes()).into_owned())
            .unwrap_or_default()
    }
}

/// One configured CORS policy: cors-core's engine plus the Python objects the
/// hot path reuses.
#[pyclass(frozen, module = "fastcors._native")]
pub struct Engine {
    cors: Cors,
    starlette: bool,
    always_wrap: bool,
    max_age_override: Option<Py<PyBytes>>,
    s: Arc<Interned>,
    log: Option<Py<PyAny>>,
    limiter: Mutex<RateLimit>,
    warnings: Vec<(String, String, String, String, String)>,
}

extern "C" {
    // Part of the stable ABI only from 3.10, but exported by every CPython 3
    // (the abi3-py39 build cannot name it through pyo3-ffi).
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::os::raw::c_char;
}

/// The method's UTF-8 bytes. For the usual ASCII `str` this borrows the
/// string's own buffer: no allocation per request.
fn method_bytes<'a>(method: &'a Bound<'_, PyAny>, buf: &'a mut Vec<u8>) -> PyResult<&'a [u8]> {
    let s = method.cast::<PyString>()?;
    let mut size: pyo3::ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a live `str`; the buffer returned is owned by it (cached
    // UTF-8 form) and lives as long as `method`, which outlives the slice.
    let data = unsafe { PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size) };
    if !data.is_null() && size >= 0 {
        // SAFETY: `data` points to `size` initialised bytes (see above).
        return Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size as usize) });
    }
    // Lone surrogates: not UTF-8. Fall back to the lossless path (raises).
    if let Some(err) = PyErr::take(method.py()) {
        drop(err);
    }
    *buf = s.to_cow()?.into_owned().into_bytes();
    Ok(buf.as_slice())
}

impl Engine {
    fn log_rejection(&self, py: Python<'_>, kind: &str, origin: &str, reasons: Reasons) {
        let Some(log) = &self.log else {
            return;
        };
        let suppressed = {
            let Ok(mut rl) = self.limiter.lock() else {
                return;
            };
            let now = Instant::now();
            if now.duration_since(rl.window_start) >= LOG_WINDOW {
                rl.window_start = now;
                rl.count = 0;
                rl.suppressed_before = rl.suppressed;
                rl.suppressed = 0;
            }
            if rl.count >= LOG_BURST {
                rl.suppressed += 1;
                return;
            }
            rl.count += 1;
            std::mem::take(&mut rl.suppressed_before)
        };
        let reasons: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
        // A failing log handler must never fail the request.
        let _ = log.bind(py).call1((kind, origin, reasons, suppressed));
    }

    fn value_obj<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        name: HeaderName,
        value: &[u8],
    ) -> Bound<'py, PyAny> {
        if name == HeaderName::MaxAge {
            if let Some(v) = &self.max_age_override {
                return v.bind(py).clone().into_any();
            }
        }
        c.reuse(value)
            .unwrap_or_else(|| PyBytes::new(py, value).into_any())
    }

    /// Turns a decision into what `http()` returns.
    fn respond<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        decision: Decision<'_>,
        send: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match decision {
            Decision::Actual(a) => {
                if a.cors && !a.allowed {
                    self.log_rejection(py, "actual", &c.origin_text(), a.reasons);
                }
                if a.headers.is_empty() && a.vary.is_none() && !self.always_wrap {
                    return Ok(send);
                }
                let mut fields = Vec::with_capacity(a.headers.len());
                for (n, v) in a.headers.iter() {
                    let i = name_index(n);
                    let t = match c.reuse(v) {
                        // Reflected from the request: this response's own field.
                        Some(value) => {
                            PyTuple::new(py, [self.s.names[i].bind(py).clone().into_any(), value])?
                        }
                        None => self.s.field(py, i, v)?,
                    };
                    fields.push((i, t.unbind()));
                }
                let vary_field = match a.vary {
                    Some(token) => Some(self.s.vary_field(py, token)?.unbind()),
                    None => None,
                };
                let w = SendWrapper {
                    send: send.unbind(),
                    s: self.s.clone(),
                    fields,
                    vary: a.vary,
                    vary_field,
                    vary_mode: a.vary_mode,
                    started: AtomicBool::new(false),
                };
                Ok(Bound::new(py, w)?.into_any())
            }
            Decision::Preflight(p) => {
                if !p.allowed {
                    self.log_rejection(py, "preflight", &c.origin_text(), p.reasons);
                }
                let list = PyList::empty(py);
                for (n, v) in p.headers.iter() {
                    let pair = PyTuple::new(
                        py,
                        [
                            self.s.names[name_index(n)].bind(py).clone().into_any(),
                            self.value_obj(py, c, n, v),
                        ],
                    )?;
                    list.append(pair)?;
                }
                if !p.body.is_empty() {
                    let len = p.body.len().to_string();
                    list.append((
                        self.s.content_length.bind(py),
                        PyBytes::new(py, len.as_bytes()),
                    ))?;
                    if let Some(ct) = p.content_type {
                        list.append((
                            self.s.content_type.bind(py),
                            PyBytes::new(py, ct.as_bytes()),
                        ))?;
                    }
                }
                let body = PyBytes::new(py, p.body.as_bytes());
                Ok((RESPOND, p.status, list, body)
                    .into_pyobject(py)?
                    .into_any())
            }
            Decision::Reject(r) => {
                self.log_rejection(py, "reject", &c.origin_text(), r.reasons);
                let list = PyList::empty(py);
                if let Some(v) = r.vary {
                    list.append((self.s.vary.bind(py), PyBytes::new(py, v.as_bytes())))?;
                }
                let body = PyBytes::new(py, b"");
                Ok((RESPOND, r.status, list, body)
                    .into_pyobject(py)?
                    .into_any())
            }
            Decision::PendingOriginCheck(origin) => {
                Ok((PENDING, origin).into_pyobject(py)?.into_any())
            }
        }
    }
}

fn warning_kind(k: cors_core::WarningKind) -> String {
    format!("{k:?}")
}

#[pymethods]
impl Engine {
    /// Builds an engine from a JSON document in cors-core's configuration
    /// model.
    ///
    /// `predicate`: a Python callable `origin -> bool` consulted synchronously
    /// (used for `allow_origin_regex` patterns only Python's `re` can run).
    /// `external`: the host resolves `PendingOriginCheck` itself (async or
    /// user predicates). `max_age_override`: the exact bytes of
    /// `Access-Control-Max-Age` (Starlette writes `str(max_age)` whatever
    /// its type). `always_wrap`: always return a send wrapper for actual
    /// requests (needed to know whether the response started). `log`:
    /// `(kind, origin, reasons, suppressed) -> None`, called for rejections,
    /// at most `LOG_BURST` times per second.
    #[new]
    #[pyo3(signature = (config_json, *, predicate=None, external=false, max_age_override=None, always_wrap=false, log=None))]
    fn new(
        py: Python<'_>,
        config_json: &str,
        predicate: Option<Py<PyAny>>,
        external: bool,
        max_age_override: Option<Vec<u8>>,
        always_wrap: bool,
        log: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let cfg = Config::from_json_str(config_json)
                .map_err(|e| config_errors_to_py(py, e.errors()))?;
            let starlette = cfg.preset == Preset::Starlette;
            let mut builder = CorsBuilder::from_config(cfg);
            if external {
                builder = builder.origin_predicate(OriginPredicate::External);
            } else if let Some(pred) = predicate {
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
                builder = builder.origin_predicate(OriginPredicate::Sync(Arc::new(f)));
            }
            let cors = builder
                .build()
                .map_err(|e| config_errors_to_py(py, e.errors()))?;
            let warnings = cors
                .warnings()
                .iter()
                .map(|w| {
                    (
                        warning_kind(w.kind),
                        w.field.clone(),
                        w.value.clone(),
                        w.message.clone(),
                        w.hint.clone(),
                    )
                })
                .collect();
            Ok(Engine {
                cors,
                starlette,
                always_wrap,
                max_age_override: max_age_override.map(|v| PyBytes::new(py, &v).unbind()),
                s: Arc::new(Interned::new(py)),
                log,
                limiter: Mutex::new(RateLimit {
                    window_start: Instant::now(),
                    count: 0,
                    suppressed: 0,
                    suppressed_before: 0,
                }),
                warnings,
            })
        })
    }

    /// The decision for an ASGI `http` scope, in one call.
    ///
    /// Returns `send` itself when nothing is to be written, a `SendWrapper`
    /// to pass to the application for an actual request, or a tuple:
    /// `(0, status, headers, body)` (answer without calling the
    /// application) or `(1, origin)` (ask the origin predicate).
    fn http<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        send: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let method = scope
                .get_item(intern!(py, "method"))?
                .ok_or_else(|| PyKeyError::new_err("method"))?;
            let c = match scope.get_item(intern!(py, "headers"))? {
                Some(h) if h.is_exact_instance_of::<PyList>() => {
                    Collected::from_headers(&h, self.starlette)?
                }
                Some(h) => {
                    // Starlette's Headers(scope=scope) turns it into a list
                    // in the scope; so does the middleware.
                    let list = PyList::new(py, h.try_iter()?.collect::<PyResult<Vec<_>>>()?)?;
                    scope.set_item(intern!(py, "headers"), &list)?;
                    Collected::from_headers(list.as_any(), self.starlette)?
                }
                None => Collected::empty(),
            };
            let mut buf = Vec::new();
            let m = method_bytes(&method, &mut buf)?;
            let view = c.view(m);
            let decision = self.cors.evaluate(&view);
            self.respond(py, &c, decision, send)
        })
    }

    /// The decision for an ASGI `websocket` scope: `None` to let it through,
    /// `(0, status, headers, body)` to refuse it, or `(1, origin)`.
    fn websocket<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(|| {
            let c = match scope.get_item(intern!(py, "headers"))? {
                Some(h) => Collected::from_headers(&h, self.starlette)?,
                None => Collected::empty(),
            };
            let view = c.view(b"GET").with_websocket(true);
            match self.cors.evaluate(&view) {
                d @ (Decision::Reject(_) | Decision::PendingOriginCheck(_)) => {
                    let send = py.None().into_bound(py);
                    Ok(Some(self.respond(py, &c, d, send)?))
                }
                _ => Ok(None),
            }
        })
    }

    /// cors-core's explanation of a request, as JSON.
    #[pyo3(signature = (method, origin=None, request_method=None, request_headers=None, private_network=None, websocket=false))]
    fn explain(
        &self,
        method: &[u8],
        origin: Option<&[u8]>,
        request_method: Option<&[u8]>,
        request_headers: Option<&[u8]>,
        private_network: Option<&[u8]>,
        websocket: bool,
    ) -> PyResult<String> {
        guard(|| {
            let mut view = RequestView::new(method);
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
            if websocket {
                view = view.with_websocket(true);
            }
            let e = self.cors.explain(&view);
            serde_json::to_string(&e).map_err(|e| crate::InternalError::new_err(e.to_string()))
        })
    }

    /// Starlette's `is_allowed_origin`.
    fn is_allowed_origin(&self, origin: &str) -> PyResult<bool> {
        guard(|| Ok(self.cors.is_allowed_origin(origin)))
    }

    /// Records a host-side predicate's answer for `origin`.
    fn record_origin_check(&self, origin: &str, allowed: bool) -> PyResult<()> {
        guard(|| {
            self.cors.record_origin_check(origin, allowed);
            Ok(())
        })
    }

    /// Whether WebSocket handshakes are checked (the preset's default or
    /// `check_websocket_origin`).
    #[getter]
    fn websocket_checked(&self) -> bool {
        self.cors.behavior().check_websocket_origin
    }

    /// `"starlette"` or `"standard"`.
    #[getter]
    fn preset(&self) -> &'static str {
        self.cors.preset().as_str()
    }

    /// Lints found at build time: `(kind, field, value, message, hint)`.
    #[getter]
    fn warnings(&self) -> Vec<(String, String, String, String, String)> {
        self.warnings.clone()
    }

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

/// The `send` callable given to the application for an actual request.
///
/// Calling it with `http.response.start` rewrites the message's headers;
/// every other message is passed through untouched. It returns the wrapped
/// `send`'s awaitable, so `await wrapper(message)` works like `await
/// send(message)` without an extra Python frame.
#[pyclass(frozen, module = "fastcors._native")]
pub struct SendWrapper {
    send: Py<PyAny>,
    s: Arc<Interned>,
    /// `(name index, (name, value))`, in the order they are set.
    fields: Vec<(usize, Py<PyTuple>)>,
    vary: Option<&'static str>,
    /// `(b"vary", token)`, appended when the response has no `Vary` field.
    vary_field: Option<Py<PyTuple>>,
    vary_mode: VaryMode,
    started: AtomicBool,
}

impl SendWrapper {
    /// Whether the application's field name `n` is one this wrapper sets.
    fn touches(&self, py: Python<'_>, n: &[u8]) -> bool {
        if self.vary.is_some() && n == b"vary" {
            return true;
        }
        self.fields
            .iter()
            .any(|(i, _)| self.s.names[*i].bind(py).as_bytes() == n)
    }

    /// The common case, in one pass and one new list: the application's
    /// fields are `(bytes, value)` tuples and none of them is a field this
    /// wrapper sets, so every "set" appends (what `MutableHeaders` does).
    /// `None` when the general path is needed.
    fn append_only<'py>(
        &self,
        py: Python<'py>,
        headers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        // A name set twice replaces itself: only the general path does that.
        let mut seen = 0u32;
        for (i, _) in &self.fields {
            if seen & (1 << i) != 0 {
                return Ok(None);
            }
            seen |= 1 << i;
        }
        let list = match headers {
            Some(h) => match h.cast::<PyList>() {
                Ok(l) => Some(l),
                Err(_) => return Ok(None),
            },
            None => None,
        };
        if let Some(list) = list {
            for item in list.iter() {
                let Ok(t) = item.cast::<PyTuple>() else {
                    return Ok(None);
                };
                if t.len() != 2 {
                    continue;
                }
                let name = t.get_borrowed_item(0)?;
                if let Ok(name) = name.cast::<PyBytes>() {
                    if self.touches(py, name.as_bytes()) {
                        return Ok(None);
                    }
                }
            }
        }
        let app_fields = list.map_or(0, |l| l.len());
        let n = app_fields + self.fields.len() + usize::from(self.vary_field.is_some());
        let mut items: Vec<Bound<'py, PyAny>> = Vec::with_capacity(n);
        if let Some(list) = list {
            items.extend(list.iter());
        }
        items.extend(
            self.fields
                .iter()
                .map(|(_, t)| t.bind(py).clone().into_any()),
        );
        if let Some(v) = &self.vary_field {
            items.push(v.bind(py).clone().into_any());
        }
        // One allocation of the right size (a Vec is exact-size).
        let out = PyList::new(py, items)?;
        Ok(Some(out))
    }

    fn apply(&self, py: Python<'_>, message: &Bound<'_, PyDict>) -> PyResult<()> {
        let key = self.s.k_headers.bind(py);
        let headers = message.get_item(key)?;
        if let Some(list) = self.append_only(py, headers.as_ref())? {
            return message.set_item(key, list);
        }
        let mut items = match headers {
            Some(h) => Items::from_headers(&h)?,
            None => Items::from_headers(&PyList::empty(py).into_any())?,
        };
        for (i, t) in &self.fields {
            items.set(self.s.names[*i].bind(py), t.bind(py).get_item(1)?)?;
        }
        if let Some(token) = self.vary {
            items.apply_vary(self.s.vary.bind(py), token, self.vary_mode)?;
        }
        message.set_item(key, items.into_list(py)?)
    }
}

#[pymethods]
impl SendWrapper {
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            if let Ok(d) = message.cast::<PyDict>() {
                if let Some(t) = d.get_item(self.s.k_type.bind(py))? {
                    let start = self.s.v_start.bind(py);
                    if t.is(start) || t.eq(start)? {
                        self.started.store(true, Ordering::Relaxed);
                        self.apply(py, d)?;
                    }
                }
            }
            self.send.bind(py).call1((message,))
        })
    }

    /// Whether `http.response.start` went through this wrapper.
    #[getter]
    fn started(&self) -> bool {
        self.started.load(Ordering::Relaxed)
    }

    /// The wrapped `send`.
    #[getter]
    fn inner(&self, py: Python<'_>) -> Py<PyAny> {
        self.send.clone_ref(py)
    }
}
