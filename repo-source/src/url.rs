//! The one rule that keeps credentials out of messages: [`RemoteUrl`], a remote's URL that can
//! only be shown redacted, and [`redact_credentials`], the same rule for any text.
//!
//! A job's `clone_uri` may carry a token (`https://x-access-token:<token>@github.com/…`, or a
//! `?access_token=` parameter), and gix's errors repeat the URL they were given. So this crate
//! stores a remote's URL as a [`RemoteUrl`] wherever it could be shown (errors, revision
//! descriptions, log lines): its `Display` and `Debug` hide the secret, and only
//! [`RemoteUrl::expose`] gives the URL itself, to the transport. An error from below that is
//! kept as a source goes through [`RemoteUrl::cause`], which removes the secret from its text.
//! Errors are therefore safe to print as they are made, with no redaction pass afterwards.
//!
//! The rule, for every `scheme://` in a text: the user information before the host's `@`
//! (`user:password@`, `token@`) becomes `***@`, and the value of every query parameter whose
//! name looks like a credential (`token`, `access_token`, `password`, `secret`, `key`, `sig`,
//! `X-Amz-Signature`, …) becomes `***`. A URL ends at whitespace or a quote (`` ` ``, `'`, `"`),
//! its authority at the first `/` as well.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A boxed error, as kept in the `source` of this crate's errors.
type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The replacement of a secret.
const HIDDEN: &str = "***";

/// A remote's URL (or a local path standing for a remote), shown only with its credentials
/// replaced by `***`.
///
/// `Display` and `Debug` print the redacted form (`https://***@github.com/org/repo.git`); the
/// URL itself is only available through [`RemoteUrl::expose`], for the transport.
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteUrl(Arc<Parts>);

/// A [`RemoteUrl`], shared: errors and log lines each hold one.
#[derive(PartialEq, Eq)]
struct Parts {
    url: String,
    shown: String,
    /// `user:token@`, shown as `***@`.
    userinfo: Option<String>,
    /// The parts worth hiding wherever they appear, not only inside this URL: the password, a
    /// user name long enough to be a token, the values of credential parameters.
    secrets: Vec<String>,
}

impl RemoteUrl {
    /// Wraps `url` (any text: the check that it is a URL this crate fetches from is made where
    /// it is fetched).
    pub fn new(url: impl Into<String>) -> RemoteUrl {
        let url = url.into();
        let shown = redact_credentials(&url).into_owned();
        let (userinfo, secrets) = secrets_of(&url);
        RemoteUrl(Arc::new(Parts {
            url,
            shown,
            userinfo,
            secrets,
        }))
    }

    /// The URL with its credentials, for the transport only: never show it.
    pub fn expose(&self) -> &str {
        &self.0.url
    }

    /// `text` without this URL's secrets, and without any URL credentials (see
    /// [`redact_credentials`]).
    pub(crate) fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = redact_credentials(text);
        if let Some(userinfo) = &self.0.userinfo
            && text.contains(userinfo.as_str())
        {
            text = Cow::Owned(text.replace(userinfo.as_str(), "***@"));
        }
        for secret in &self.0.secrets {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), HIDDEN));
            }
        }
        text
    }

    /// `err`, made safe to keep as the source of an error about this remote: itself when no
    /// error of its chain shows a secret, else a copy of the chain's text without the secrets
    /// (the types are lost, which only matters to code that already classified it).
    pub(crate) fn cause(&self, err: impl Into<Cause>) -> Cause {
        let err = err.into();
        let mut messages = Vec::new();
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err.as_ref());
        while let Some(error) = current
            && messages.len() < 64
        {
            messages.push(error.to_string());
            current = error.source();
        }
        let debug = format!("{err:?}");
        let leaks = |text: &str| matches!(self.scrub(text), Cow::Owned(_));
        if !leaks(&debug) && !messages.iter().any(|message| leaks(message)) {
            return err;
        }
        let mut chain: Option<Box<Scrubbed>> = None;
        for message in messages.iter().rev() {
            chain = Some(Box::new(Scrubbed {
                message: self.scrub(message).into_owned(),
                source: chain,
            }));
        }
        match chain {
            Some(chain) => chain,
            None => err,
        }
    }
}

impl fmt::Display for RemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.shown)
    }
}

impl fmt::Debug for RemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.shown.as_str(), f)
    }
}

impl std::str::FromStr for RemoteUrl {
    type Err = std::convert::Infallible;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Ok(RemoteUrl::new(url))
    }
}

/// An error's text with the secrets removed, and its sources likewise.
#[derive(Debug)]
struct Scrubbed {
    message: String,
    source: Option<Box<Scrubbed>>,
}

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Scrubbed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// `text` with the credentials of every URL in it replaced by `***`: the user information
/// (`https://user:token@host` becomes `https://***@host`) and the values of query parameters
/// named like credentials (`?access_token=…`). Text without credentials is returned as it is.
pub fn redact_credentials(text: &str) -> Cow<'_, str> {
    let without_userinfo = redact_userinfo(text);
    match redact_query_credentials(&without_userinfo) {
        Cow::Borrowed(_) => without_userinfo,
        Cow::Owned(redacted) => Cow::Owned(redacted),
    }
}

/// Where a URL, or its authority, stops in free text.
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '`' | '\'' | '"')
}

/// The user information of every `scheme://user@host` in `text` replaced by `***`.
fn redact_userinfo(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(scheme) = rest.find("://") {
        let (before, after) = rest.split_at(scheme + 3);
        out.push_str(before);
        let authority_end = after
            .find(|c: char| c == '/' || ends_url(c))
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                changed = true;
                out.push_str(HIDDEN);
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The values of credential query parameters of every URL in `text` replaced by `***`.
fn redact_query_credentials(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(scheme) = rest.find("://") {
        let url_end = rest[scheme..]
            .find(ends_url)
            .map_or(rest.len(), |end| scheme + end);
        let (url, after) = rest.split_at(url_end);
        let Some(query) = url.find('?') else {
            out.push_str(url);
            rest = after;
            continue;
        };
        out.push_str(&url[..=query]);
        // `?` separates too: a URL in a parameter's value has a query of its own.
        let parameters = &url[query + 1..];
        let mut start = 0;
        let separators = parameters
            .char_indices()
            .filter(|(_, c)| matches!(c, '&' | '?'))
            .chain([(parameters.len(), '&')]);
        for (end, separator) in separators {
            let parameter = &parameters[start..end];
            match parameter.split_once('=') {
                Some((name, value)) if !value.is_empty() && is_credential_name(name) => {
                    changed = true;
                    out.push_str(name);
                    out.push('=');
                    out.push_str(HIDDEN);
                    // A fragment after the last parameter is kept.
                    if let Some(fragment) = value.find('#') {
                        out.push_str(&value[fragment..]);
                    }
                }
                _ => out.push_str(parameter),
            }
            if end < parameters.len() {
                out.push(separator);
            }
            start = end + 1;
        }
        rest = after;
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether a query parameter's name says its value is a credential: it has a word such as
/// `token`, `key`, `password`, `secret`, `sig`, `auth` (`access_token`, `X-Amz-Signature`,
/// `client_secret`, `apikey`).
fn is_credential_name(name: &str) -> bool {
    const WORDS: [&str; 14] = [
        "key",
        "apikey",
        "sig",
        "signature",
        "pass",
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "auth",
        "authorization",
        "credential",
        "credentials",
    ];
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password"]
        .iter()
        .any(|part| name.contains(part))
        || name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| WORDS.contains(&word))
}

/// The user information of `url` (`user:token@`) and the parts of it worth hiding wherever they
/// appear (see [`RemoteUrl`]'s `secrets`).
fn secrets_of(url: &str) -> (Option<String>, Vec<String>) {
    let mut secrets = Vec::new();
    let Some((_, rest)) = url.split_once("://") else {
        return (None, secrets);
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let userinfo = authority.rsplit_once('@').map(|(userinfo, _)| userinfo);
    if let Some(userinfo) = userinfo {
        match userinfo.split_once(':') {
            Some((user, password)) => {
                if !password.is_empty() {
                    secrets.push(password.to_owned());
                }
                if user.len() >= 8 {
                    secrets.push(user.to_owned());
                }
            }
            // A token alone (`https://<token>@github.com/…`).
            None if userinfo.len() >= 8 => secrets.push(userinfo.to_owned()),
            None => {}
        }
    }
    if let Some((_, query)) = rest.split_once('?') {
        let query = query.split('#').next().unwrap_or_default();
        for parameter in query.split('&') {
            if let Some((name, value)) = parameter.split_once('=')
                && !value.is_empty()
                && is_credential_name(name)
            {
                secrets.push(value.to_owned());
            }
        }
    }
    (userinfo.map(|userinfo| format!("{userinfo}@")), secrets)
}

#[cfg(test)]
mod tests;
