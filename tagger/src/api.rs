//! One request to the API server, retried with backoff until it gives a final answer or the
//! run's deadline passes.
//!
//! kube's typed `Api<T>` turns every error answer into `kube::Error::Api(Status)` and drops the
//! response headers, so `Retry-After` would be lost. This layer sends through
//! `kube::Client::send` (the same client, auth and TLS) and reads status, headers and body
//! itself. kube's own retry layer is off (`Config::default_retry = false`, see
//! [`crate::client_from`]): its cap of 1000 s ignores our deadline and it does not retry 500s or
//! dropped connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use kube::api::{GetParams, PostParams};
use kube::client::Body;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::Options;
use crate::error::{ApiStatus, Error, Transient};

/// What a request does, for messages (`cannot get imagestreamtag ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    /// `POST buildconfigs/<name>/instantiatebinary`.
    Instantiate,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Watch => "watch",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::Instantiate => "instantiate",
        }
    }
}

/// The object a request is about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) verb: Verb,
    /// `imagestreamtag`, `imagestream`.
    pub(crate) kind: &'static str,
    pub(crate) namespace: &'a str,
    pub(crate) name: &'a str,
}

impl Target<'_> {
    fn object(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }

    /// `get imagestreamtag release:golang-1.22 in namespace openshift`.
    pub(crate) fn action(&self) -> String {
        format!(
            "{} {} in namespace {}",
            self.verb.as_str(),
            self.object(),
            self.namespace
        )
    }

    /// The error for a final, non-success answer.
    pub(crate) fn error(&self, status: ApiStatus) -> Error {
        let status = Box::new(status);
        let verb = self.verb.as_str();
        let object = self.object();
        let namespace = self.namespace.to_owned();
        match status.code {
            401 => Error::Unauthorized {
                verb,
                object,
                namespace,
                source: status,
            },
            403 => Error::Forbidden {
                verb,
                object,
                namespace,
                source: status,
            },
            404 => Error::NotFound {
                verb,
                object,
                namespace,
                source: status,
            },
            _ => Error::Api {
                verb,
                object,
                namespace,
                source: status,
            },
        }
    }

    /// The error for a name kube refuses to put in a URL.
    pub(crate) fn invalid_name(&self) -> Error {
        Error::InvalidRequest {
            field: "object name",
            value: self.name.to_owned(),
            problem: "not a valid Kubernetes object name",
        }
    }

    pub(crate) fn unexpected(&self, problem: String, source: Option<serde_json::Error>) -> Error {
        Error::Unexpected {
            verb: self.verb.as_str(),
            object: self.object(),
            namespace: self.namespace.to_owned(),
            problem,
            source,
        }
    }
}

/// A final answer: the object, or a status that asking again would not change.
#[derive(Debug)]
pub(crate) enum Answer<T> {
    Ok(T),
    Failed(ApiStatus),
}

impl<T> Answer<T> {
    /// The object, or the error for the status.
    pub(crate) fn into_result(self, target: Target<'_>) -> Result<T, Error> {
        match self {
            Answer::Ok(object) => Ok(object),
            Answer::Failed(status) => Err(target.error(status)),
        }
    }

    /// The answer to a write: `true` when it took effect, `false` on 409 (the object exists,
    /// or another writer updated it first), the error for any other status.
    pub(crate) fn written(self, target: Target<'_>) -> Result<bool, Error> {
        match self {
            Answer::Ok(_) => Ok(true),
            Answer::Failed(status) if status.code == 409 => Ok(false),
            Answer::Failed(status) => Err(target.error(status)),
        }
    }
}

/// One attempt's outcome: a final answer, or a failure worth another attempt.
pub(crate) enum Once<T> {
    Answer(Answer<T>),
    Retry {
        failure: Transient,
        retry_after: Option<Duration>,
    },
}

/// The run's connection to the cluster: the client, the options, the one deadline, and how
/// many requests were sent.
pub(crate) struct Cluster<'a> {
    client: &'a kube::Client,
    options: &'a Options,
    deadline: Instant,
    requests: AtomicUsize,
}

/// Builds the request for each attempt. `Sync` so the futures that send stay `Send`.
pub(crate) type BuildRequest<'b> =
    &'b (dyn Fn() -> Result<http::Request<Vec<u8>>, kube::core::request::Error> + Sync);

impl<'a> Cluster<'a> {
    pub(crate) fn new(client: &'a kube::Client, options: &'a Options, deadline: Instant) -> Self {
        Cluster {
            client,
            options,
            deadline,
            requests: AtomicUsize::new(0),
        }
    }

    pub(crate) fn client(&self) -> &kube::Client {
        self.client
    }

    /// Requests sent so far, retries and watches included.
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Counts a request sent around [`Cluster::send`] (a watch).
    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn options(&self) -> &Options {
        self.options
    }

    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// A backoff sequence with jitter, for retries and for polling.
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::new()
            .with_min_delay(self.options.min_backoff)
            .with_max_delay(self.options.max_backoff)
            .with_jitter()
            .without_max_times()
            .build()
    }

    /// The deadline error for `action`.
    pub(crate) fn deadline_error(
        &self,
        action: String,
        attempts: u32,
        last: Option<Transient>,
    ) -> Error {
        Error::Deadline {
            action,
            timeout: self.options.timeout,
            attempts,
            last: last.map(Box::new),
        }
    }

    /// Sends the request built by `build` until it gets a final answer.
    ///
    /// Retried: 429 (after `Retry-After` when the server gives one), 5xx, connection failures and
    /// attempts without an answer within `Options::attempt_timeout`. Everything else is final.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        target: Target<'_>,
        build: BuildRequest<'_>,
    ) -> Result<Answer<T>, Error> {
        self.send_decoded(target, build, &decode_json::<T>).await
    }

    /// GET the object `target.name` of kind `K` in `target.namespace`.
    pub(crate) async fn get<K>(&self, target: Target<'_>) -> Result<Answer<K>, Error>
    where
        K: kube::Resource<DynamicType = ()> + DeserializeOwned,
    {
        let path = K::url_path(&(), Some(target.namespace));
        let build =
            || kube::core::Request::new(path.as_str()).get(target.name, &GetParams::default());
        self.send::<K>(target, &build).await
    }

    /// POST `object` into its collection in `target.namespace`.
    pub(crate) async fn create<K>(&self, target: Target<'_>, object: &K) -> Result<Answer<K>, Error>
    where
        K: kube::Resource<DynamicType = ()> + Serialize + DeserializeOwned,
    {
        let body = to_json(object, target)?;
        let path = K::url_path(&(), Some(target.namespace));
        let build =
            || kube::core::Request::new(path.as_str()).create(&PostParams::default(), body.clone());
        self.send::<K>(target, &build).await
    }

    /// [`Cluster::send`] for an answer that is plain text (a build log).
    pub(crate) async fn send_text(
        &self,
        target: Target<'_>,
        build: BuildRequest<'_>,
    ) -> Result<Answer<String>, Error> {
        self.send_decoded(target, build, &|body: &[u8]| {
            Ok(String::from_utf8_lossy(body).into_owned())
        })
        .await
    }

    /// One attempt only, for a request that must not be repeated blindly (it may have taken
    /// effect when its answer was lost): the caller decides what to do with a transient failure.
    pub(crate) async fn send_once<T: DeserializeOwned>(
        &self,
        target: Target<'_>,
        request: http::Request<Vec<u8>>,
    ) -> Result<Once<T>, Error> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.deadline_error(target.action(), 0, None));
        }
        let budget = remaining.min(self.options.attempt_timeout);
        match tokio::time::timeout(budget, self.attempt(target, request, &decode_json::<T>)).await {
            Err(_) => Ok(Once::Retry {
                failure: Transient::AttemptTimeout(budget),
                retry_after: None,
            }),
            Ok(once) => once,
        }
    }

    async fn send_decoded<T>(
        &self,
        target: Target<'_>,
        build: BuildRequest<'_>,
        decode: Decode<'_, T>,
    ) -> Result<Answer<T>, Error> {
        let mut backoff = self.backoff();
        let mut attempts = 0u32;
        loop {
            let request = build().map_err(|_| target.invalid_name())?;
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                // Earlier steps used the whole time; retries always stop before the deadline.
                return Err(self.deadline_error(target.action(), attempts, None));
            }
            let budget = remaining.min(self.options.attempt_timeout);
            attempts += 1;
            let outcome = tokio::time::timeout(budget, self.attempt(target, request, decode)).await;
            let (failure, retry_after) = match outcome {
                Err(_) => (Transient::AttemptTimeout(budget), None),
                Ok(attempt) => match attempt? {
                    Once::Answer(answer) => return Ok(answer),
                    Once::Retry {
                        failure,
                        retry_after,
                    } => (failure, retry_after),
                },
            };
            let delay = match retry_after {
                Some(after) => after,
                None => backoff.next().unwrap_or(self.options.max_backoff),
            };
            if Instant::now() + delay >= self.deadline {
                return Err(self.deadline_error(target.action(), attempts, Some(failure)));
            }
            tracing::warn!(
                action = %target.action(),
                attempt = attempts,
                delay_ms = delay.as_millis() as u64,
                error = %failure,
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt<T>(
        &self,
        target: Target<'_>,
        request: http::Request<Vec<u8>>,
        decode: Decode<'_, T>,
    ) -> Result<Once<T>, Error> {
        tracing::debug!(method = %request.method(), uri = %request.uri(), "request");
        self.count_request();
        let response = match self.client.send(request.map(Body::from)).await {
            Ok(response) => response,
            Err(err @ kube::Error::Auth(_)) => {
                return Err(Error::Credentials {
                    verb: target.verb.as_str(),
                    object: target.object(),
                    namespace: target.namespace.to_owned(),
                    source: Box::new(err),
                });
            }
            // Connection refused or reset, TLS handshake, kube's own read timeout: transient.
            Err(err) => {
                return Ok(Once::Retry {
                    failure: Transient::Transport(err),
                    retry_after: None,
                });
            }
        };
        let code = response.status().as_u16();
        let header_retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match response.into_body().collect_bytes().await {
            Ok(body) => body,
            Err(err) => {
                return Ok(Once::Retry {
                    failure: Transient::Transport(err),
                    retry_after: None,
                });
            }
        };
        if (200..300).contains(&code) {
            return match decode(&body) {
                Ok(object) => Ok(Once::Answer(Answer::Ok(object))),
                Err(err) => Err(target.unexpected(
                    format!("the {} in the answer cannot be read", target.kind),
                    Some(err),
                )),
            };
        }
        let (status, body_retry_after) = parse_status(code, &body);
        if code == 429 || code >= 500 {
            return Ok(Once::Retry {
                failure: Transient::Status(status),
                retry_after: header_retry_after.or(body_retry_after),
            });
        }
        Ok(Once::Answer(Answer::Failed(status)))
    }
}

/// The body of a request that writes `object`.
pub(crate) fn to_json<T: Serialize>(object: &T, target: Target<'_>) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(object).map_err(|err| {
        target.unexpected("the object cannot be written as JSON".to_owned(), Some(err))
    })
}

/// How an attempt reads a successful answer's body.
type Decode<'d, T> = &'d (dyn Fn(&[u8]) -> Result<T, serde_json::Error> + Sync);

fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Reads a `Status` body; a body that is not one (a proxy's HTML page) becomes the message.
fn parse_status(code: u16, body: &[u8]) -> (ApiStatus, Option<Duration>) {
    match serde_json::from_slice::<kube::core::Status>(body) {
        Ok(status) => {
            let retry_after = status
                .details
                .as_ref()
                .map(|d| d.retry_after_seconds)
                .filter(|s| *s > 0)
                .map(|s| Duration::from_secs(u64::from(s)));
            (
                ApiStatus {
                    code,
                    reason: status.reason,
                    message: status.message,
                },
                retry_after,
            )
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let message = match text.char_indices().nth(200) {
                Some((end, _)) => format!("{}...", &text[..end]),
                None => text.to_owned(),
            };
            (
                ApiStatus {
                    code,
                    reason: String::new(),
                    message,
                },
                None,
            )
        }
    }
}

#[cfg(test)]
mod tests;
