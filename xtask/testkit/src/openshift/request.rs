//! The parts of a request a handler reads: method, query parameters, content type, JSON body.

use bytes::Bytes;
use hyper::Method;
use serde_json::Value;

use crate::openshift::body::Answer;
use crate::openshift::status::status_response;

/// A request, read whole.
pub(crate) struct ApiRequest {
    /// `GET`, `POST`, ...
    pub(crate) method: Method,
    /// The raw query string.
    pub(crate) query: String,
    /// The `content-type` header, empty when absent.
    pub(crate) content_type: String,
    /// The body.
    pub(crate) body: Bytes,
}

impl ApiRequest {
    /// The raw value of the query parameter `key` (empty for `?key`).
    pub(crate) fn param(&self, key: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// `?watch=1` or `?watch=true`.
    pub(crate) fn is_watch(&self) -> bool {
        matches!(self.param("watch"), Some("1" | "true"))
    }

    /// The name a `fieldSelector=metadata.name=<name>` asks for.
    pub(crate) fn field_selector_name(&self) -> Option<String> {
        let selector = percent_decode(self.param("fieldSelector")?);
        selector
            .split(',')
            .find_map(|s| s.strip_prefix("metadata.name="))
            .map(str::to_owned)
    }

    /// A merge patch (`application/merge-patch+json` or the strategic kind, treated alike).
    pub(crate) fn is_merge_patch(&self) -> bool {
        self.content_type
            .starts_with("application/merge-patch+json")
            || self
                .content_type
                .starts_with("application/strategic-merge-patch+json")
    }

    /// The body as JSON, or the 400 the apiserver gives for a body of `plural` it cannot read.
    pub(crate) fn json(&self, plural: &str) -> Result<Value, Box<Answer>> {
        serde_json::from_slice(&self.body).map_err(|err| {
            Box::new(status_response(
                400,
                "BadRequest",
                &format!("the body of the request for {plural} was in an unknown format: {err}"),
                None,
            ))
        })
    }
}

/// `%XX` escapes decoded; invalid UTF-8 replaced.
pub(crate) fn percent_decode(s: &str) -> String {
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
