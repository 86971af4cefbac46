//! A fault-injecting HTTP proxy in front of testkit's git server: requests whose path starts
//! with a chosen prefix misbehave, the others pass through untouched. testkit's own faults
//! apply to every repository of a server; an audit needs one broken repository among healthy
//! ones.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How requests under a prefix misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProxyFault {
    /// Answer `500 Internal Server Error`.
    Status500,
    /// Pass the request on, and cut the answer a few bytes into the pack.
    DropMidPack,
    /// Read the request, then answer nothing for a long time.
    Stall,
}

/// A running proxy; stops accepting when dropped.
pub(crate) struct FaultProxy {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Proxies `127.0.0.1:<free port>` to `127.0.0.1:<upstream>`, with `faults` by path prefix.
    pub(crate) fn start(upstream: u16, faults: Vec<(String, ProxyFault)>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let faults = Arc::new(faults);
        let accept_stop = stop.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let faults = faults.clone();
                let stop = accept_stop.clone();
                thread::spawn(move || {
                    let _ = serve(stream, upstream, &faults, &stop);
                });
            }
        });
        FaultProxy { port, stop }
    }

    /// `http://127.0.0.1:<port>/{org}/{repo}.git`.
    pub(crate) fn template(&self) -> String {
        format!("http://127.0.0.1:{}/{{org}}/{{repo}}.git", self.port)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(
    mut client: TcpStream,
    upstream: u16,
    faults: &[(String, ProxyFault)],
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let head = read_head(&mut client)?;
    let path = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let fault = faults
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        .map(|(_, fault)| *fault);
    match fault {
        Some(ProxyFault::Status500) => {
            client.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 21\r\nConnection: close\r\n\r\ninternal server error",
            )?;
            client.shutdown(Shutdown::Both)
        }
        Some(ProxyFault::Stall) => {
            let until = Instant::now() + Duration::from_secs(60);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(50));
            }
            client.shutdown(Shutdown::Both)
        }
        Some(ProxyFault::DropMidPack) => relay(client, upstream, &head, true),
        None => relay(client, upstream, &head, false),
    }
}

/// The request line and headers, up to the blank line.
fn read_head(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte)? == 0 || head.len() > 64 * 1024 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(head)
}

/// Passes the request on and the answer back; with `cut`, stops a few bytes after the pack
/// section begins (`packfile\n` in protocol v2).
fn relay(mut client: TcpStream, upstream: u16, head: &[u8], cut: bool) -> std::io::Result<()> {
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    server.write_all(head)?;
    let mut request_body = client.try_clone()?;
    let mut to_server = server.try_clone()?;
    thread::spawn(move || {
        let _ = std::io::copy(&mut request_body, &mut to_server);
    });
    let mut seen: Vec<u8> = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let read = server.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        let chunk = &buffer[..read];
        if cut {
            let before = seen.len();
            seen.extend_from_slice(chunk);
            if let Some(at) = find(&seen, b"packfile\n") {
                let end = (at + b"packfile\n".len() + 16).min(seen.len());
                client.write_all(&seen[before.min(end)..end])?;
                break;
            }
        }
        client.write_all(chunk)?;
    }
    let _ = server.shutdown(Shutdown::Both);
    client.shutdown(Shutdown::Both)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
