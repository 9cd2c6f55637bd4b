//! warp's own answer to a rejection, rebuilt from its public rejection
//! types, so that requests the wrapped filter rejects (404, 405, 400, ...)
//! are answered inside the wrapper and get their CORS headers.
//!
//! warp keeps its conversion private; this mirrors it: the same statuses,
//! the same plain-text bodies, and the same preference when several
//! rejections combine (404 lowest, then 405, then the higher status).

use http::header::{HeaderValue, CONTENT_TYPE};
use http::StatusCode;
use warp::reject::{
    InvalidHeader, InvalidQuery, LengthRequired, MethodNotAllowed, MissingCookie, MissingHeader,
    PayloadTooLarge, UnsupportedMediaType,
};
use warp::reply::Response;
use warp::Rejection;

fn rank(status: StatusCode) -> u16 {
    match status {
        StatusCode::NOT_FOUND => 0,
        StatusCode::METHOD_NOT_ALLOWED => 1,
        s => s.as_u16(),
    }
}

/// The response warp would give for `rejection` had it reached the server.
pub(crate) fn response(rejection: &Rejection) -> Response {
    if rejection.is_not_found() {
        let mut res = Response::default();
        *res.status_mut() = StatusCode::NOT_FOUND;
        return res;
    }
    fn found<T: std::fmt::Display + 'static>(
        rejection: &Rejection,
        status: StatusCode,
        out: &mut Vec<(StatusCode, String)>,
    ) {
        if let Some(e) = rejection.find::<T>() {
            out.push((status, e.to_string()));
        }
    }
    let mut known = Vec::new();
    found::<MethodNotAllowed>(rejection, StatusCode::METHOD_NOT_ALLOWED, &mut known);
    found::<InvalidHeader>(rejection, StatusCode::BAD_REQUEST, &mut known);
    found::<MissingHeader>(rejection, StatusCode::BAD_REQUEST, &mut known);
    found::<MissingCookie>(rejection, StatusCode::BAD_REQUEST, &mut known);
    found::<InvalidQuery>(rejection, StatusCode::BAD_REQUEST, &mut known);
    found::<warp::body::BodyDeserializeError>(rejection, StatusCode::BAD_REQUEST, &mut known);
    found::<warp::ws::MissingConnectionUpgrade>(rejection, StatusCode::BAD_REQUEST, &mut known);
    found::<LengthRequired>(rejection, StatusCode::LENGTH_REQUIRED, &mut known);
    found::<PayloadTooLarge>(rejection, StatusCode::PAYLOAD_TOO_LARGE, &mut known);
    found::<UnsupportedMediaType>(rejection, StatusCode::UNSUPPORTED_MEDIA_TYPE, &mut known);
    found::<warp::cors::CorsForbidden>(rejection, StatusCode::FORBIDDEN, &mut known);
    found::<warp::ext::MissingExtension>(rejection, StatusCode::INTERNAL_SERVER_ERROR, &mut known);
    let (status, body) = known
        .into_iter()
        .reduce(|best, next| {
            if rank(next.0) > rank(best.0) {
                next
            } else {
                best
            }
        })
        // Only the application's own rejection types are left.
        .unwrap_or_else(|| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("Unhandled rejection: {rejection:?}"),
            )
        });
    let mut res = Response::new(body.into());
    *res.status_mut() = status;
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}
