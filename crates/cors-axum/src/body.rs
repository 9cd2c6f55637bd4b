//! The response body: the application's own, or the adapter's fixed body for
//! answers it gives itself (preflights and refusals).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

pin_project! {
    /// Either the inner service's body or a fixed body written by the adapter.
    ///
    /// It implements [`http_body::Body`] whenever the inner body does (with
    /// `Data = Bytes`), so axum, hyper and tonic accept it as is.
    pub struct CorsBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Fixed { data: Option<Bytes> },
    }
}

impl<B> CorsBody<B> {
    /// Wraps the application's body.
    pub fn new(body: B) -> Self {
        CorsBody {
            kind: Kind::Inner { body },
        }
    }

    /// A body the adapter writes itself; empty when `text` is empty.
    pub fn fixed(text: &'static str) -> Self {
        let data = (!text.is_empty()).then(|| Bytes::from_static(text.as_bytes()));
        CorsBody {
            kind: Kind::Fixed { data },
        }
    }

    /// The application's body, if this is one.
    pub fn into_inner(self) -> Option<B> {
        match self.kind {
            Kind::Inner { body } => Some(body),
            Kind::Fixed { .. } => None,
        }
    }
}

impl<B> Default for CorsBody<B> {
    fn default() -> Self {
        CorsBody::fixed("")
    }
}

impl<B: std::fmt::Debug> std::fmt::Debug for CorsBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Inner { body } => f.debug_tuple("CorsBody::Inner").field(body).finish(),
            Kind::Fixed { data } => f.debug_tuple("CorsBody::Fixed").field(data).finish(),
        }
    }
}

impl<B> Body for CorsBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx),
            KindProj::Fixed { data } => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Fixed { data } => data.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Fixed { data } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
        }
    }
}
