//! Python objects made once per engine, when it is built, and shared with
//! its send wrappers: header names, ASGI keys, and every policy value of the
//! compiled configuration as `bytes` (indexed by [`PolicyValue::id`]) with
//! its `(name, value)` tuples.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyTuple};

use fastcors_core::{Cors, HeaderName, PolicyValue};

/// Every response header name the core writes, in [`name_index`] order.
pub(crate) const ALL_NAMES: [HeaderName; 8] = [
    HeaderName::AllowOrigin,
    HeaderName::AllowCredentials,
    HeaderName::AllowMethods,
    HeaderName::AllowHeaders,
    HeaderName::MaxAge,
    HeaderName::ExposeHeaders,
    HeaderName::AllowPrivateNetwork,
    HeaderName::Vary,
];

/// The position of `n` in [`ALL_NAMES`].
pub(crate) fn name_index(n: HeaderName) -> usize {
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

/// One policy value in Python form.
struct PolicyObjects {
    /// `(name, value)` for each name of [`ALL_NAMES`]: tuples and bytes are
    /// immutable, and a header list only needs equal items, not new ones.
    fields: Vec<Py<PyTuple>>,
}

pub(crate) struct Shared {
    pub(crate) names: Vec<Py<PyBytes>>,
    pub(crate) vary: Py<PyBytes>,
    pub(crate) content_length: Py<PyBytes>,
    pub(crate) content_type: Py<PyBytes>,
    pub(crate) k_type: Py<PyString>,
    pub(crate) k_headers: Py<PyString>,
    pub(crate) v_start: Py<PyString>,
    policy: Vec<PolicyObjects>,
}

impl Shared {
    pub(crate) fn new(py: Python<'_>, cors: &Cors) -> PyResult<Self> {
        let names: Vec<Py<PyBytes>> = ALL_NAMES
            .iter()
            .map(|n| PyBytes::new(py, n.as_str().as_bytes()).unbind())
            .collect();
        let policy = cors
            .policy_values()
            .iter()
            .map(|v| policy_objects(py, &names, v))
            .collect::<PyResult<_>>()?;
        Ok(Shared {
            names,
            vary: PyBytes::new(py, b"vary").unbind(),
            content_length: PyBytes::new(py, b"content-length").unbind(),
            content_type: PyBytes::new(py, b"content-type").unbind(),
            k_type: PyString::intern(py, "type").unbind(),
            k_headers: PyString::intern(py, "headers").unbind(),
            v_start: PyString::intern(py, "http.response.start").unbind(),
            policy,
        })
    }

    pub(crate) fn name<'py>(&self, py: Python<'py>, n: HeaderName) -> &Bound<'py, PyBytes> {
        self.names[name_index(n)].bind(py)
    }

    /// The shared `(name, value)` tuple of a policy value.
    pub(crate) fn policy_field<'py>(
        &self,
        py: Python<'py>,
        n: HeaderName,
        v: &PolicyValue,
    ) -> PyResult<Bound<'py, PyTuple>> {
        match self.policy.get(v.id() as usize) {
            Some(p) => Ok(p.fields[name_index(n)].bind(py).clone()),
            None => PyTuple::new(
                py,
                [
                    self.name(py, n).clone().into_any(),
                    PyBytes::new(py, v.as_bytes()).into_any(),
                ],
            ),
        }
    }
}

fn policy_objects(
    py: Python<'_>,
    names: &[Py<PyBytes>],
    v: &PolicyValue,
) -> PyResult<PolicyObjects> {
    let value = PyBytes::new(py, v.as_bytes());
    let fields = names
        .iter()
        .map(|n| {
            PyTuple::new(
                py,
                [n.bind(py).clone().into_any(), value.clone().into_any()],
            )
            .map(Bound::unbind)
        })
        .collect::<PyResult<_>>()?;
    Ok(PolicyObjects { fields })
}
