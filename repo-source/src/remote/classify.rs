//! What went wrong in a fetch, in our terms: gix's errors sorted into a missing commit, an
//! unreachable remote, a lost connection, a reply that is not git's protocol, or another
//! failed fetch.

use gix::ObjectId;

use crate::error::{BoxError, Error};
use crate::url::RemoteUrl;

use super::session::Failure;
use super::want::Want;

/// One fetch error of `url` for a request about `wants`.
pub(crate) fn fetch_error(url: &RemoteUrl, wants: &[Want], failure: Failure) -> Error {
    match failure {
        Failure::TooLarge(size) => Error::Fetch {
            url: url.clone(),
            source: format!("the server sent a blob of {size} bytes where none was expected")
                .into(),
        },
        Failure::Gix(err) => match missing_from_local_remote(url, wants) {
            Some(rev) => Error::MissingCommit {
                url: url.clone(),
                rev,
                source: Some(url.cause(err)),
            },
            None => classify(url, wants, err, false),
        },
    }
}

/// Turns a gix fetch error into ours: a missing commit, an unreachable remote, a lost
/// connection, a reply that is not git's protocol, or another failed fetch.
pub(crate) fn classify(
    url: &RemoteUrl,
    wants: &[Want],
    err: gix::Error,
    connecting: bool,
) -> Error {
    let invalid_reply = err.is_validation() || err.is_corrupted();
    let mut texts = Vec::new();
    let mut unreachable = false;
    let mut lost = false;
    for error in err.iter_errors() {
        visit(error, 0, &mut |error| {
            texts.push(error.to_string());
            if let Some(io) = error.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind::*;
                unreachable |= matches!(
                    io.kind(),
                    ConnectionRefused
                        | HostUnreachable
                        | NetworkUnreachable
                        | AddrNotAvailable
                        | TimedOut
                        | NotFound
                );
                lost |= matches!(
                    io.kind(),
                    UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
                );
            }
            if let Some(http) = error.downcast_ref::<reqwest::Error>() {
                unreachable |= http.is_connect() || http.is_timeout();
                lost |= http.is_request() || http.is_body();
            }
        });
    }
    let err: BoxError = url.cause(err);
    let all = texts.join("\n");
    // What `git upload-pack` answers for a SHA it does not have (v2 and v0).
    if all.contains("not our ref") || all.contains("no such remote ref") {
        let rev = wants
            .iter()
            .find(|want| all.contains(&want.source))
            .map_or_else(
                || {
                    wants
                        .iter()
                        .map(|want| want.source.as_str())
                        .collect::<Vec<_>>()
                        .join("`, `")
                },
                |want| want.source.clone(),
            );
        return Error::MissingCommit {
            url: url.clone(),
            rev,
            source: Some(err),
        };
    }
    let url = url.clone();
    if connecting && unreachable {
        Error::Connect { url, source: err }
    } else if lost {
        Error::ConnectionLost { url, source: err }
    } else if invalid_reply {
        Error::InvalidReply { url, source: err }
    } else {
        Error::Fetch { url, source: err }
    }
}

/// For a remote on this machine (`file://` or a path), the first wanted SHA its object database
/// does not have.
///
/// `git upload-pack` answers an unknown SHA with an `ERR` line and exits while gix may still be
/// writing the rest of its request; gix then reports the broken pipe, not the `ERR`. Looking
/// into the repository itself gives the right answer whichever side of that race gix was on.
pub(crate) fn missing_from_local_remote(url: &RemoteUrl, wants: &[Want]) -> Option<String> {
    let parsed = gix::url::parse(gix::bstr::BStr::new(url.expose())).ok()?;
    if parsed.scheme != gix::url::Scheme::File {
        return None;
    }
    let path = gix::path::from_bstring(parsed.path).ok()?;
    let repo = gix::open_opts(path, gix::open::Options::isolated()).ok()?;
    wants
        .iter()
        .filter_map(|want| Some((want, ObjectId::from_hex(want.source.as_bytes()).ok()?)))
        .find(|(_, id)| !repo.has_object(*id))
        .map(|(want, _)| want.source.clone())
}

/// Calls `f` on `error` and everything below it, including what an `io::Error` wraps (gix's HTTP
/// transport wraps reqwest's error, inside a gix error, in an `io::Error` whose `source()` skips
/// both).
fn visit(
    error: &(dyn std::error::Error + 'static),
    depth: usize,
    f: &mut dyn FnMut(&(dyn std::error::Error + 'static)),
) {
    if depth > 32 {
        return;
    }
    f(error);
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(std::io::Error::get_ref)
    {
        visit(inner, depth + 1, f);
    }
    if let Some(nested) = error.downcast_ref::<gix::Error>() {
        for inner in nested.iter_errors() {
            visit(inner, depth + 1, f);
        }
    } else if let Some(source) = error.source() {
        visit(source, depth + 1, f);
    }
}
