//! The native `send` wrapper handed to the application for an actual
//! request: it rewrites `http.response.start` as Starlette's
//! `MutableHeaders` would and passes every other message through.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};

use fastcors_core::VaryMode;

use crate::guard;
use crate::shared::Shared;
use crate::writer::Items;

/// The `send` callable given to the application for an actual request.
///
/// It returns the wrapped `send`'s awaitable, so `await wrapper(message)`
/// works like `await send(message)` without an extra Python frame.
#[pyclass(frozen, module = "fastcors._native")]
pub struct SendWrapper {
    send: Py<PyAny>,
    s: Arc<Shared>,
    /// `(name index, (name, value))`, in the order they are set.
    fields: Vec<(usize, Py<PyTuple>)>,
    vary: Option<&'static str>,
    vary_mode: VaryMode,
    started: AtomicBool,
}

impl SendWrapper {
    pub(crate) fn new(
        send: Py<PyAny>,
        s: Arc<Shared>,
        fields: Vec<(usize, Py<PyTuple>)>,
        vary: Option<&'static str>,
        vary_mode: VaryMode,
    ) -> Self {
        SendWrapper {
            send,
            s,
            fields,
            vary,
            vary_mode,
            started: AtomicBool::new(false),
        }
    }

    /// Whether the application's field name `n` is one this wrapper sets.
    fn touches(&self, py: Python<'_>, n: &[u8]) -> bool {
        if self.vary.is_some() && n == b"vary" {
            return true;
        }
        self.fields
            .iter()
            .any(|(i, _)| self.s.names[*i].bind(py).as_bytes() == n)
    }

    /// Whether the fast path applies: no name is set twice, and the
    /// application's fields are `(bytes, value)` tuples, none of which this
    /// wrapper sets (so every "set" appends, as `MutableHeaders` does).
    fn can_append(&self, py: Python<'_>, list: Option<&Bound<'_, PyList>>) -> PyResult<bool> {
        let mut seen = 0u32;
        for (i, _) in &self.fields {
            if seen & (1 << i) != 0 {
                return Ok(false);
            }
            seen |= 1 << i;
        }
        for item in list.into_iter().flat_map(|l| l.iter()) {
            let Ok(t) = item.cast::<PyTuple>() else {
                return Ok(false);
            };
            if t.len() != 2 {
                continue;
            }
            let name = t.get_borrowed_item(0)?;
            if let Ok(name) = name.cast::<PyBytes>() {
                if self.touches(py, name.as_bytes()) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The common case, in one pass and one new list; `None` when the
    /// general path is needed.
    fn append_only<'py>(
        &self,
        py: Python<'py>,
        headers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        let list = match headers.map(|h| h.cast::<PyList>()) {
            Some(Ok(l)) => Some(l),
            Some(Err(_)) => return Ok(None),
            None => None,
        };
        if !self.can_append(py, list)? {
            return Ok(None);
        }
        let n = list.map_or(0, |l| l.len()) + self.fields.len() + 1;
        let mut items: Vec<Bound<'py, PyAny>> = Vec::with_capacity(n);
        if let Some(list) = list {
            items.extend(list.iter());
        }
        items.extend(
            self.fields
                .iter()
                .map(|(_, t)| t.bind(py).clone().into_any()),
        );
        if let Some(token) = self.vary {
            // No `Vary` field yet: the token is the new field.
            let value = PyBytes::new(py, token.as_bytes()).into_any();
            items.push(
                PyTuple::new(py, [self.s.vary.bind(py).clone().into_any(), value])?.into_any(),
            );
        }
        Ok(Some(PyList::new(py, items)?))
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
