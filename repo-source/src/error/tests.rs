//! Unit tests of the redaction of credentials.

use super::{BoxError, Error, Secret, redact_url};

#[test]
fn the_userinfo_of_a_url_is_redacted() {
    for (url, shown) in [
        (
            "https://user:token@github.com/org/repo.git",
            "https://***@github.com/org/repo.git",
        ),
        (
            "https://ghp_0123456789@github.com/org/repo.git",
            "https://***@github.com/org/repo.git",
        ),
        (
            "https://github.com/org/repo.git",
            "https://github.com/org/repo.git",
        ),
        // An `@` after the host is part of the path, not a userinfo.
        (
            "https://github.com/org/repo@v1",
            "https://github.com/org/repo@v1",
        ),
        ("/local/path", "/local/path"),
    ] {
        assert_eq!(redact_url(url), shown, "{url}");
    }
}

#[derive(Debug)]
struct Leaky(String, Option<Box<Leaky>>);

impl std::fmt::Display for Leaky {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Leaky {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1.as_deref().map(|s| s as _)
    }
}

/// The error's message, `Debug` form and every source's message.
fn everything(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n");
    let mut source = std::error::Error::source(err);
    while let Some(error) = source {
        text.push_str(&format!("{error}\n"));
        source = error.source();
    }
    text
}

#[test]
fn errors_lose_the_secret_in_fields_and_sources() {
    let url = "https://bot:s3cret-token@example.com/repo.git";
    let secret = Secret::of(url);
    let leaky: BoxError = Box::new(Leaky(
        format!("cannot reach {url}"),
        Some(Box::new(Leaky(
            "password s3cret-token refused".to_owned(),
            None,
        ))),
    ));
    let err = Error::Connect {
        url: url.to_owned(),
        source: leaky,
    }
    .redacted(secret.as_ref());
    let text = everything(&err);
    assert!(!text.contains("s3cret-token"), "{text}");
    assert!(!text.contains("bot:"), "{text}");
    insta::assert_snapshot!(text, @r#"
    cannot connect to `https://***@example.com/repo.git`
    Connect { url: "https://***@example.com/repo.git", source: Redacted { message: "cannot reach https://***@example.com/repo.git", source: Some(Redacted { message: "password *** refused", source: None }) } }
    cannot reach https://***@example.com/repo.git
    password *** refused
    "#);

    // A source without the secret is kept as it is (its type stays for callers that look).
    let err = Error::Fetch {
        url: url.to_owned(),
        source: Box::new(Leaky("harmless".to_owned(), None)),
    }
    .redacted(secret.as_ref());
    let Error::Fetch { source, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(source.downcast_ref::<Leaky>().is_some());
}
