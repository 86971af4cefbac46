//! The server: its thread and runtime, the connection loop, and what happens to every request
//! before routing (fault injection, the log, the bearer token check).

use std::net::SocketAddr;
use std::sync::MutexGuard;
use std::time::Instant;

use http_body_util::BodyExt;
use hyper::Request;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use crate::openshift::body::{Answer, Dropped};
use crate::openshift::conventions::TOKEN;
use crate::openshift::faults::Fault;
use crate::openshift::log::Logged;
use crate::openshift::request::{ApiRequest, percent_decode};
use crate::openshift::routing::route;
use crate::openshift::state::{Shared, State, lock};
use crate::openshift::status::status_response;

/// The running fake. Dropping it stops the server.
pub struct FakeOpenShift {
    state: Shared,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeOpenShift {
    /// Starts the server on its own thread and runtime; returns once it listens.
    pub fn start() -> FakeOpenShift {
        let state: Shared = Shared::default();
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

    /// The server's state, locked (for the seeding and inspection methods of each group).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig that reaches this server with the accepted token.
    pub fn kubeconfig_yaml(&self) -> String {
        self.kubeconfig_yaml_with_token(TOKEN)
    }

    /// A kubeconfig that reaches this server with the given token.
    pub fn kubeconfig_yaml_with_token(&self, token: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\nusers:\n- name: fake\n  user:\n    token: {token}\n",
            self.url()
        )
    }

    /// Answers 403 to every request in `namespace`.
    pub fn forbid_namespace(&self, namespace: &str) {
        self.state().forbidden.insert(namespace.to_owned());
    }

    /// Injects `fault` into the next `times` requests.
    pub fn inject(&self, fault: Fault, times: u32) {
        self.state().faults.add(None, None, fault, times);
    }

    /// Injects `fault` into the next `times` requests with this method whose path contains
    /// `path_contains` (`"imagestreamtags"`, `"pipeline:root"`).
    pub fn inject_on(&self, method: &str, path_contains: &str, fault: Fault, times: u32) {
        self.state().faults.add(
            Some(method.to_owned()),
            Some(path_contains.to_owned()),
            fault,
            times,
        );
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Logged> {
        self.state().log.clone()
    }

    /// Every request so far, one line each.
    pub fn log_lines(&self) -> Vec<String> {
        self.log().iter().map(Logged::line).collect()
    }

    /// Forgets the request log (seeding is not logged anyway).
    pub fn clear_log(&self) {
        self.state().log.clear();
    }

    /// How many requests arrived.
    pub fn requests(&self) -> usize {
        self.state().log.len()
    }

    /// How many requests with this method arrived.
    pub fn count(&self, method: &str) -> usize {
        self.state()
            .log
            .iter()
            .filter(|l| l.method == method)
            .count()
    }

    /// How many requests other than GET arrived (attempted writes).
    pub fn writes(&self) -> usize {
        self.state()
            .log
            .iter()
            .filter(|l| l.method != "GET")
            .count()
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

/// One request: logged, faulted when a fault matches, checked for the token, routed.
async fn handle(state: Shared, request: Request<Incoming>) -> Result<Answer, Dropped> {
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
    let method = request.method().clone();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(Dropped),
    };
    let request = ApiRequest {
        method,
        query,
        content_type,
        body,
    };

    let (index, fault) = {
        let mut s = lock(&state);
        let fault = s.faults.take(request.method.as_str(), &path);
        s.log.push(Logged {
            method: request.method.to_string(),
            path: path.clone(),
            query: request.query.clone(),
            status: 0,
            fault: fault.clone(),
            at: Instant::now(),
        });
        (s.log.len() - 1, fault)
    };
    let record = |answer: Answer| {
        lock(&state).log[index].status = answer.status().as_u16();
        answer
    };

    match &fault {
        Some(Fault::Drop) => return Err(Dropped),
        Some(fault) => {
            if let Some(answer) = fault.answer_instead() {
                return Ok(record(answer));
            }
        }
        None => {}
    }
    let answer = if authorized {
        route(&state, &path, &request)
    } else {
        status_response(401, "Unauthorized", "Unauthorized", None)
    };
    match fault {
        Some(Fault::DropAfter) => return Err(Dropped),
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    Ok(record(answer))
}
