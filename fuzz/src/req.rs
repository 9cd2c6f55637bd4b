//! A request as header fields in order, owning its bytes.

use fastcors_core::RequestView;

/// A request as header fields in order, owning its bytes.
#[derive(Debug, Default, Clone)]
pub struct Req {
    pub method: Vec<u8>,
    /// `(name, value)` in request order.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// Mark the view as a WebSocket handshake without an `Upgrade` field.
    pub websocket: bool,
}

impl Req {
    pub fn view(&self) -> RequestView<'_> {
        RequestView::from_pairs(
            &self.method,
            self.fields.iter().map(|(n, v)| (&n[..], &v[..])),
        )
        .with_websocket(self.websocket || self.has_upgrade_websocket())
    }

    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| &v[..])
    }

    pub fn origins(&self) -> Vec<&[u8]> {
        self.named("origin").collect()
    }

    pub fn acrm(&self) -> Option<&[u8]> {
        self.named("access-control-request-method").next()
    }

    pub fn acrh(&self) -> Vec<&[u8]> {
        self.named("access-control-request-headers").collect()
    }

    pub fn acrpn(&self) -> Option<&[u8]> {
        self.named("access-control-request-private-network").next()
    }

    fn has_upgrade_websocket(&self) -> bool {
        self.named("upgrade")
            .any(|v| v.eq_ignore_ascii_case(b"websocket"))
    }

    pub fn is_websocket(&self) -> bool {
        self.websocket || self.has_upgrade_websocket()
    }

    pub fn is_preflight(&self) -> bool {
        self.method == b"OPTIONS" && !self.origins().is_empty() && self.acrm().is_some()
    }

    /// Every value is free of control characters other than HTAB (what an
    /// HTTP parser would ever hand over).
    pub fn values_are_clean(&self) -> bool {
        self.fields
            .iter()
            .all(|(_, v)| v.iter().all(|&b| !is_ctl(b)))
    }
}

pub(crate) fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

pub(crate) fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (a, b) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    a >= b && a + inner.len() <= b + outer.len()
}

pub(crate) fn same_slice(a: &[u8], b: &[u8]) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}
