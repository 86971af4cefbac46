//! Unit tests of the redaction of credentials.

use super::{Cause, RemoteUrl, redact_credentials};

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
        ("https://tok@h", "https://***@h"),
    ] {
        let remote = RemoteUrl::new(url);
        assert_eq!(remote.to_string(), shown, "{url}");
        assert_eq!(format!("{remote:?}"), format!("{shown:?}"), "{url}");
        assert_eq!(remote.expose(), url);
        assert_eq!(redact_credentials(url), shown, "{url}");
    }
}

#[test]
fn credential_query_parameters_are_redacted() {
    for (url, shown) in [
        (
            "https://host/repo.git?access_token=abc123&depth=1",
            "https://host/repo.git?access_token=***&depth=1",
        ),
        (
            "https://host/r?X-Amz-Signature=f00&X-Amz-Credential=k3y#top",
            "https://host/r?X-Amz-Signature=***&X-Amz-Credential=***#top",
        ),
        (
            "https://host/r?api_key=1&sig=2&client_secret=3&password=4",
            "https://host/r?api_key=***&sig=***&client_secret=***&password=***",
        ),
        // Names that only look alike are kept, as are empty values.
        (
            "https://host/r?monkey=1&design=2&token=",
            "https://host/r?monkey=1&design=2&token=",
        ),
        ("plain?token=text", "plain?token=text"),
    ] {
        assert_eq!(redact_credentials(url), shown, "{url}");
        assert_eq!(RemoteUrl::new(url).to_string(), shown, "{url}");
    }
}

/// The cases of the redactor the cli had before this one: every one still holds.
#[test]
fn free_text_keeps_everything_but_the_credentials() {
    assert_eq!(
        redact_credentials(
            "fetching from `http://user:s3cr3t@127.0.0.1:1/r.git` failed; see https://x.io/a@b"
        ),
        "fetching from `http://***@127.0.0.1:1/r.git` failed; see https://x.io/a@b"
    );
    assert_eq!(redact_credentials("no url here"), "no url here");
    assert!(matches!(
        redact_credentials("no url here"),
        std::borrow::Cow::Borrowed(_)
    ));
    assert_eq!(
        redact_credentials("'ssh://git:pw@host:22/r' and \"https://a@b\""),
        "'ssh://***@host:22/r' and \"https://***@b\""
    );
    assert_eq!(
        redact_credentials("see https://h/x?u=https://u:p@other/y?token=t ok"),
        "see https://h/x?u=https://***@other/y?token=*** ok"
    );
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
fn everything(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{err}\n{err:?}\n");
    let mut source = err.source();
    while let Some(error) = source {
        text.push_str(&format!("{error}\n"));
        source = error.source();
    }
    text
}

#[test]
fn a_cause_loses_the_secret_in_every_source() {
    let url = RemoteUrl::new("https://bot:s3cret-token@example.com/repo.git");
    let leaky: Cause = Box::new(Leaky(
        "cannot reach https://bot:s3cret-token@example.com/repo.git".to_owned(),
        Some(Box::new(Leaky(
            "password s3cret-token refused".to_owned(),
            None,
        ))),
    ));
    let cause = url.cause(leaky);
    let text = everything(cause.as_ref());
    assert!(!text.contains("s3cret-token"), "{text}");
    assert!(!text.contains("bot:"), "{text}");
    insta::assert_snapshot!(text, @r#"
    cannot reach https://***@example.com/repo.git
    Scrubbed { message: "cannot reach https://***@example.com/repo.git", source: Some(Scrubbed { message: "password *** refused", source: None }) }
    password *** refused
    "#);

    // A source without the secret is kept as it is (its type stays for callers that look).
    let cause = url.cause(Leaky("harmless".to_owned(), None));
    assert!(cause.downcast_ref::<Leaky>().is_some());
}

#[test]
fn a_cause_whose_debug_form_leaks_is_scrubbed() {
    #[derive(Debug)]
    struct Quiet {
        #[allow(dead_code, reason = "only its Debug form shows it")]
        url: String,
    }
    impl std::fmt::Display for Quiet {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("refused")
        }
    }
    impl std::error::Error for Quiet {}
    let url = RemoteUrl::new("https://bot:s3cret-token@example.com/repo.git");
    let cause = url.cause(Quiet {
        url: url.expose().to_owned(),
    });
    let text = everything(cause.as_ref());
    assert!(!text.contains("s3cret-token"), "{text}");
}
