//! Writing a decision onto an ASGI response header list.
//!
//! The semantics are Starlette's `MutableHeaders` so that the bytes on the
//! wire are identical: names are compared byte for byte with the lowercase
//! name (an application that sends `b"Vary"` is not matched, exactly as in
//! Starlette); "set" replaces the first matching field in place with a
//! `(name, value)` tuple, drops the other matching fields and appends when
//! there is none; the list itself is always a new list, so an application
//! that reuses its header list between responses never sees it change.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use fastcors_core::{merge_vary, VaryMode, VaryUpdate};

/// A response header list being rewritten.
pub(crate) struct Items<'py> {
    items: Vec<Bound<'py, PyAny>>,
    /// The field name of each item when it is `bytes` (other items never match).
    names: Vec<Option<Bound<'py, PyBytes>>>,
}

fn item_name<'py>(item: &Bound<'py, PyAny>) -> Option<Bound<'py, PyBytes>> {
    if let Ok(t) = item.cast::<PyTuple>() {
        if t.len() == 2 {
            return t.get_item(0).ok()?.cast_into::<PyBytes>().ok();
        }
        return None;
    }
    item.get_item(0).ok()?.cast_into::<PyBytes>().ok()
}

impl<'py> Items<'py> {
    /// Copies the items of any iterable of header pairs (Starlette does
    /// `list(message["headers"])`).
    pub(crate) fn from_headers(headers: &Bound<'py, PyAny>) -> PyResult<Self> {
        let mut items = Vec::new();
        let mut names = Vec::new();
        if let Ok(list) = headers.cast::<PyList>() {
            items.reserve(list.len() + 4);
            names.reserve(list.len() + 4);
            for item in list.iter() {
                names.push(item_name(&item));
                items.push(item);
            }
        } else {
            for item in headers.try_iter()? {
                let item = item?;
                names.push(item_name(&item));
                items.push(item);
            }
        }
        Ok(Items { items, names })
    }

    fn matches(&self, i: usize, name: &[u8]) -> bool {
        self.names[i].as_ref().is_some_and(|n| n.as_bytes() == name)
    }

    /// Starlette's `MutableHeaders.__setitem__`.
    pub(crate) fn set(
        &mut self,
        name: &Bound<'py, PyBytes>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<()> {
        let key = name.as_bytes();
        let mut first = None;
        let mut extra = false;
        for i in 0..self.items.len() {
            if self.matches(i, key) {
                if first.is_none() {
                    first = Some(i);
                } else {
                    extra = true;
                }
            }
        }
        let py = name.py();
        let pair = PyTuple::new(py, [name.clone().into_any(), value])?.into_any();
        match first {
            Some(i) => {
                if extra {
                    let mut j = self.items.len();
                    while j > i + 1 {
                        j -= 1;
                        if self.matches(j, key) {
                            self.items.remove(j);
                            self.names.remove(j);
                        }
                    }
                }
                self.items[i] = pair;
                self.names[i] = Some(name.clone());
            }
            None => {
                self.items.push(pair);
                self.names.push(Some(name.clone()));
            }
        }
        Ok(())
    }

    /// Appends one field.
    pub(crate) fn append(
        &mut self,
        name: &Bound<'py, PyBytes>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<()> {
        let py = name.py();
        let pair = PyTuple::new(py, [name.clone().into_any(), value])?.into_any();
        self.items.push(pair);
        self.names.push(Some(name.clone()));
        Ok(())
    }

    /// Applies a decision's `Vary` token. `Append` is Starlette's
    /// `headers["Vary"] = ", ".join([*headers.getlist("Vary"), token])`,
    /// computed on bytes (Starlette's latin-1 round trip is the identity);
    /// `Merge` is fastcors-core's [`merge_vary`].
    pub(crate) fn apply_vary(
        &mut self,
        vary_name: &Bound<'py, PyBytes>,
        token: &'static str,
        mode: VaryMode,
    ) -> PyResult<()> {
        let py = vary_name.py();
        let key = vary_name.as_bytes();
        let existing: Vec<Bound<'py, PyAny>> = (0..self.items.len())
            .filter(|&i| self.matches(i, key))
            .filter_map(|i| self.items[i].get_item(1).ok())
            .collect();
        match mode {
            VaryMode::Append => {
                let mut out: Vec<u8> = Vec::with_capacity(32);
                for v in &existing {
                    match v.cast::<PyBytes>() {
                        Ok(b) => out.extend_from_slice(b.as_bytes()),
                        Err(_) => {
                            // Starlette would fail on a non-bytes value; keep
                            // going with its text form rather than failing.
                            out.extend_from_slice(v.str()?.to_cow()?.as_bytes())
                        }
                    }
                    out.extend_from_slice(b", ");
                }
                out.extend_from_slice(token.as_bytes());
                self.set(vary_name, PyBytes::new(py, &out).into_any())
            }
            VaryMode::Merge => {
                let bytes: Vec<Bound<'py, PyBytes>> = existing
                    .into_iter()
                    .filter_map(|v| v.cast_into::<PyBytes>().ok())
                    .collect();
                match merge_vary(bytes.iter().map(|b| b.as_bytes()), token, mode) {
                    VaryUpdate::Keep => Ok(()),
                    VaryUpdate::Append(t) => {
                        self.append(vary_name, PyBytes::new(py, t.as_bytes()).into_any())
                    }
                    VaryUpdate::Set(s) => self.set(vary_name, PyBytes::new(py, &s).into_any()),
                }
            }
        }
    }

    /// The final list.
    pub(crate) fn into_list(self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.items)
    }
}
