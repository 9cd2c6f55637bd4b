//! The request view: the handful of request facts a CORS decision depends on.
//!
//! Adapters fill a [`RequestView`] from their framework's request without
//! copying: every field borrows the request's bytes. Header names are matched
//! here, once, so that no adapter has to know which headers matter.

/// How many `Access-Control-Request-Headers` fields are kept inline. Browsers
/// send one; more than this is treated as hostile and fails closed.
pub const MAX_REQUEST_HEADER_FIELDS: usize = 8;

/// The request facts CORS decides on, borrowed from the request.
///
/// ```
/// use cors_core::RequestView;
/// let headers: &[(&[u8], &[u8])] = &[
///     (b"origin", b"https://app.example.com"),
///     (b"access-control-request-method", b"PUT"),
///     (b"access-control-request-headers", b"content-type, x-token"),
/// ];
/// let view = RequestView::from_pairs(b"OPTIONS", headers.iter().copied());
/// assert_eq!(view.origin(), Some(&b"https://app.example.com"[..]));
/// assert!(view.is_preflight());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    method: &'a [u8],
    origin: Option<&'a [u8]>,
    origin_fields: u32,
    request_method: Option<&'a [u8]>,
    request_headers: [&'a [u8]; MAX_REQUEST_HEADER_FIELDS],
    request_header_fields: u32,
    request_private_network: Option<&'a [u8]>,
    websocket: bool,
}

impl<'a> RequestView<'a> {
    /// A request with the given method and no CORS-relevant headers yet.
    pub fn new(method: &'a [u8]) -> Self {
        RequestView {
            method,
            origin: None,
            origin_fields: 0,
            request_method: None,
            request_headers: [&[]; MAX_REQUEST_HEADER_FIELDS],
            request_header_fields: 0,
            request_private_network: None,
            websocket: false,
        }
    }

    /// Builds the view from `(name, value)` pairs in request order. Names are
    /// compared ASCII case-insensitively; unrelated headers are skipped.
    pub fn from_pairs<I>(method: &'a [u8], headers: I) -> Self
    where
        I: IntoIterator<Item = (&'a [u8], &'a [u8])>,
    {
        let mut view = RequestView::new(method);
        for (name, value) in headers {
            view.add_header(name, value);
        }
        view
    }

    /// Records one request header field if it matters to CORS.
    pub fn add_header(&mut self, name: &[u8], value: &'a [u8]) {
        // Every relevant name is "origin" or starts with "access-control-request-";
        // checking the length first keeps the common unrelated header cheap.
        match name.len() {
            6 if name.eq_ignore_ascii_case(b"origin") => self.add_origin(value),
            29 if name.eq_ignore_ascii_case(b"access-control-request-method") => {
                self.request_method.get_or_insert(value);
            }
            30 if name.eq_ignore_ascii_case(b"access-control-request-headers") => {
                self.add_request_headers(value)
            }
            38 if name.eq_ignore_ascii_case(b"access-control-request-private-network") => {
                self.request_private_network.get_or_insert(value);
            }
            7 if name.eq_ignore_ascii_case(b"upgrade") => {
                // `Upgrade: websocket` marks a WebSocket handshake (RFC 6455).
                self.websocket |= value.eq_ignore_ascii_case(b"websocket");
            }
            _ => {}
        }
    }

    /// Marks the request as a WebSocket handshake (for hosts where it is not
    /// a header, such as an ASGI `websocket` scope).
    pub fn with_websocket(mut self, yes: bool) -> Self {
        self.websocket = yes;
        self
    }

    /// Whether the request is a WebSocket handshake.
    pub fn is_websocket(&self) -> bool {
        self.websocket
    }

    /// Adds one `Origin` field. A second field makes the origin ambiguous.
    pub fn add_origin(&mut self, value: &'a [u8]) {
        if self.origin.is_none() {
            self.origin = Some(value);
        }
        self.origin_fields = self.origin_fields.saturating_add(1);
    }

    /// Sets `Access-Control-Request-Method`.
    pub fn with_request_method(mut self, value: &'a [u8]) -> Self {
        self.request_method = Some(value);
        self
    }

    /// Builder form of [`add_origin`](Self::add_origin).
    pub fn with_origin(mut self, value: &'a [u8]) -> Self {
        self.add_origin(value);
        self
    }

    /// Builder form of [`add_request_headers`](Self::add_request_headers).
    pub fn with_request_headers(mut self, value: &'a [u8]) -> Self {
        self.add_request_headers(value);
        self
    }

    /// Sets `Access-Control-Request-Private-Network`.
    pub fn with_request_private_network(mut self, value: &'a [u8]) -> Self {
        self.request_private_network = Some(value);
        self
    }

    /// Adds one `Access-Control-Request-Headers` field.
    pub fn add_request_headers(&mut self, value: &'a [u8]) {
        let n = self.request_header_fields as usize;
        if n < MAX_REQUEST_HEADER_FIELDS {
            self.request_headers[n] = value;
        }
        self.request_header_fields = self.request_header_fields.saturating_add(1);
    }

    /// The request method, as sent.
    pub fn method(&self) -> &'a [u8] {
        self.method
    }

    /// The first `Origin` field.
    pub fn origin(&self) -> Option<&'a [u8]> {
        self.origin
    }

    /// How many `Origin` fields the request had.
    pub fn origin_fields(&self) -> u32 {
        self.origin_fields
    }

    /// The first `Access-Control-Request-Method` field.
    pub fn request_method(&self) -> Option<&'a [u8]> {
        self.request_method
    }

    /// The `Access-Control-Request-Headers` fields kept (at most
    /// [`MAX_REQUEST_HEADER_FIELDS`]).
    pub fn request_headers(&self) -> &[&'a [u8]] {
        let n = (self.request_header_fields as usize).min(MAX_REQUEST_HEADER_FIELDS);
        &self.request_headers[..n]
    }

    /// How many `Access-Control-Request-Headers` fields the request had.
    pub fn request_header_fields(&self) -> u32 {
        self.request_header_fields
    }

    /// The `Access-Control-Request-Private-Network` field.
    pub fn request_private_network(&self) -> Option<&'a [u8]> {
        self.request_private_network
    }

    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`: the
    /// definition of a preflight shared by both presets.
    pub fn is_preflight(&self) -> bool {
        self.method == b"OPTIONS" && self.origin.is_some() && self.request_method.is_some()
    }
}
