//! A loopback test double of the OpenShift image API (`image.openshift.io/v1`).
//!
//! It serves plain HTTP/1.1 on `127.0.0.1:<free port>` from its own thread and tokio runtime, so
//! async tests (with the real `kube::Client`) and plain `std::process::Command` tests of the CLI
//! can both use it. It follows the Kubernetes API conventions the tagger relies on: discovery
//! (`/api`, `/apis`, `/apis/image.openshift.io/v1`), `Status` errors with the apiserver's
//! reasons and codes, `resourceVersion` checks on update, AlreadyExists on create, watch on
//! imagestreams (`?watch=1`; OpenShift refuses watch on imagestreamtags and so does this), and a
//! bearer token check (401).
//!
//! Image semantics: an ImageStreamTag create or update whose source is an `ImageStreamImage` or
//! `ImageStreamTag` is resolved synchronously (unless [`FakeOpenShift::set_resolve_delay`]) and
//! recorded in the stream's status; a `DockerImage` source starts an import, which is counted
//! ([`FakeOpenShift::imports`]) and never completes. Creating a tag in a missing stream creates
//! the stream implicitly with `lookupPolicy.local: false`, as OpenShift does.
//!
//! Faults are injected per request ([`Fault`]): a status code, 429 with `Retry-After`, a dropped
//! connection (before or after the request takes effect) or a slow answer. Every request is
//! logged with its answer ([`FakeOpenShift::log`]).
//!
//! Self-contained on purpose: it depends only on tokio (`rt`, `net`, `time`, `sync`, `macros`),
//! hyper 1 (`server`, `http1`), hyper-util (`tokio`), http-body-util, bytes and serde_json, so
//! another crate's tests include it with
//! `#[path = "../../tagger/tests/support/fake_openshift.rs"] mod fake_openshift;`.

// Each test binary that includes this file uses a different part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

/// The API group served.
pub(crate) const GROUP: &str = "image.openshift.io";
/// The bearer token the fake accepts.
pub(crate) const TOKEN: &str = "fake-token";
/// The integrated registry's in-cluster host, used for `status.dockerImageRepository`.
pub(crate) const REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";
/// The registry's public host, used for `status.publicDockerImageRepository`.
pub(crate) const PUBLIC_REGISTRY: &str = "registry.ci.example.com";
/// The external registry seeded images claim to come from.
pub(crate) const SOURCE_REGISTRY: &str = "quay-proxy.ci.openshift.org/openshift/ci";
/// Every timestamp the fake writes (deterministic snapshots).
pub(crate) const TIMESTAMP: &str = "2026-01-01T00:00:00Z";
/// The user named in 403 messages.
pub(crate) const USER: &str = "system:serviceaccount:ci:ci-operator";

/// A failure injected into a matching request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fault {
    /// Answer with this status code (500, 502, 503, 504, ...) and a `Status` body; the request
    /// has no effect.
    Status(u16),
    /// Answer 429 with `Retry-After: <secs>` and `details.retryAfterSeconds`; no effect.
    TooManyRequests {
        /// Seconds the client should wait.
        retry_after_secs: u64,
    },
    /// Close the connection without answering; the request has no effect.
    Drop,
    /// Carry the request out, then close the connection without answering.
    DropAfter,
    /// Carry the request out, then answer after this delay.
    Slow(Duration),
}

/// One logged request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Logged {
    /// `GET`, `POST`, ...
    pub(crate) method: String,
    /// The path, percent-decoded.
    pub(crate) path: String,
    /// The raw query string.
    pub(crate) query: String,
    /// The status answered; 0 when the connection was dropped.
    pub(crate) status: u16,
    /// The fault injected, if any.
    pub(crate) fault: Option<Fault>,
    /// When the request arrived.
    pub(crate) at: Instant,
}

impl Logged {
    /// `GET /apis/.../imagestreamtags/release:golang-1.22 -> 200`.
    pub(crate) fn line(&self) -> String {
        let query = if self.query.is_empty() {
            String::new()
        } else {
            format!("?{}", self.query)
        };
        let fault = match &self.fault {
            Some(f) => format!(" [{f:?}]"),
            None => String::new(),
        };
        let status = if self.status == 0 {
            "dropped".to_owned()
        } else {
            self.status.to_string()
        };
        format!(
            "{} {}{} -> {}{}",
            self.method, self.path, query, status, fault
        )
    }
}

struct FaultRule {
    method: Option<String>,
    path_contains: Option<String>,
    fault: Fault,
    remaining: u32,
}

struct ImageRecord {
    reference: String,
    labels: BTreeMap<String, String>,
}

struct Watcher {
    namespace: String,
    name: Option<String>,
    tx: mpsc::UnboundedSender<Bytes>,
}

#[derive(Default)]
struct State {
    resource_version: u64,
    uid: u64,
    /// ImageStreams by (namespace, name), as the JSON the server returns.
    streams: BTreeMap<(String, String), Value>,
    images: BTreeMap<String, ImageRecord>,
    log: Vec<Logged>,
    faults: Vec<FaultRule>,
    forbidden: BTreeSet<String>,
    imports: u32,
    resolve_delay: Option<Duration>,
    resolution_failure: Option<(String, String)>,
    watchers: Vec<Watcher>,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The running fake. Dropping it stops the server.
pub(crate) struct FakeOpenShift {
    state: Shared,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeOpenShift {
    /// Starts the server on its own thread and runtime; returns once it listens.
    pub(crate) fn start() -> FakeOpenShift {
        let state: Shared = Arc::default();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let server_state = state.clone();
        let thread = std::thread::Builder::new()
            .name("fake-openshift".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a current-thread runtime builds");
                runtime.block_on(serve(server_state, addr_tx, shutdown_rx));
            })
            .expect("the fake's thread starts");
        let addr = addr_rx
            .recv()
            .expect("the fake reports its address once it listens");
        FakeOpenShift {
            state,
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    /// The port it listens on.
    pub(crate) fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig that reaches this server with the accepted token.
    pub(crate) fn kubeconfig_yaml(&self) -> String {
        self.kubeconfig_yaml_with_token(TOKEN)
    }

    /// A kubeconfig that reaches this server with the given token.
    pub(crate) fn kubeconfig_yaml_with_token(&self, token: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\nusers:\n- name: fake\n  user:\n    token: {token}\n",
            self.url()
        )
    }

    /// Seeds `namespace/stream:tag` resolved to `digest`, whose image has `labels`. The stream
    /// is created if needed; the tag's spec says it was imported from an external registry
    /// (this does not count as an import).
    pub(crate) fn seed_tag(
        &self,
        namespace: &str,
        stream: &str,
        tag: &str,
        digest: &str,
        labels: &[(&str, &str)],
    ) {
        let mut state = lock(&self.state);
        let reference = format!("{SOURCE_REGISTRY}@{digest}");
        state.images.insert(
            digest.to_owned(),
            ImageRecord {
                reference: reference.clone(),
                labels: labels
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        );
        state.ensure_stream(namespace, stream, false);
        let from = json!({"kind": "DockerImage", "name": reference});
        let generation = state.set_spec_tag(namespace, stream, tag, from, "Source");
        state.push_event(namespace, stream, tag, digest, &reference, generation);
        state.touch(namespace, stream, "MODIFIED");
    }

    /// Seeds an empty stream (a run that crashed after creating it).
    pub(crate) fn seed_stream(&self, namespace: &str, name: &str, local_lookup: bool) {
        let mut state = lock(&self.state);
        state.ensure_stream(namespace, name, local_lookup);
    }

    /// Tags `stream:tag` from the given source, as a POST of an ImageStreamTag would (resolved
    /// at once; a `DockerImage` source stays unresolved and is not counted as an import).
    pub(crate) fn seed_spec_tag(
        &self,
        namespace: &str,
        stream: &str,
        tag: &str,
        from_kind: &str,
        from_namespace: &str,
        from_name: &str,
    ) {
        let mut state = lock(&self.state);
        state.ensure_stream(namespace, stream, false);
        let from = json!({"kind": from_kind, "namespace": from_namespace, "name": from_name});
        let spec = json!({"name": tag, "from": from, "referencePolicy": {"type": "Local"}, "importPolicy": {"importMode": "PreserveOriginal"}});
        let generation = state.put_spec_tag(namespace, stream, tag, spec.clone());
        let mut spec = spec;
        spec["generation"] = json!(generation);
        // Seeding is not a request: a DockerImage source here does not count as an import.
        let imports = state.imports;
        state.apply_resolution(namespace, stream, tag, &spec, generation);
        state.imports = imports;
        state.touch(namespace, stream, "MODIFIED");
    }

    /// Answers 403 to every request in `namespace`.
    pub(crate) fn forbid_namespace(&self, namespace: &str) {
        lock(&self.state).forbidden.insert(namespace.to_owned());
    }

    /// Injects `fault` into the next `times` requests.
    pub(crate) fn inject(&self, fault: Fault, times: u32) {
        self.inject_rule(None, None, fault, times);
    }

    /// Injects `fault` into the next `times` requests with this method whose path contains
    /// `path_contains` (`"imagestreamtags"`, `"pipeline:root"`).
    pub(crate) fn inject_on(&self, method: &str, path_contains: &str, fault: Fault, times: u32) {
        self.inject_rule(
            Some(method.to_owned()),
            Some(path_contains.to_owned()),
            fault,
            times,
        );
    }

    fn inject_rule(
        &self,
        method: Option<String>,
        path_contains: Option<String>,
        fault: Fault,
        times: u32,
    ) {
        lock(&self.state).faults.push(FaultRule {
            method,
            path_contains,
            fault,
            remaining: times,
        });
    }

    /// Removes every pending fault.
    pub(crate) fn clear_faults(&self) {
        lock(&self.state).faults.clear();
    }

    /// Resolves `ImageStreamImage`/`ImageStreamTag` sources only after `delay` (None: at once).
    pub(crate) fn set_resolve_delay(&self, delay: Option<Duration>) {
        lock(&self.state).resolve_delay = delay;
    }

    /// Makes every later resolution fail with this condition reason and message (None: stop).
    pub(crate) fn fail_resolutions(&self, failure: Option<(&str, &str)>) {
        lock(&self.state).resolution_failure =
            failure.map(|(reason, message)| (reason.to_owned(), message.to_owned()));
    }

    /// Every request so far.
    pub(crate) fn log(&self) -> Vec<Logged> {
        lock(&self.state).log.clone()
    }

    /// Every request so far, one line each.
    pub(crate) fn log_lines(&self) -> Vec<String> {
        self.log().iter().map(Logged::line).collect()
    }

    /// Forgets the request log (seeding is not logged anyway).
    pub(crate) fn clear_log(&self) {
        lock(&self.state).log.clear();
    }

    /// How many requests arrived.
    pub(crate) fn requests(&self) -> usize {
        lock(&self.state).log.len()
    }

    /// How many requests with this method arrived.
    pub(crate) fn count(&self, method: &str) -> usize {
        lock(&self.state)
            .log
            .iter()
            .filter(|l| l.method == method)
            .count()
    }

    /// How many requests other than GET arrived (attempted writes).
    pub(crate) fn writes(&self) -> usize {
        lock(&self.state)
            .log
            .iter()
            .filter(|l| l.method != "GET")
            .count()
    }

    /// How many registry imports were started (DockerImage sources).
    pub(crate) fn imports(&self) -> u32 {
        lock(&self.state).imports
    }

    /// The ImageStream as the server would return it.
    pub(crate) fn image_stream(&self, namespace: &str, name: &str) -> Option<Value> {
        lock(&self.state)
            .streams
            .get(&(namespace.to_owned(), name.to_owned()))
            .cloned()
    }

    /// The ImageStreamTag `stream:tag` as the server would return it.
    pub(crate) fn image_stream_tag(
        &self,
        namespace: &str,
        stream: &str,
        tag: &str,
    ) -> Option<Value> {
        lock(&self.state).istag_view(namespace, stream, tag)
    }

    /// The spec tag names of a stream.
    pub(crate) fn spec_tags(&self, namespace: &str, stream: &str) -> Vec<String> {
        self.image_stream(namespace, stream)
            .and_then(|s| s["spec"]["tags"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect()
    }
}

impl Drop for FakeOpenShift {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    state: Shared,
    addr_tx: std::sync::mpsc::Sender<SocketAddr>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding 127.0.0.1:0 works");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let _ = addr_tx.send(addr);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                // Without TCP_NODELAY every request after the first on a keep-alive connection
                // waits ~40 ms (Nagle's algorithm meeting delayed ACKs).
                let _ = socket.set_nodelay(true);
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(state.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        }
    }
}

/// The answer body: a whole JSON document, or a watch stream.
pub(crate) enum FakeBody {
    Full(Option<Bytes>),
    Watch {
        rx: mpsc::UnboundedReceiver<Bytes>,
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

type Answer = Response<FakeBody>;

fn json_response(code: u16, value: &Value) -> Answer {
    let body = serde_json::to_vec(value).expect("a JSON value serializes");
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(FakeBody::Full(Some(Bytes::from(body))))
        .expect("a response with a valid status and header builds")
}

fn status_response(code: u16, reason: &str, message: &str, details: Option<Value>) -> Answer {
    let mut status = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let Some(details) = details {
        status["details"] = details;
    }
    json_response(code, &status)
}

fn details(name: &str, plural: &str) -> Option<Value> {
    Some(json!({"name": name, "group": GROUP, "kind": plural}))
}

fn not_found(plural: &str, name: &str) -> Answer {
    status_response(
        404,
        "NotFound",
        &format!("{plural}.{GROUP} \"{name}\" not found"),
        details(name, plural),
    )
}

fn already_exists(plural: &str, name: &str) -> Answer {
    status_response(
        409,
        "AlreadyExists",
        &format!("{plural}.{GROUP} \"{name}\" already exists"),
        details(name, plural),
    )
}

fn invalid(plural: &str, name: &str, message: &str) -> Answer {
    status_response(
        422,
        "Invalid",
        &format!("{plural}.{GROUP} \"{name}\" is invalid: {message}"),
        details(name, plural),
    )
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(high * 16 + low);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

async fn handle(state: Shared, request: Request<Incoming>) -> Result<Answer, Dropped> {
    let method = request.method().clone();
    let path = percent_decode(request.uri().path());
    let query = request.uri().query().unwrap_or("").to_owned();
    let authorized = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}"));
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(Dropped),
    };

    let (index, fault) = {
        let mut s = lock(&state);
        let fault = s.take_fault(method.as_str(), &path);
        s.log.push(Logged {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status: 0,
            fault: fault.clone(),
            at: Instant::now(),
        });
        (s.log.len() - 1, fault)
    };
    let record = |code: u16| lock(&state).log[index].status = code;

    match &fault {
        Some(Fault::Drop) => return Err(Dropped),
        Some(Fault::Status(code)) => {
            record(*code);
            let reason = match code {
                500 => "InternalError",
                503 => "ServiceUnavailable",
                504 => "Timeout",
                _ => "",
            };
            return Ok(status_response(
                *code,
                reason,
                "Internal error occurred: fault injected by the test",
                None,
            ));
        }
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            record(429);
            let mut answer = status_response(
                429,
                "TooManyRequests",
                "the server has received too many requests and has asked us to try again later",
                Some(json!({"retryAfterSeconds": retry_after_secs})),
            );
            answer.headers_mut().insert(
                "retry-after",
                retry_after_secs
                    .to_string()
                    .parse()
                    .expect("a number is a valid header value"),
            );
            return Ok(answer);
        }
        _ => {}
    }

    let answer = if authorized {
        route(&state, &method, &path, &query, &content_type, &body)
    } else {
        status_response(401, "Unauthorized", "Unauthorized", None)
    };
    let code = answer.status().as_u16();
    match fault {
        Some(Fault::DropAfter) => return Err(Dropped),
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    record(code);
    Ok(answer)
}

fn route(
    state: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    content_type: &str,
    body: &Bytes,
) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["version"] => json_response(
            200,
            &json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0", "platform": "linux/amd64"}),
        ),
        ["api"] => json_response(
            200,
            &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        ["api", "v1"] => json_response(
            200,
            &json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace", "verbs": ["get", "list"]}
            ]}),
        ),
        ["apis"] => json_response(
            200,
            &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [group_json()]}),
        ),
        ["apis", g] if *g == GROUP => json_response(200, &group_json()),
        ["apis", g, "v1"] if *g == GROUP => json_response(200, &resource_list_json()),
        ["apis", g, "v1", "namespaces", ns, plural] if *g == GROUP => {
            collection(state, method, ns, plural, query, body)
        }
        ["apis", g, "v1", "namespaces", ns, plural, name] if *g == GROUP => {
            item(state, method, ns, plural, name, content_type, body)
        }
        _ => status_response(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        ),
    }
}

fn group_json() -> Value {
    json!({
        "name": GROUP,
        "versions": [{"groupVersion": format!("{GROUP}/v1"), "version": "v1"}],
        "preferredVersion": {"groupVersion": format!("{GROUP}/v1"), "version": "v1"},
    })
}

fn resource_list_json() -> Value {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": format!("{GROUP}/v1"),
        "resources": [
            {"name": "imagestreams", "singularName": "imagestream", "namespaced": true, "kind": "ImageStream",
             "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "shortNames": ["is"]},
            {"name": "imagestreamtags", "singularName": "imagestreamtag", "namespaced": true, "kind": "ImageStreamTag",
             "verbs": ["create", "delete", "get", "list", "patch", "update"], "shortNames": ["istag"]},
            {"name": "imagestreamimages", "singularName": "imagestreamimage", "namespaced": true, "kind": "ImageStreamImage",
             "verbs": ["get"], "shortNames": ["isimage"]},
        ],
    })
}

fn verb_of(method: &Method, collection: bool, watch: bool) -> &'static str {
    match (method.as_str(), collection) {
        ("GET", true) if watch => "watch",
        ("GET", true) => "list",
        ("GET", false) => "get",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        _ => "unknown",
    }
}

fn forbidden(verb: &str, plural: &str, namespace: &str, name: Option<&str>) -> Answer {
    let subject = match name {
        Some(name) => format!("{plural}.{GROUP} \"{name}\""),
        None => format!("{plural}.{GROUP}"),
    };
    status_response(
        403,
        "Forbidden",
        &format!(
            "{subject} is forbidden: User \"{USER}\" cannot {verb} resource \"{plural}\" in API group \"{GROUP}\" in the namespace \"{namespace}\""
        ),
        details(name.unwrap_or(""), plural),
    )
}

fn method_not_allowed() -> Answer {
    status_response(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        None,
    )
}

fn parse_body(body: &Bytes, plural: &str) -> Result<Value, Box<Answer>> {
    serde_json::from_slice(body).map_err(|err| {
        Box::new(status_response(
            400,
            "BadRequest",
            &format!("the body of the request for {plural} was in an unknown format: {err}"),
            None,
        ))
    })
}

fn collection(
    state: &Shared,
    method: &Method,
    namespace: &str,
    plural: &str,
    query: &str,
    body: &Bytes,
) -> Answer {
    let watch = matches!(query_param(query, "watch"), Some("1" | "true"));
    if lock(state).forbidden.contains(namespace) {
        return forbidden(verb_of(method, true, watch), plural, namespace, None);
    }
    match (method.as_str(), plural) {
        ("GET", "imagestreams") if watch => watch_streams(state, namespace, query),
        ("GET", "imagestreams") => {
            let s = lock(state);
            let name = field_selector_name(query);
            let items: Vec<Value> = s
                .streams
                .iter()
                .filter(|((ns, n), _)| {
                    ns == namespace && name.as_ref().is_none_or(|want| want == n)
                })
                .map(|(_, v)| v.clone())
                .collect();
            json_response(
                200,
                &json!({"kind": "ImageStreamList", "apiVersion": format!("{GROUP}/v1"),
                        "metadata": {"resourceVersion": s.resource_version.to_string()}, "items": items}),
            )
        }
        ("GET", "imagestreamtags") if watch => method_not_allowed(),
        ("GET", "imagestreamtags") => {
            let s = lock(state);
            let mut items = Vec::new();
            for ((ns, stream), value) in &s.streams {
                if ns != namespace {
                    continue;
                }
                for tag in tag_names(value) {
                    if let Some(view) = s.istag_view(ns, stream, &tag) {
                        items.push(view);
                    }
                }
            }
            json_response(
                200,
                &json!({"kind": "ImageStreamTagList", "apiVersion": format!("{GROUP}/v1"),
                        "metadata": {"resourceVersion": s.resource_version.to_string()}, "items": items}),
            )
        }
        ("POST", "imagestreams") => match parse_body(body, plural) {
            Ok(object) => create_stream(state, namespace, object),
            Err(answer) => *answer,
        },
        ("POST", "imagestreamtags") => match parse_body(body, plural) {
            Ok(object) => create_istag(state, namespace, object),
            Err(answer) => *answer,
        },
        ("GET" | "POST", "imagestreamimages") => method_not_allowed(),
        _ if !["imagestreams", "imagestreamtags", "imagestreamimages"].contains(&plural) => {
            status_response(
                404,
                "NotFound",
                "the server could not find the requested resource",
                None,
            )
        }
        _ => method_not_allowed(),
    }
}

fn field_selector_name(query: &str) -> Option<String> {
    let selector = percent_decode(query_param(query, "fieldSelector")?);
    selector
        .split(',')
        .find_map(|s| s.strip_prefix("metadata.name="))
        .map(str::to_owned)
}

fn tag_names(stream: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for t in stream["spec"]["tags"].as_array().into_iter().flatten() {
        if let Some(n) = t["name"].as_str() {
            names.insert(n.to_owned());
        }
    }
    for t in stream["status"]["tags"].as_array().into_iter().flatten() {
        if let Some(n) = t["tag"].as_str() {
            names.insert(n.to_owned());
        }
    }
    names
}

fn watch_streams(state: &Shared, namespace: &str, query: &str) -> Answer {
    let name = field_selector_name(query);
    let since: Option<u64> = query_param(query, "resourceVersion")
        .filter(|v| !v.is_empty() && *v != "0")
        .and_then(|v| v.parse().ok());
    let timeout = query_param(query, "timeoutSeconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(300u64);
    let (tx, rx) = mpsc::unbounded_channel();
    let mut s = lock(state);
    for ((ns, n), stream) in &s.streams {
        if ns != namespace || name.as_ref().is_some_and(|want| want != n) {
            continue;
        }
        let rv: u64 = stream["metadata"]["resourceVersion"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        match since {
            None => {
                let _ = tx.send(watch_event("ADDED", stream));
            }
            Some(since) if rv > since => {
                let _ = tx.send(watch_event("MODIFIED", stream));
            }
            Some(_) => {}
        }
    }
    s.watchers.push(Watcher {
        namespace: namespace.to_owned(),
        name,
        tx,
    });
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(FakeBody::Watch {
            rx,
            until: Box::pin(tokio::time::sleep(Duration::from_secs(timeout))),
        })
        .expect("a watch response builds")
}

fn watch_event(kind: &str, object: &Value) -> Bytes {
    let mut line = serde_json::to_vec(&json!({"type": kind, "object": object}))
        .expect("a JSON value serializes");
    line.push(b'\n');
    Bytes::from(line)
}

fn create_stream(state: &Shared, namespace: &str, object: Value) -> Answer {
    let Some(name) = object["metadata"]["name"].as_str().map(str::to_owned) else {
        return invalid(
            "imagestreams",
            "",
            "metadata.name: Required value: name or generateName is required",
        );
    };
    let mut s = lock(state);
    if s.streams
        .contains_key(&(namespace.to_owned(), name.clone()))
    {
        return already_exists("imagestreams", &name);
    }
    let local = object["spec"]["lookupPolicy"]["local"]
        .as_bool()
        .unwrap_or(false);
    s.ensure_stream(namespace, &name, local);
    let mut generation = 1;
    for tag in object["spec"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let Some(tag_name) = tag["name"].as_str().map(str::to_owned) else {
            continue;
        };
        generation = s.put_spec_tag(namespace, &name, &tag_name, tag);
    }
    let _ = generation;
    for tag in tag_names(&s.streams[&(namespace.to_owned(), name.clone())]) {
        s.resolve(state, namespace, &name, &tag);
    }
    let created = s.touch(namespace, &name, "ADDED");
    json_response(201, &created)
}

fn create_istag(state: &Shared, namespace: &str, object: Value) -> Answer {
    let full = object["metadata"]["name"].as_str().unwrap_or("").to_owned();
    let Some((stream, tag)) = full
        .split_once(':')
        .filter(|(s, t)| !s.is_empty() && !t.is_empty() && !t.contains(':'))
    else {
        return status_response(
            400,
            "BadRequest",
            &format!(
                "\"{full}\" is an invalid imagestreamtag name: it must be of the form <stream_name>:<tag>"
            ),
            None,
        );
    };
    let Some(mut spec) = object.get("tag").filter(|t| t.is_object()).cloned() else {
        return invalid(
            "imagestreamtags",
            &full,
            "tag: Required value: tag is required when creating an imagestreamtag",
        );
    };
    let mut s = lock(state);
    let key = (namespace.to_owned(), stream.to_owned());
    if let Some(existing) = s.streams.get(&key) {
        if tag_names(existing).contains(tag) {
            return already_exists("imagestreamtags", &full);
        }
    } else {
        // OpenShift creates the stream implicitly, without local lookup.
        s.ensure_stream(namespace, stream, false);
    }
    spec["name"] = json!(tag);
    s.put_spec_tag(namespace, stream, tag, spec);
    s.resolve(state, namespace, stream, tag);
    s.touch(namespace, stream, "MODIFIED");
    match s.istag_view(namespace, stream, tag) {
        Some(view) => json_response(201, &view),
        None => not_found("imagestreamtags", &full),
    }
}

fn item(
    state: &Shared,
    method: &Method,
    namespace: &str,
    plural: &str,
    name: &str,
    content_type: &str,
    body: &Bytes,
) -> Answer {
    if lock(state).forbidden.contains(namespace) {
        return forbidden(verb_of(method, false, false), plural, namespace, Some(name));
    }
    match plural {
        "imagestreams" => stream_item(state, method, namespace, name, content_type, body),
        "imagestreamtags" => istag_item(state, method, namespace, name, content_type, body),
        "imagestreamimages" => match method.as_str() {
            "GET" => isi_get(state, namespace, name),
            _ => method_not_allowed(),
        },
        _ => status_response(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        ),
    }
}

fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(object) = target {
                for (key, value) in fields {
                    if value.is_null() {
                        object.remove(key);
                    } else {
                        merge_patch(object.entry(key.clone()).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The body's `metadata.resourceVersion`, when it conflicts with the current one.
fn stale(body: &Value, current: &Value) -> bool {
    match body["metadata"]["resourceVersion"].as_str() {
        Some(rv) if !rv.is_empty() => Some(rv) != current["metadata"]["resourceVersion"].as_str(),
        _ => false,
    }
}

fn conflict(plural: &str, name: &str) -> Answer {
    status_response(
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on {plural}.{GROUP} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
        ),
        details(name, plural),
    )
}

fn unsupported_patch(content_type: &str) -> Answer {
    status_response(
        415,
        "UnsupportedMediaType",
        &format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got {content_type}"
        ),
        None,
    )
}

fn is_merge_patch(content_type: &str) -> bool {
    content_type.starts_with("application/merge-patch+json")
        || content_type.starts_with("application/strategic-merge-patch+json")
}

fn stream_item(
    state: &Shared,
    method: &Method,
    namespace: &str,
    name: &str,
    content_type: &str,
    body: &Bytes,
) -> Answer {
    let key = (namespace.to_owned(), name.to_owned());
    let mut s = lock(state);
    let Some(current) = s.streams.get(&key).cloned() else {
        return not_found("imagestreams", name);
    };
    let updated = match method.as_str() {
        "GET" => return json_response(200, &current),
        "DELETE" => {
            s.streams.remove(&key);
            s.notify(namespace, name, "DELETED", &current);
            return json_response(200, &current);
        }
        "PUT" => {
            let object = match parse_body(body, "imagestreams") {
                Ok(object) => object,
                Err(answer) => return *answer,
            };
            if object["metadata"]["resourceVersion"]
                .as_str()
                .is_none_or(str::is_empty)
            {
                return invalid(
                    "imagestreams",
                    name,
                    "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
                );
            }
            if stale(&object, &current) {
                return conflict("imagestreams", name);
            }
            object
        }
        "PATCH" if is_merge_patch(content_type) => {
            let patch = match parse_body(body, "imagestreams") {
                Ok(patch) => patch,
                Err(answer) => return *answer,
            };
            if stale(&patch, &current) {
                return conflict("imagestreams", name);
            }
            let mut object = current.clone();
            merge_patch(&mut object, &patch);
            object
        }
        "PATCH" => return unsupported_patch(content_type),
        _ => return method_not_allowed(),
    };
    // Only the spec is writable; metadata and status stay the server's.
    let local = updated["spec"]["lookupPolicy"]["local"]
        .as_bool()
        .unwrap_or(false);
    let new_tags = updated["spec"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let old_tags = current["spec"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    {
        let stream = s.streams.get_mut(&key).expect("checked above");
        stream["spec"]["lookupPolicy"] = json!({"local": local});
        stream["spec"]["tags"] = json!([]);
    }
    let mut changed = Vec::new();
    for tag in new_tags {
        let Some(tag_name) = tag["name"].as_str().map(str::to_owned) else {
            continue;
        };
        let old = old_tags.iter().find(|t| t["name"] == tag["name"]);
        let same = old.is_some_and(|o| o["from"] == tag["from"]);
        if same {
            let stream = s.streams.get_mut(&key).expect("checked above");
            if let Some(tags) = stream["spec"]["tags"].as_array_mut() {
                tags.push(old.cloned().unwrap_or(tag));
            }
        } else {
            s.put_spec_tag(namespace, name, &tag_name, tag);
            changed.push(tag_name);
        }
    }
    for tag in changed {
        s.resolve(state, namespace, name, &tag);
    }
    let updated = s.touch(namespace, name, "MODIFIED");
    json_response(200, &updated)
}

fn istag_item(
    state: &Shared,
    method: &Method,
    namespace: &str,
    name: &str,
    content_type: &str,
    body: &Bytes,
) -> Answer {
    let Some((stream, tag)) = name.split_once(':') else {
        return status_response(
            400,
            "BadRequest",
            &format!(
                "\"{name}\" is an invalid imagestreamtag name: it must be of the form <stream_name>:<tag>"
            ),
            None,
        );
    };
    let mut s = lock(state);
    let Some(current) = s.istag_view(namespace, stream, tag) else {
        return not_found("imagestreamtags", name);
    };
    let updated = match method.as_str() {
        "GET" => return json_response(200, &current),
        "DELETE" => {
            let key = (namespace.to_owned(), stream.to_owned());
            if let Some(stream_value) = s.streams.get_mut(&key) {
                for field in [("spec", "name"), ("status", "tag")] {
                    if let Some(tags) = stream_value[field.0]["tags"].as_array_mut() {
                        tags.retain(|t| t[field.1] != json!(tag));
                    }
                }
            }
            s.touch(namespace, stream, "MODIFIED");
            return status_response(200, "", "", None);
        }
        "PUT" => {
            let object = match parse_body(body, "imagestreamtags") {
                Ok(object) => object,
                Err(answer) => return *answer,
            };
            if stale(&object, &current) {
                return conflict("imagestreamtags", name);
            }
            object
        }
        "PATCH" if is_merge_patch(content_type) => {
            let patch = match parse_body(body, "imagestreamtags") {
                Ok(patch) => patch,
                Err(answer) => return *answer,
            };
            if stale(&patch, &current) {
                return conflict("imagestreamtags", name);
            }
            let mut object = current.clone();
            merge_patch(&mut object, &patch);
            object
        }
        "PATCH" => return unsupported_patch(content_type),
        _ => return method_not_allowed(),
    };
    let Some(mut spec) = updated.get("tag").filter(|t| t.is_object()).cloned() else {
        return invalid("imagestreamtags", name, "tag: Required value");
    };
    spec["name"] = json!(tag);
    if current["tag"]["from"] != spec["from"] || current["tag"].is_null() {
        s.put_spec_tag(namespace, stream, tag, spec);
        s.resolve(state, namespace, stream, tag);
    } else {
        s.put_spec_tag_keep_generation(namespace, stream, tag, spec);
    }
    s.touch(namespace, stream, "MODIFIED");
    match s.istag_view(namespace, stream, tag) {
        Some(view) => json_response(200, &view),
        None => not_found("imagestreamtags", name),
    }
}

fn isi_get(state: &Shared, namespace: &str, name: &str) -> Answer {
    let s = lock(state);
    let Some((stream, digest)) = name.split_once('@') else {
        return status_response(
            400,
            "BadRequest",
            &format!(
                "\"{name}\" is an invalid imagestreamimage name: it must be of the form <stream_name>@<id>"
            ),
            None,
        );
    };
    if !s.stream_has_image(namespace, stream, digest) {
        return not_found("imagestreamimages", name);
    }
    let mut image = s.image_json(digest, None);
    image["metadata"]["name"] = json!(digest);
    json_response(
        200,
        &json!({
            "kind": "ImageStreamImage",
            "apiVersion": format!("{GROUP}/v1"),
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": TIMESTAMP},
            "image": image,
        }),
    )
}

impl State {
    fn take_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let rule = self.faults.iter_mut().find(|r| {
            r.remaining > 0
                && r.method.as_deref().is_none_or(|m| m == method)
                && r.path_contains.as_deref().is_none_or(|p| path.contains(p))
        })?;
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        self.faults.retain(|r| r.remaining > 0);
        Some(fault)
    }

    fn next_rv(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    fn ensure_stream(&mut self, namespace: &str, name: &str, local: bool) {
        let key = (namespace.to_owned(), name.to_owned());
        if self.streams.contains_key(&key) {
            return;
        }
        self.uid += 1;
        let rv = self.next_rv();
        let stream = json!({
            "kind": "ImageStream",
            "apiVersion": format!("{GROUP}/v1"),
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": format!("00000000-0000-0000-0000-{:012}", self.uid),
                "resourceVersion": rv.to_string(),
                "generation": 1,
                "creationTimestamp": TIMESTAMP,
            },
            "spec": {"lookupPolicy": {"local": local}},
            "status": {
                "dockerImageRepository": format!("{REGISTRY}/{namespace}/{name}"),
                "publicDockerImageRepository": format!("{PUBLIC_REGISTRY}/{namespace}/{name}"),
            },
        });
        self.streams.insert(key, stream.clone());
        self.notify(namespace, name, "ADDED", &stream);
    }

    /// Bumps the stream's resourceVersion and tells watchers; returns the stream.
    fn touch(&mut self, namespace: &str, name: &str, kind: &str) -> Value {
        let rv = self.next_rv();
        let key = (namespace.to_owned(), name.to_owned());
        let Some(stream) = self.streams.get_mut(&key) else {
            return Value::Null;
        };
        stream["metadata"]["resourceVersion"] = json!(rv.to_string());
        let stream = stream.clone();
        self.notify(namespace, name, kind, &stream);
        stream
    }

    fn notify(&mut self, namespace: &str, name: &str, kind: &str, stream: &Value) {
        let event = watch_event(kind, stream);
        self.watchers.retain(|w| {
            if w.namespace != namespace || w.name.as_ref().is_some_and(|n| n != name) {
                return !w.tx.is_closed();
            }
            w.tx.send(event.clone()).is_ok()
        });
    }

    fn stream_mut(&mut self, namespace: &str, name: &str) -> &mut Value {
        self.streams
            .get_mut(&(namespace.to_owned(), name.to_owned()))
            .expect("callers create the stream first")
    }

    /// Sets a spec tag from a tag JSON, bumping the stream's generation; returns it.
    fn put_spec_tag(&mut self, namespace: &str, stream: &str, tag: &str, mut spec: Value) -> i64 {
        let value = self.stream_mut(namespace, stream);
        let generation = value["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
        value["metadata"]["generation"] = json!(generation);
        spec["name"] = json!(tag);
        spec["generation"] = json!(generation);
        if spec.get("referencePolicy").is_none() {
            spec["referencePolicy"] = json!({"type": "Source"});
        }
        if !value["spec"]["tags"].is_array() {
            value["spec"]["tags"] = json!([]);
        }
        let tags = value["spec"]["tags"]
            .as_array_mut()
            .expect("just made an array");
        tags.retain(|t| t["name"] != json!(tag));
        tags.push(spec);
        generation
    }

    fn put_spec_tag_keep_generation(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        mut spec: Value,
    ) {
        let value = self.stream_mut(namespace, stream);
        if let Some(existing) = value["spec"]["tags"]
            .as_array_mut()
            .and_then(|tags| tags.iter_mut().find(|t| t["name"] == json!(tag)))
        {
            spec["generation"] = existing["generation"].clone();
            *existing = spec;
        }
    }

    fn set_spec_tag(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        from: Value,
        reference: &str,
    ) -> i64 {
        let spec = json!({"name": tag, "from": from, "referencePolicy": {"type": reference}, "importPolicy": {"importMode": "Legacy"}});
        self.put_spec_tag(namespace, stream, tag, spec)
    }

    fn status_tag_mut(&mut self, namespace: &str, stream: &str, tag: &str) -> &mut Value {
        let value = self.stream_mut(namespace, stream);
        if !value["status"]["tags"].is_array() {
            value["status"]["tags"] = json!([]);
        }
        let tags = value["status"]["tags"]
            .as_array_mut()
            .expect("just made an array");
        let index = match tags.iter().position(|t| t["tag"] == json!(tag)) {
            Some(index) => index,
            None => {
                tags.push(json!({"tag": tag, "items": []}));
                tags.len() - 1
            }
        };
        &mut tags[index]
    }

    fn push_event(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        digest: &str,
        reference: &str,
        generation: i64,
    ) {
        let status = self.status_tag_mut(namespace, stream, tag);
        let event = json!({"created": TIMESTAMP, "dockerImageReference": reference, "image": digest, "generation": generation});
        match status["items"].as_array_mut() {
            Some(items) => items.insert(0, event),
            None => status["items"] = json!([event]),
        }
        if let Some(object) = status.as_object_mut() {
            object.remove("conditions");
        }
    }

    fn set_condition(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        reason: &str,
        message: &str,
        generation: i64,
    ) {
        let status = self.status_tag_mut(namespace, stream, tag);
        status["conditions"] = json!([{
            "type": "ImportSuccess", "status": "False", "lastTransitionTime": TIMESTAMP,
            "reason": reason, "message": message, "generation": generation,
        }]);
    }

    fn stream_has_image(&self, namespace: &str, stream: &str, digest: &str) -> bool {
        self.streams
            .get(&(namespace.to_owned(), stream.to_owned()))
            .and_then(|s| s["status"]["tags"].as_array())
            .into_iter()
            .flatten()
            .flat_map(|t| t["items"].as_array().into_iter().flatten())
            .any(|e| e["image"] == json!(digest))
    }

    fn event_reference(&self, namespace: &str, stream: &str, digest: &str) -> Option<String> {
        self.streams
            .get(&(namespace.to_owned(), stream.to_owned()))?["status"]["tags"]
            .as_array()?
            .iter()
            .flat_map(|t| t["items"].as_array().into_iter().flatten())
            .find(|e| e["image"] == json!(digest))?["dockerImageReference"]
            .as_str()
            .map(str::to_owned)
    }

    /// What a spec tag's source resolves to now: `Ok((digest, reference))`, or the condition.
    fn lookup_source(
        &mut self,
        namespace: &str,
        spec: &Value,
    ) -> Result<Option<(String, String)>, (String, String)> {
        let from = &spec["from"];
        let from_ns = from["namespace"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(namespace)
            .to_owned();
        let from_name = from["name"].as_str().unwrap_or("").to_owned();
        match from["kind"].as_str().unwrap_or("") {
            "ImageStreamImage" => {
                let Some((stream, digest)) = from_name.split_once('@') else {
                    return Err((
                        "InvalidName".to_owned(),
                        format!("\"{from_name}\" is not <stream>@<digest>"),
                    ));
                };
                match self.event_reference(&from_ns, stream, digest) {
                    Some(reference) => Ok(Some((digest.to_owned(), reference))),
                    None => Err((
                        "NotFound".to_owned(),
                        format!("imagestreamimages.{GROUP} \"{from_name}\" not found"),
                    )),
                }
            }
            "ImageStreamTag" => {
                let Some((stream, tag)) = from_name.split_once(':') else {
                    return Err((
                        "InvalidName".to_owned(),
                        format!("\"{from_name}\" is not <stream>:<tag>"),
                    ));
                };
                let latest = self
                    .streams
                    .get(&(from_ns.clone(), stream.to_owned()))
                    .and_then(|s| s["status"]["tags"].as_array())
                    .and_then(|tags| tags.iter().find(|t| t["tag"] == json!(tag)))
                    .and_then(|t| t["items"].as_array())
                    .and_then(|items| items.first())
                    .cloned();
                match latest {
                    Some(event) => Ok(Some((
                        event["image"].as_str().unwrap_or("").to_owned(),
                        event["dockerImageReference"]
                            .as_str()
                            .unwrap_or("")
                            .to_owned(),
                    ))),
                    None => Err((
                        "NotFound".to_owned(),
                        format!("imagestreamtags.{GROUP} \"{from_name}\" not found"),
                    )),
                }
            }
            "DockerImage" => {
                // An import from a registry: counted, never completed.
                self.imports += 1;
                Ok(None)
            }
            other => Err((
                "InvalidKind".to_owned(),
                format!("unsupported source kind {other:?}"),
            )),
        }
    }

    /// Resolves a spec tag into status (now, or after the resolve delay).
    fn resolve(&mut self, state: &Shared, namespace: &str, stream: &str, tag: &str) {
        let Some(spec) = self.streams[&(namespace.to_owned(), stream.to_owned())]["spec"]["tags"]
            .as_array()
            .and_then(|tags| tags.iter().find(|t| t["name"] == json!(tag)))
            .cloned()
        else {
            return;
        };
        let generation = spec["generation"].as_i64().unwrap_or(0);
        let kind = spec["from"]["kind"].as_str().unwrap_or("").to_owned();
        if let Some(delay) = self.resolve_delay.filter(|_| kind != "DockerImage") {
            let state = state.clone();
            let (namespace, stream, tag) =
                (namespace.to_owned(), stream.to_owned(), tag.to_owned());
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let mut s = lock(&state);
                let still = s
                    .streams
                    .get(&(namespace.clone(), stream.clone()))
                    .and_then(|v| v["spec"]["tags"].as_array())
                    .and_then(|tags| tags.iter().find(|t| t["name"] == json!(tag)))
                    .is_some_and(|t| t["generation"] == json!(generation));
                if still {
                    s.apply_resolution(&namespace, &stream, &tag, &spec, generation);
                    s.touch(&namespace, &stream, "MODIFIED");
                }
            });
            return;
        }
        self.apply_resolution(namespace, stream, tag, &spec, generation);
    }

    fn apply_resolution(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        spec: &Value,
        generation: i64,
    ) {
        if let Some((reason, message)) = self.resolution_failure.clone() {
            self.set_condition(namespace, stream, tag, &reason, &message, generation);
            return;
        }
        match self.lookup_source(namespace, spec) {
            Ok(Some((digest, reference))) => {
                let current = self
                    .streams
                    .get(&(namespace.to_owned(), stream.to_owned()))
                    .and_then(|s| s["status"]["tags"].as_array())
                    .and_then(|tags| tags.iter().find(|t| t["tag"] == json!(tag)))
                    .and_then(|t| t["items"].as_array())
                    .and_then(|items| items.first())
                    .is_some_and(|e| e["image"] == json!(digest));
                if !current {
                    self.push_event(namespace, stream, tag, &digest, &reference, generation);
                }
            }
            Ok(None) => {}
            Err((reason, message)) => {
                self.set_condition(namespace, stream, tag, &reason, &message, generation)
            }
        }
    }

    /// The image as embedded in an ImageStreamTag or ImageStreamImage.
    fn image_json(&self, digest: &str, reference: Option<String>) -> Value {
        let record = self.images.get(digest);
        let labels: Map<String, Value> = record
            .map(|r| {
                r.labels
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect()
            })
            .unwrap_or_default();
        json!({
            "metadata": {"name": digest, "creationTimestamp": TIMESTAMP},
            "dockerImageReference": reference.or_else(|| record.map(|r| r.reference.clone())).unwrap_or_default(),
            "dockerImageMetadata": {
                "kind": "DockerImage",
                "apiVersion": "image.openshift.io/1.0",
                "Id": digest,
                "Config": {"Labels": labels},
                "Architecture": "amd64",
            },
            "dockerImageMetadataVersion": "1.0",
            "dockerImageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
        })
    }

    /// The ImageStreamTag `stream:tag`, computed from the stream as OpenShift does.
    fn istag_view(&self, namespace: &str, stream: &str, tag: &str) -> Option<Value> {
        let value = self
            .streams
            .get(&(namespace.to_owned(), stream.to_owned()))?;
        let spec = value["spec"]["tags"]
            .as_array()
            .and_then(|tags| tags.iter().find(|t| t["name"] == json!(tag)))
            .cloned();
        let status = value["status"]["tags"]
            .as_array()
            .and_then(|tags| tags.iter().find(|t| t["tag"] == json!(tag)))
            .cloned();
        if spec.is_none() && status.is_none() {
            return None;
        }
        let latest = status
            .as_ref()
            .and_then(|s| s["items"].as_array())
            .and_then(|items| items.first())
            .cloned();
        let image = match &latest {
            Some(event) => {
                let digest = event["image"].as_str().unwrap_or("");
                let local = spec
                    .as_ref()
                    .is_some_and(|s| s["referencePolicy"]["type"] == json!("Local"));
                let repository = value["status"]["dockerImageRepository"]
                    .as_str()
                    .unwrap_or("");
                let reference = if local && !repository.is_empty() {
                    format!("{repository}@{digest}")
                } else {
                    event["dockerImageReference"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                };
                self.image_json(digest, Some(reference))
            }
            // Go serializes the empty Image struct: no name, no reference.
            None => {
                json!({"metadata": {"creationTimestamp": null}, "dockerImageMetadata": {"metadata": {}}, "dockerImageLayers": null})
            }
        };
        let mut view = json!({
            "kind": "ImageStreamTag",
            "apiVersion": format!("{GROUP}/v1"),
            "metadata": {
                "name": format!("{stream}:{tag}"),
                "namespace": namespace,
                "uid": value["metadata"]["uid"],
                "resourceVersion": value["metadata"]["resourceVersion"],
                "creationTimestamp": TIMESTAMP,
            },
            "tag": spec.clone().unwrap_or(Value::Null),
            "generation": spec.as_ref().map(|s| s["generation"].clone()).unwrap_or(json!(0)),
            "lookupPolicy": {"local": value["spec"]["lookupPolicy"]["local"].as_bool().unwrap_or(false)},
            "image": image,
        });
        if let Some(conditions) = status
            .as_ref()
            .and_then(|s| s.get("conditions"))
            .filter(|c| c.is_array())
        {
            view["conditions"] = conditions.clone();
        }
        Some(view)
    }
}
