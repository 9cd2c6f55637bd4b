//! Response plans: the header fields of one kind of response, in order,
//! laid out when the engine is built.
//!
//! Each value is either a policy value (built once) or a placeholder for a
//! request fact (the reflected origin, a mirrored field). Everything that
//! differs between the presets — which headers a refused origin still gets,
//! where the reflected origin goes, whether `*` or the origin is sent — is
//! decided when the plan is built; a [`Headers`](crate::Headers) is a plan
//! with the request's facts, resolved as it is iterated.

use crate::decision::MAX_DECISION_HEADERS;
use crate::value::HeaderName;

/// The index of a [`PolicyValue`] in the engine's table.
pub(crate) type ValueId = u16;

/// Where one planned header value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    /// A policy value.
    Policy(ValueId),
    /// The request's origin; left out when the origin is not allowed.
    Origin,
    /// The requested method, mirrored.
    RequestMethod,
    /// Every non-empty `Access-Control-Request-Headers` field, mirrored.
    RequestHeaders,
    /// The first `Access-Control-Request-Headers` field as sent, if any.
    FirstRequestHeaders,
    /// A policy value sent only when private network access was asked for
    /// and is allowed.
    IfPrivateNetwork(ValueId),
}

/// The header fields of one kind of response, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    items: [(HeaderName, Src); MAX_DECISION_HEADERS],
    len: u8,
}

impl Plan {
    /// No fields.
    pub(crate) const EMPTY: Plan = Plan {
        items: [(HeaderName::Vary, Src::Origin); MAX_DECISION_HEADERS],
        len: 0,
    };
}

impl Default for Plan {
    fn default() -> Self {
        Plan::EMPTY
    }
}

/// The request facts a plan's placeholders are filled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fill<'a> {
    /// The origin to reflect, when it is allowed.
    pub origin: Option<&'a [u8]>,
    pub request_method: &'a [u8],
    pub request_headers: &'a [&'a [u8]],
    pub private_network: bool,
}

impl Fill<'_> {
    /// No request facts.
    pub(crate) const NONE: Fill<'static> = Fill {
        origin: None,
        request_method: b"",
        request_headers: &[],
        private_network: false,
    };
}

impl Plan {
    /// Appends a field. Compilation builds at most one entry per header
    /// name, which is within the capacity.
    pub(crate) fn push(&mut self, name: HeaderName, src: Src) {
        if let Some(slot) = self.items.get_mut(self.len as usize) {
            *slot = (name, src);
            self.len += 1;
        }
    }

    pub(crate) fn entries(&self) -> &[(HeaderName, Src)] {
        &self.items[..self.len as usize]
    }
}
