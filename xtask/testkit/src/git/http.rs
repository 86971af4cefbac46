//! A small HTTP/1.1 server for tests that serves git repositories through `git http-backend`.
//!
//! One thread per connection, one request per connection (`Connection: close`), each request run as a CGI
//! `git http-backend` process with `GIT_PROJECT_ROOT` set to the served directory. The request's
//! `Git-Protocol` header is passed on as `GIT_PROTOCOL`: without it the backend speaks protocol
//! v0, where gix silently ignores the requested depth and fetches all history.
//!
//! It counts the bytes of the response bodies it sends, and can be told to misbehave
//! ([`Fault`]) to test clients against broken servers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A way for the server to misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Read the request, then close the connection without answering.
    DropConnection,
    /// Answer `200 OK` with bytes that are not the git protocol.
    Garbage,
    /// Send the first half of the real response body, then close the connection.
    Truncate,
    /// Read the request, then wait this long before closing without answering.
    Stall(Duration),
}

/// Which requests a [`Fault`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOn {
    /// Every request.
    All,
    /// Only `POST` requests (protocol v2's `ls-refs` and `fetch` commands, after the capability
    /// advertisement succeeded).
    Post,
    /// Only the request that asks for a pack (v2's `command=fetch`, v0's `want` lines), after the
    /// refs were listed.
    Fetch,
}

struct State {
    root: PathBuf,
    bytes: AtomicU64,
    requests: AtomicU64,
    fault: Mutex<Option<(Fault, FaultOn)>>,
    stop: AtomicBool,
}

/// A running server; stops when dropped.
pub struct GitHttpServer {
    port: u16,
    state: Arc<State>,
    accept: Option<thread::JoinHandle<()>>,
}

impl GitHttpServer {
    /// Serves the repositories under `root` (`http://127.0.0.1:<port>/<name>` serves
    /// `<root>/<name>`) on a free port of 127.0.0.1.
    pub fn start(root: &Path) -> GitHttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0 works");
        let port = listener
            .local_addr()
            .expect("a bound listener has an address")
            .port();
        let state = Arc::new(State {
            root: root.to_owned(),
            bytes: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            fault: Mutex::new(None),
            stop: AtomicBool::new(false),
        });
        let accept = {
            let state = Arc::clone(&state);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if state.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let state = Arc::clone(&state);
                    thread::spawn(move || {
                        let _ = serve(stream, &state);
                    });
                }
            })
        };
        GitHttpServer {
            port,
            state,
            accept: Some(accept),
        }
    }

    /// The URL of the repository `name` (a directory under the root, such as `origin.git`).
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Bytes of response bodies sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.state.bytes.load(Ordering::SeqCst)
    }

    /// Requests served so far.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Resets the byte and request counters.
    pub fn reset_counters(&self) {
        self.state.bytes.store(0, Ordering::SeqCst);
        self.state.requests.store(0, Ordering::SeqCst);
    }

    /// Makes the following requests (all, or only `POST`s) misbehave; `None` heals the server.
    pub fn set_fault(&self, fault: Option<(Fault, FaultOn)>) {
        *self
            .state
            .fault
            .lock()
            .unwrap_or_else(|err| err.into_inner()) = fault;
    }
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn serve(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let request = read_request(&mut reader)?;
    state.requests.fetch_add(1, Ordering::SeqCst);
    let mut stream = stream;
    let fault = *state.fault.lock().unwrap_or_else(|err| err.into_inner());
    let asks_for_pack = request.method == "POST"
        && (contains(&request.body, b"command=fetch") || contains(&request.body, b"want "));
    let fault = fault.and_then(|(fault, on)| {
        let applies = match on {
            FaultOn::All => true,
            FaultOn::Post => request.method == "POST",
            FaultOn::Fetch => asks_for_pack,
        };
        applies.then_some(fault)
    });
    match fault {
        Some(Fault::DropConnection) => {
            let _ = stream.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::Stall(duration)) => {
            thread::sleep(duration);
            let _ = stream.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::Garbage) => {
            let body = b"this is not the git protocol\n\x00\xff\xfe garbage garbage";
            let content_type = if request.method == "POST" {
                "application/x-git-upload-pack-result"
            } else {
                "application/x-git-upload-pack-advertisement"
            };
            write_response(
                &mut stream,
                state,
                "200 OK",
                &[("Content-Type".into(), content_type.into())],
                body,
            )?;
            return Ok(());
        }
        Some(Fault::Truncate) | None => {}
    }
    let (status, headers, body) = run_backend(&request, &state.root)?;
    if fault == Some(Fault::Truncate) {
        let half = &body[..body.len() / 2];
        let mut head = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (key, value) in &headers {
            head.push_str(&format!("{key}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(half)?;
        state.bytes.fetch_add(half.len() as u64, Ordering::SeqCst);
        stream.flush()?;
        let _ = stream.shutdown(Shutdown::Both);
        return Ok(());
    }
    write_response(&mut stream, state, &status, &headers, &body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn write_response(
    stream: &mut TcpStream,
    state: &State,
    status: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (key, value) in headers {
        head.push_str(&format!("{key}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    state.bytes.fetch_add(body.len() as u64, Ordering::SeqCst);
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Request> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (target, String::new()),
    };
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut request = Request {
        method,
        path,
        query,
        headers,
        body: Vec::new(),
    };
    if request
        .header("Transfer-Encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            request.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = request.header("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        request.body = body;
    }
    Ok(request)
}

/// A CGI response: the status line, headers and body.
type Response = (String, Vec<(String, String)>, Vec<u8>);

/// Runs `git http-backend` for `request`.
fn run_backend(request: &Request, root: &Path) -> std::io::Result<Response> {
    let mut command = Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        // What GitHub allows: fetching any reachable object by id, and partial clones.
        .env("GIT_CONFIG_COUNT", "2")
        .env("GIT_CONFIG_KEY_0", "uploadpack.allowAnySHA1InWant")
        .env("GIT_CONFIG_VALUE_0", "true")
        .env("GIT_CONFIG_KEY_1", "uploadpack.allowFilter")
        .env("GIT_CONFIG_VALUE_1", "true")
        .env("REQUEST_METHOD", &request.method)
        .env("PATH_INFO", &request.path)
        .env("QUERY_STRING", &request.query)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("CONTENT_LENGTH", request.body.len().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(content_type) = request.header("Content-Type") {
        command.env("CONTENT_TYPE", content_type);
    }
    if let Some(encoding) = request.header("Content-Encoding") {
        command.env("HTTP_CONTENT_ENCODING", encoding);
    }
    if let Some(protocol) = request.header("Git-Protocol") {
        command.env("GIT_PROTOCOL", protocol);
    }
    let mut child = command.spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let body = request.body.clone();
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let mut output = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_end(&mut output)?;
    let _ = writer.join();
    child.wait()?;
    let split = output
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| (at, 4))
        .or_else(|| {
            output
                .windows(2)
                .position(|window| window == b"\n\n")
                .map(|at| (at, 2))
        });
    let Some((at, separator)) = split else {
        return Ok(("502 Bad Gateway".to_owned(), Vec::new(), output));
    };
    let head = String::from_utf8_lossy(&output[..at]).into_owned();
    let body = output[at + separator..].to_vec();
    let mut status = "200 OK".to_owned();
    let mut headers = Vec::new();
    for line in head.lines() {
        if let Some((key, value)) = line.split_once(':') {
            if key.eq_ignore_ascii_case("Status") {
                status = value.trim().to_owned();
            } else {
                headers.push((key.trim().to_owned(), value.trim().to_owned()));
            }
        }
    }
    Ok((status, headers, body))
}
