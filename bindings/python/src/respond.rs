//! Turning a final [`Decision`] into what `Engine.http()` and
//! `Engine.websocket()` return to Python, and logging rejections.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use fastcors_core::{Actual, Decision, HeaderName, Preflight, Reasons, Reject, Value};

use crate::collect::Collected;
use crate::send::SendWrapper;
use crate::shared::{name_index, Shared};

/// `(RESPOND, status, headers, body)`: the middleware answers itself.
pub(crate) const RESPOND: u8 = 0;
/// `(PENDING, origin)`: ask the origin predicate, then `*_resume`.
pub(crate) const PENDING: u8 = 1;

/// Rejection log lines allowed per window; the rest are counted.
const LOG_BURST: u32 = 10;
const LOG_WINDOW: Duration = Duration::from_secs(1);

struct RateLimit {
    window_start: Instant,
    count: u32,
    suppressed: u64,
    suppressed_before: u64,
}

impl RateLimit {
    /// `Some(suppressed since the last line)` when a line may be written.
    fn admit(&mut self) -> Option<u64> {
        let now = Instant::now();
        if now.duration_since(self.window_start) >= LOG_WINDOW {
            self.window_start = now;
            self.count = 0;
            self.suppressed_before = self.suppressed;
            self.suppressed = 0;
        }
        if self.count >= LOG_BURST {
            self.suppressed += 1;
            return None;
        }
        self.count += 1;
        Some(std::mem::take(&mut self.suppressed_before))
    }
}

/// Writes decisions in Python form for one engine.
pub(crate) struct Responder {
    pub(crate) s: Arc<Shared>,
    always_wrap: bool,
    log: Option<Py<PyAny>>,
    limiter: Mutex<RateLimit>,
}

impl Responder {
    pub(crate) fn new(s: Shared, always_wrap: bool, log: Option<Py<PyAny>>) -> Self {
        Responder {
            s: Arc::new(s),
            always_wrap,
            log,
            limiter: Mutex::new(RateLimit {
                window_start: Instant::now(),
                count: 0,
                suppressed: 0,
                suppressed_before: 0,
            }),
        }
    }

    fn log_rejection(&self, py: Python<'_>, kind: &str, c: &Collected<'_>, reasons: Reasons) {
        let Some(log) = &self.log else {
            return;
        };
        let Some(suppressed) = self.limiter.lock().ok().and_then(|mut rl| rl.admit()) else {
            return;
        };
        let reasons: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
        // A failing log handler must never fail the request.
        let _ = log
            .bind(py)
            .call1((kind, c.origin_text(), reasons, suppressed));
    }

    /// The `(name, value)` field for a header of a decision: a shared tuple
    /// for a policy value, the request's own bytes for a reflected one.
    fn field<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        n: HeaderName,
        v: Value<'_>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        if let Value::Policy(p) = v {
            return self.s.policy_field(py, n, p);
        }
        let value = c
            .request_value(v)
            .unwrap_or_else(|| PyBytes::new(py, v.as_bytes()).into_any());
        PyTuple::new(py, [self.s.name(py, n).clone().into_any(), value])
    }

    /// What `http()`/`websocket()` return for a final decision (`Pending`
    /// is returned as `(PENDING, origin)`).
    pub(crate) fn respond<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        decision: Decision<'_>,
        send: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match decision {
            Decision::Actual(a) => self.actual(py, c, &a, send),
            Decision::Preflight(p) => self.preflight(py, c, &p),
            Decision::Reject(r) => self.reject(py, c, &r),
            Decision::Pending(p) => Ok((PENDING, p.origin()).into_pyobject(py)?.into_any()),
        }
    }

    fn actual<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        a: &Actual<'_>,
        send: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if a.cors && !a.allowed {
            self.log_rejection(py, "actual", c, a.reasons);
        }
        if a.headers.is_empty() && a.vary.is_none() && !self.always_wrap {
            return Ok(send);
        }
        let fields = a
            .headers
            .iter()
            .map(|(n, v)| Ok((name_index(n), self.field(py, c, n, v)?.unbind())))
            .collect::<PyResult<Vec<_>>>()?;
        let w = SendWrapper::new(send.unbind(), self.s.clone(), fields, a.vary, a.vary_mode);
        Ok(Bound::new(py, w)?.into_any())
    }

    fn preflight<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        p: &Preflight<'_>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !p.allowed {
            self.log_rejection(py, "preflight", c, p.reasons);
        }
        let list = PyList::empty(py);
        for (n, v) in p.headers.iter() {
            list.append(self.field(py, c, n, v)?)?;
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

    fn reject<'py>(
        &self,
        py: Python<'py>,
        c: &Collected<'py>,
        r: &Reject,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.log_rejection(py, "reject", c, r.reasons);
        let list = PyList::empty(py);
        if let Some(v) = r.vary {
            list.append((self.s.vary.bind(py), PyBytes::new(py, v.as_bytes())))?;
        }
        let body = PyBytes::new(py, b"");
        Ok((RESPOND, r.status, list, body)
            .into_pyobject(py)?
            .into_any())
    }
}
