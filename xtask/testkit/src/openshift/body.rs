//! What the server answers: a whole JSON document, a watch stream, or a dropped connection.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::Response;
use hyper::body::{Body, Frame};
use serde_json::Value;
use tokio::sync::mpsc;

/// The answer body: a whole JSON document, or a watch stream.
pub(crate) enum FakeBody {
    /// The whole document, taken when sent.
    Full(Option<Bytes>),
    /// Watch events as they come, until the watch times out.
    Watch {
        /// The events, one JSON line each.
        rx: mpsc::UnboundedReceiver<Bytes>,
        /// When the server ends the watch (`timeoutSeconds`).
        until: Pin<Box<tokio::time::Sleep>>,
    },
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match &mut *self {
            FakeBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            FakeBody::Watch { rx, until } => {
                if until.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
                match rx.poll_recv(cx) {
                    Poll::Ready(Some(bytes)) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                    Poll::Ready(None) => Poll::Ready(None),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

/// Why the connection is closed without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault injected: connection dropped")
    }
}

impl std::error::Error for Dropped {}

/// A response of the fake.
pub(crate) type Answer = Response<FakeBody>;

/// `code` with `value` as an `application/json` body.
pub(crate) fn json_response(code: u16, value: &Value) -> Answer {
    let body = serde_json::to_vec(value).expect("a JSON value serializes");
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(FakeBody::Full(Some(Bytes::from(body))))
        .expect("a response with a valid status and header builds")
}
