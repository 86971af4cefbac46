//! The request log: every request with its answer.

use std::time::Instant;

use crate::openshift::faults::Fault;

/// One logged request.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, percent-decoded.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The status answered; 0 when the connection was dropped.
    pub status: u16,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// When the request arrived.
    pub at: Instant,
}

impl Logged {
    /// `GET /apis/.../imagestreamtags/release:golang-1.22 -> 200`.
    pub fn line(&self) -> String {
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
