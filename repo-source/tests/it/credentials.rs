//! Credentials in a remote's URL never reach an error, a revision's description or a log line.

use std::net::TcpListener;

use repo_source::{Error, Snapshot};
use testkit::git::http::GitHttpServer;

use crate::remote::{options, spec};
use crate::repos::fixture;

const TOKEN: &str = "ghp_s3cr3tT0k3n";

/// `url` with `user:TOKEN@` in front of its host.
fn with_credentials(url: &str) -> String {
    url.replacen("http://", &format!("http://x-access-token:{TOKEN}@"), 1)
}

/// The error, its `Debug` form and every source, as one text.
fn everything(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n");
    let mut source = std::error::Error::source(err);
    while let Some(error) = source {
        text.push_str(&format!("{error}\n{error:?}\n"));
        source = error.source();
    }
    text
}

fn assert_clean(text: &str) {
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains("x-access-token"), "{text}");
}

#[test]
fn errors_never_show_the_credentials_of_a_url() {
    let scratch = tempfile::tempdir().unwrap();
    // Unreachable: a port nothing listens on.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let server = GitHttpServer::start(&fixture().root);
    for url in [
        format!("http://127.0.0.1:{port}/origin.git"),
        server.url("origin.git"),
    ] {
        let url = with_credentials(&url);
        let capture = crate::remote::Capture::default();
        let err = tracing::subscriber::with_default(capture.clone(), || {
            Snapshot::fetch_merged(&spec(&url, "base", &[(1, "pr1")]), &options(scratch.path()))
                .unwrap_err()
        });
        assert_clean(&everything(&err));
        assert_clean(&capture.lines().join("\n"));
        // gix refuses to send credentials over plain http, before connecting.
        assert_eq!(
            crate::redact(&err.to_string()),
            "fetching from `http://***@127.0.0.1:[port]/origin.git` failed"
        );
        let err = Snapshot::open_at(&url, "main", &options(scratch.path())).unwrap_err();
        assert_clean(&everything(&err));
    }
    let err = Snapshot::open_at(
        &format!("ftp://user:{TOKEN}@example.com/repo"),
        "main",
        &options(scratch.path()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::InvalidLocation { .. }), "{err:?}");
    assert_clean(&everything(&err));
}
