//! Watches: the clients listening to a kind of object, and the streaming answer they get.

use std::time::Duration;

use bytes::Bytes;
use hyper::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::openshift::body::{Answer, FakeBody};
use crate::openshift::request::ApiRequest;

/// What a `?watch=1` request asks for: one object (`fieldSelector=metadata.name=`) or all,
/// the changes since a `resourceVersion`, and how long to stream (`timeoutSeconds`, 300 by
/// default).
pub(crate) struct WatchRequest {
    /// The one object watched, when the request names one.
    pub(crate) name: Option<String>,
    since: Option<u64>,
    /// How long the stream stays open.
    pub(crate) timeout: Duration,
}

impl WatchRequest {
    /// Reads the watch parameters of `request`.
    pub(crate) fn of(request: &ApiRequest) -> Self {
        WatchRequest {
            name: request.field_selector_name(),
            since: request
                .param("resourceVersion")
                .filter(|v| !v.is_empty() && *v != "0")
                .and_then(|v| v.parse().ok()),
            timeout: Duration::from_secs(
                request
                    .param("timeoutSeconds")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(300),
            ),
        }
    }

    /// The events a new watch starts with: ADDED for each watched object of `namespace`, or,
    /// from a `resourceVersion`, MODIFIED for each changed since.
    pub(crate) fn initial_events<'a>(
        &self,
        namespace: &str,
        objects: impl IntoIterator<Item = (&'a (String, String), &'a Value)>,
    ) -> Vec<Bytes> {
        let mut events = Vec::new();
        for ((ns, name), object) in objects {
            if ns != namespace || self.name.as_ref().is_some_and(|want| want != name) {
                continue;
            }
            let version: u64 = object["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            match self.since {
                None => events.push(event("ADDED", object)),
                Some(since) if version > since => events.push(event("MODIFIED", object)),
                Some(_) => {}
            }
        }
        events
    }
}

struct Watcher {
    namespace: String,
    name: Option<String>,
    tx: mpsc::UnboundedSender<Bytes>,
}

/// The open watches on one kind of object.
#[derive(Default)]
pub(crate) struct Watchers {
    watchers: Vec<Watcher>,
}

impl Watchers {
    /// Opens a watch on the objects of `namespace` (only `name`, when given) whose stream starts
    /// with `initial` events; returns the events to stream.
    pub(crate) fn subscribe(
        &mut self,
        namespace: &str,
        name: Option<String>,
        initial: Vec<Bytes>,
    ) -> mpsc::UnboundedReceiver<Bytes> {
        let (tx, rx) = mpsc::unbounded_channel();
        for event in initial {
            let _ = tx.send(event);
        }
        self.watchers.push(Watcher {
            namespace: namespace.to_owned(),
            name,
            tx,
        });
        rx
    }

    /// Tells the watches of `namespace/name` that it was `kind` (`ADDED`, `MODIFIED`,
    /// `DELETED`); forgets the watches whose client went away.
    pub(crate) fn notify(&mut self, namespace: &str, name: &str, kind: &str, object: &Value) {
        let event = event(kind, object);
        self.watchers.retain(|w| {
            if w.namespace != namespace || w.name.as_ref().is_some_and(|n| n != name) {
                return !w.tx.is_closed();
            }
            w.tx.send(event.clone()).is_ok()
        });
    }
}

/// One watch event: `{"type": kind, "object": object}` and a newline.
pub(crate) fn event(kind: &str, object: &Value) -> Bytes {
    let mut line = serde_json::to_vec(&json!({"type": kind, "object": object}))
        .expect("a JSON value serializes");
    line.push(b'\n');
    Bytes::from(line)
}

/// The 200 answer that streams `events` until `timeout`.
pub(crate) fn response(events: mpsc::UnboundedReceiver<Bytes>, timeout: Duration) -> Answer {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(FakeBody::Watch {
            rx: events,
            until: Box::pin(tokio::time::sleep(timeout)),
        })
        .expect("a watch response builds")
}
