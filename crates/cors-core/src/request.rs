//! The request view: the handful of request facts a CORS decision depends on.
//!
//! Adapters fill a [`RequestView`] from their framework's request without
//! copying: every field borrows the request's bytes. Header names are matched
//! here, once, so that no adapter has to know which headers matter.

/// How many `Access-Control-Request-Headers` fields a view keeps without
/// allocating. Browsers send one; a gateway may split the names into one
/// field each, and those are kept too (on the heap), up to
/// [`MAX_REQUEST_HEADER_FIELDS`].
pub const INLINE_REQUEST_HEADER_FIELDS: usize = 1;

/// Most `Access-Control-Request-Headers` fields a view keeps. Each field
/// holds at least one name in any request worth answering, so this is the
/// same bound as [`MAX_REQUESTED_HEADER_NAMES`]; past it the preflight is
/// refused ([`Reason::TooManyRequestHeaders`](crate::Reason::TooManyRequestHeaders))
/// and nothing more is stored, so memory stays bounded whatever arrives.
pub const MAX_REQUEST_HEADER_FIELDS: usize = MAX_REQUESTED_HEADER_NAMES;

/// Most header names one preflight may request, over all its fields.
/// Browsers send one name per non-safelisted header a script set: a few,
/// rarely dozens. The bound keeps the check (names × allowed names) and a
/// mirrored answer small; how the names are split into fields does not
/// matter.
pub const MAX_REQUESTED_HEADER_NAMES: usize = 100;

/// Most bytes of header names (empty list items and whitespace excluded)
/// one preflight may request, over all its fields: 100 names of 80 bytes.
/// A megabyte of commas holds no name and costs one linear pass.
pub const MAX_REQUESTED_HEADER_BYTES: usize = 8 * 1024;

/// The request facts CORS decides on, borrowed from the request.
///
/// ```
/// use fastcors_core::RequestView;
/// let headers: &[(&[u8], &[u8])] = &[
///     (b"origin", b"https://app.example.com"),
///     (b"access-control-request-method", b"PUT"),
///     (b"access-control-request-headers", b"content-type, x-token"),
/// ];
/// let view = RequestView::from_pairs(b"OPTIONS", headers.iter().copied());
/// assert_eq!(view.origin(), Some(&b"https://app.example.com"[..]));
/// assert!(view.is_preflight());
/// ```
#[derive(Debug, Clone)]
pub struct RequestView<'a> {
    method: &'a [u8],
    origin: Option<&'a [u8]>,
    origin_fields: u32,
    request_method: Option<&'a [u8]>,
    /// The fields while there are at most [`INLINE_REQUEST_HEADER_FIELDS`].
    inline_request_headers: [&'a [u8]; INLINE_REQUEST_HEADER_FIELDS],
    /// All the fields once there are more (no allocation before).
    spilled_request_headers: Vec<&'a [u8]>,
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
            inline_request_headers: [&[]; INLINE_REQUEST_HEADER_FIELDS],
            spilled_request_headers: Vec::new(),
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
        if n < INLINE_REQUEST_HEADER_FIELDS {
            self.inline_request_headers[n] = value;
        } else if n < MAX_REQUEST_HEADER_FIELDS {
            if self.spilled_request_headers.is_empty() {
                self.spilled_request_headers
                    .extend_from_slice(&self.inline_request_headers);
            }
            self.spilled_request_headers.push(value);
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
        let n = self.request_header_fields as usize;
        if n <= INLINE_REQUEST_HEADER_FIELDS {
            &self.inline_request_headers[..n]
        } else {
            &self.spilled_request_headers
        }
    }

    /// More `Access-Control-Request-Headers` fields than a view keeps.
    pub fn request_headers_overflow(&self) -> bool {
        self.request_header_fields as usize > MAX_REQUEST_HEADER_FIELDS
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
