//! Fault injection: which requests fail, and how.

use std::time::Duration;

use serde_json::json;

use crate::openshift::body::Answer;
use crate::openshift::status::status_response;

/// A failure injected into a matching request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
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

impl Fault {
    /// The answer given instead of carrying the request out, for the faults that answer so.
    pub(crate) fn answer_instead(&self) -> Option<Answer> {
        match self {
            Fault::Status(code) => {
                let reason = match code {
                    500 => "InternalError",
                    503 => "ServiceUnavailable",
                    504 => "Timeout",
                    _ => "",
                };
                Some(status_response(
                    *code,
                    reason,
                    "Internal error occurred: fault injected by the test",
                    None,
                ))
            }
            Fault::TooManyRequests { retry_after_secs } => {
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
                Some(answer)
            }
            Fault::Drop | Fault::DropAfter | Fault::Slow(_) => None,
        }
    }
}

struct FaultRule {
    method: Option<String>,
    path_contains: Option<String>,
    fault: Fault,
    remaining: u32,
}

/// The faults waiting for requests, in the order they were injected.
#[derive(Default)]
pub(crate) struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    /// Injects `fault` into the next `times` requests with this method (any, when None) whose
    /// path contains `path_contains` (any, when None).
    pub(crate) fn add(
        &mut self,
        method: Option<String>,
        path_contains: Option<String>,
        fault: Fault,
        times: u32,
    ) {
        self.rules.push(FaultRule {
            method,
            path_contains,
            fault,
            remaining: times,
        });
    }

    /// Removes every pending fault.
    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for this request, if a pending rule matches it (the first one wins).
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let rule = self.rules.iter_mut().find(|r| {
            r.remaining > 0
                && r.method.as_deref().is_none_or(|m| m == method)
                && r.path_contains.as_deref().is_none_or(|p| path.contains(p))
        })?;
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        self.rules.retain(|r| r.remaining > 0);
        Some(fault)
    }
}
