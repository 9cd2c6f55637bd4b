//! The response future of [`CorsService`](crate::CorsService).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use fastcors_core::http::{ActualHeaders, OriginCheckFuture};
use fastcors_core::Cors;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_service::Service;

use crate::body::CorsBody;

pin_project! {
    /// The future returned by [`CorsService`](crate::CorsService).
    pub struct ResponseFuture<S, ReqBody, ResBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody, ResBody>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody, ResBody>
    where
        S: Service<Request<ReqBody>>,
    {
        // The application was called; its response gets `headers`.
        Inner { #[pin] fut: S::Future, headers: Option<ActualHeaders> },
        // The adapter answered itself (preflight or refusal).
        Answered { res: Option<Response<CorsBody<ResBody>>> },
        // Waiting for a dynamic origin predicate before deciding.
        Checking { check: OriginCheckFuture, cors: Cors, svc: Option<S>, req: Option<Request<ReqBody>> },
    }
}

impl<S, ReqBody, ResBody> ResponseFuture<S, ReqBody, ResBody>
where
    S: Service<Request<ReqBody>>,
{
    pub(crate) fn inner(fut: S::Future, headers: Option<ActualHeaders>) -> Self {
        ResponseFuture {
            state: State::Inner { fut, headers },
        }
    }

    pub(crate) fn answered(res: Response<CorsBody<ResBody>>) -> Self {
        ResponseFuture {
            state: State::Answered { res: Some(res) },
        }
    }

    pub(crate) fn checking(
        check: OriginCheckFuture,
        cors: Cors,
        svc: S,
        req: Request<ReqBody>,
    ) -> Self {
        ResponseFuture {
            state: State::Checking {
                check,
                cors,
                svc: Some(svc),
                req: Some(req),
            },
        }
    }
}

impl<S, ReqBody, ResBody> Future for ResponseFuture<S, ReqBody, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
{
    type Output = Result<Response<CorsBody<ResBody>>, S::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let next = match self.as_mut().project().state.project() {
                StateProj::Inner { fut, headers } => {
                    let res = ready!(fut.poll(cx))?;
                    let (mut parts, body) = res.into_parts();
                    if let Some(h) = headers.take() {
                        h.apply(&mut parts.headers);
                    }
                    return Poll::Ready(Ok(Response::from_parts(parts, CorsBody::new(body))));
                }
                StateProj::Answered { res } => {
                    return Poll::Ready(Ok(res.take().unwrap_or_default()));
                }
                StateProj::Checking {
                    check,
                    cors,
                    svc,
                    req,
                } => {
                    let answer = ready!(check.as_mut().poll(cx));
                    match (svc.take(), req.take()) {
                        (Some(svc), Some(req)) => crate::resolved(cors, svc, req, answer),
                        // Polled again after completion: nothing left to do.
                        _ => ResponseFuture::answered(Response::default()),
                    }
                }
            };
            self.set(next);
        }
    }
}

impl<S, ReqBody, ResBody> fmt::Debug for ResponseFuture<S, ReqBody, ResBody>
where
    S: Service<Request<ReqBody>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
