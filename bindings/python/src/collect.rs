//! Reading the CORS-relevant request fields from an ASGI scope, without
//! copying: every field is the request's own `bytes` object, so a value the
//! engine reflects ([`Value::Origin`], [`Value::RequestMethod`],
//! [`Value::RequestHeaders`]) is written back as that same object.

use pyo3::exceptions::PyKeyError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use fastcors_core::request::MAX_REQUEST_HEADER_FIELDS;
use fastcors_core::{RequestView, Value};

/// The CORS-relevant request header fields, borrowed from the ASGI scope.
pub(crate) struct Collected<'py> {
    origin: Option<Bound<'py, PyBytes>>,
    origin_fields: u32,
    method: Option<Bound<'py, PyBytes>>,
    /// Every `Access-Control-Request-Headers` field, up to the core's limit.
    request_headers: Vec<Bound<'py, PyBytes>>,
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
    pub(crate) fn empty() -> Self {
        Collected {
            origin: None,
            origin_fields: 0,
            method: None,
            request_headers: Vec::new(),
            request_header_fields: 0,
            private_network: None,
        }
    }

    /// Reads `scope["headers"]`. For `http` scopes (`normalize`), a header
    /// sequence that is not a list is replaced by a list in the scope, as
    /// Starlette's `Headers(scope=scope)` does. With `exact`, names must be
    /// lowercase, as Starlette's `Headers` requires.
    pub(crate) fn from_scope(
        scope: &Bound<'py, PyDict>,
        exact: bool,
        normalize: bool,
    ) -> PyResult<Self> {
        let py = scope.py();
        match scope.get_item(intern!(py, "headers"))? {
            Some(h) if !normalize || h.is_exact_instance_of::<PyList>() => {
                Collected::from_headers(&h, exact)
            }
            Some(h) => {
                let list = PyList::new(py, h.try_iter()?.collect::<PyResult<Vec<_>>>()?)?;
                scope.set_item(intern!(py, "headers"), &list)?;
                Collected::from_headers(list.as_any(), exact)
            }
            None => Ok(Collected::empty()),
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
                if self.request_headers.len() < MAX_REQUEST_HEADER_FIELDS {
                    self.request_headers.push(value);
                }
                self.request_header_fields = self.request_header_fields.saturating_add(1);
            }
            38 if name_is(name, b"access-control-request-private-network", exact) => {
                self.private_network.get_or_insert(value);
            }
            _ => {}
        }
    }

    /// One item of the header list: normally a `(bytes, bytes)` tuple;
    /// anything else that is not a pair of bytes is skipped.
    fn item(&mut self, item: Bound<'py, PyAny>, exact: bool) {
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
                    self.field(n, v, exact);
                }
            }
        } else if let (Ok(name), Ok(v)) = (item.get_item(0), item.get_item(1)) {
            if let Ok(name) = name.cast::<PyBytes>() {
                self.field(name.as_bytes(), v, exact);
            }
        }
    }

    /// Reads an ASGI header list (or any iterable of pairs).
    pub(crate) fn from_headers(headers: &Bound<'py, PyAny>, exact: bool) -> PyResult<Self> {
        let mut c = Collected::empty();
        if let Ok(list) = headers.cast::<PyList>() {
            for item in list.iter() {
                c.item(item, exact);
            }
        } else if let Ok(tuple) = headers.cast::<PyTuple>() {
            for item in tuple.iter() {
                c.item(item, exact);
            }
        } else {
            for item in headers.try_iter()? {
                c.item(item?, exact);
            }
        }
        Ok(c)
    }

    /// The core's view of the request.
    pub(crate) fn view<'a>(&'a self, method: &'a [u8]) -> RequestView<'a> {
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
        for h in &self.request_headers {
            view.add_request_headers(h.as_bytes());
        }
        // Fields past the limit only count (the core refuses the preflight).
        for _ in self.request_headers.len()..self.request_header_fields as usize {
            view.add_request_headers(b"");
        }
        if let Some(p) = &self.private_network {
            view = view.with_request_private_network(p.as_bytes());
        }
        view
    }

    /// The request's own `bytes` object for a value taken from the request;
    /// `None` for a policy value (or, never, a field that is not there).
    pub(crate) fn request_value(&self, value: Value<'_>) -> Option<Bound<'py, PyAny>> {
        let b = match value {
            Value::Policy(_) => None,
            Value::Origin(_) => self.origin.as_ref(),
            Value::RequestMethod(_) => self.method.as_ref(),
            Value::RequestHeaders { index, .. } => self.request_headers.get(index as usize),
        };
        b.map(|b| b.clone().into_any())
    }

    pub(crate) fn origin_text(&self) -> String {
        self.origin
            .as_ref()
            .map(|o| String::from_utf8_lossy(o.as_bytes()).into_owned())
            .unwrap_or_default()
    }
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

/// `scope["method"]`, as bytes, kept alive by the returned object.
pub(crate) struct Method<'py> {
    obj: Bound<'py, PyAny>,
    buf: Vec<u8>,
}

impl<'py> Method<'py> {
    pub(crate) fn from_scope(scope: &Bound<'py, PyDict>) -> PyResult<Self> {
        let obj = scope
            .get_item(intern!(scope.py(), "method"))?
            .ok_or_else(|| PyKeyError::new_err("method"))?;
        Ok(Method {
            obj,
            buf: Vec::new(),
        })
    }

    pub(crate) fn bytes(&mut self) -> PyResult<&[u8]> {
        method_bytes(&self.obj, &mut self.buf)
    }
}
