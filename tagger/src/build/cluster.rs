//! The requests of a root build: BuildConfig, Builds, `instantiatebinary`, watch, log, and the
//! cache tag. Each is one request through the retrying layer, except `instantiatebinary`
//! (sent once: a retry could start a second Build; the flow re-lists instead) and the watch.

use std::time::Duration;

use futures::TryStreamExt;
use kube::Resource;
use kube::api::{ListParams, LogParams, PostParams, WatchEvent, WatchParams};
use tokio::time::Instant;

use crate::api::{Answer, Cluster, Once, Target, Verb, to_json};
use crate::build::claim::Claim;
use crate::build::objects::{build_config, cache_stream, cache_tag};
use crate::build::request::RootBuildRequest;
use crate::build_types::{BUILD_CONFIG_LABEL, Build, BuildConfig, BuildList};
use crate::error::Error;
use crate::pin::{Lookup, SameImage, same_image};
use crate::types::ImageStreamTag as TagObject;

/// Whether this run created the BuildConfig.
pub(crate) enum Created {
    /// 201: this run holds the first claim.
    Created,
    /// 409: another run (or an earlier one) made it.
    Existed,
}

/// The answer of the one `instantiatebinary` attempt.
pub(crate) enum Instantiated {
    /// The Build it started.
    Started(Box<Build>),
    /// No answer that says whether it started (5xx, 429, dropped connection): list again.
    Unknown {
        /// Why, for the log.
        failure: crate::error::Transient,
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
    },
}

/// How a watch ended without the Build finishing.
pub(crate) enum WatchEnd {
    /// The Build reached a final phase.
    Done(Box<Build>),
    /// The watch closed (its timeout, a dropped connection, 410 Gone): read the Build again.
    Closed,
}

fn build_configs_path(namespace: &str) -> String {
    BuildConfig::url_path(&(), Some(namespace))
}

fn builds_path(namespace: &str) -> String {
    Build::url_path(&(), Some(namespace))
}

/// The request's BuildConfig (named by its key), as a request with `verb` is about it.
fn build_config_target(request: &RootBuildRequest, verb: Verb) -> Target<'_> {
    Target {
        verb,
        kind: "buildconfig",
        namespace: &request.namespace,
        name: &request.key,
    }
}

impl Cluster<'_> {
    /// POST the BuildConfig with the first claim.
    pub(crate) async fn create_build_config(
        &self,
        request: &RootBuildRequest,
        claim: &Claim,
    ) -> Result<Created, Error> {
        let target = build_config_target(request, Verb::Create);
        let created = self.create(target, &build_config(request, claim)).await?;
        Ok(if created.written(target)? {
            Created::Created
        } else {
            Created::Existed
        })
    }

    /// GET the BuildConfig (it exists: this run or another created it).
    pub(crate) async fn get_build_config(
        &self,
        request: &RootBuildRequest,
    ) -> Result<BuildConfig, Error> {
        let target = build_config_target(request, Verb::Get);
        self.get::<BuildConfig>(target).await?.into_result(target)
    }

    /// PUT the BuildConfig with `claim`, guarded by the resourceVersion it was read with.
    /// `false` when another run updated it first (409).
    pub(crate) async fn claim_build(
        &self,
        request: &RootBuildRequest,
        mut config: BuildConfig,
        claim: &Claim,
    ) -> Result<bool, Error> {
        let namespace = request.namespace.as_str();
        let target = build_config_target(request, Verb::Update);
        config
            .metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(
                crate::build::claim::CLAIM_ANNOTATION.to_owned(),
                claim.annotation(),
            );
        let body = to_json(&config, target)?;
        let path = build_configs_path(namespace);
        let build = || {
            kube::core::Request::new(path.as_str()).replace(
                &request.key,
                &PostParams::default(),
                body.clone(),
            )
        };
        self.send::<BuildConfig>(target, &build)
            .await?
            .written(target)
    }

    /// GET the Builds of the key (by the label OpenShift puts on them).
    pub(crate) async fn list_builds(
        &self,
        request: &RootBuildRequest,
    ) -> Result<Vec<Build>, Error> {
        let namespace = request.namespace.as_str();
        let target = Target {
            verb: Verb::List,
            kind: "builds of buildconfig",
            namespace,
            name: &request.key,
        };
        let path = builds_path(namespace);
        let selector = format!("{BUILD_CONFIG_LABEL}={}", request.key);
        let build = || {
            kube::core::Request::new(path.as_str()).list(&ListParams::default().labels(&selector))
        };
        let list = self.send::<BuildList>(target, &build).await?;
        Ok(list.into_result(target)?.items)
    }

    /// POST `buildconfigs/<key>/instantiatebinary` with the archive, once.
    pub(crate) async fn instantiate(
        &self,
        request: &RootBuildRequest,
        archive: &[u8],
    ) -> Result<Instantiated, Error> {
        let namespace = request.namespace.as_str();
        let target = build_config_target(request, Verb::Instantiate);
        let path = build_configs_path(namespace);
        let http_request = kube::core::Request::new(path.as_str())
            .create_subresource(
                "instantiatebinary",
                &request.key,
                &PostParams::default(),
                archive.to_vec(),
            )
            .map(|mut r| {
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/octet-stream"),
                );
                r
            })
            .map_err(|_| target.invalid_name())?;
        match self.send_once::<Build>(target, http_request).await? {
            Once::Answer(Answer::Ok(build)) => Ok(Instantiated::Started(Box::new(build))),
            Once::Answer(Answer::Failed(status)) => Err(target.error(status)),
            Once::Retry {
                failure,
                retry_after,
            } => Ok(Instantiated::Unknown {
                failure,
                retry_after,
            }),
        }
    }

    /// GET one Build.
    pub(crate) async fn get_build(&self, namespace: &str, name: &str) -> Result<Build, Error> {
        let target = Target {
            verb: Verb::Get,
            kind: "build",
            namespace,
            name,
        };
        self.get::<Build>(target).await?.into_result(target)
    }

    /// Watches one Build from `resource_version` until it reaches a final phase, the watch
    /// closes, or the deadline passes. `Err` only for what a new watch would not change
    /// (the Build was deleted, the deadline).
    pub(crate) async fn watch_build(
        &self,
        namespace: &str,
        name: &str,
        resource_version: &str,
    ) -> Result<WatchEnd, Error> {
        let remaining = self.deadline().saturating_duration_since(Instant::now());
        // The API server ends a watch after `timeoutSeconds`; kube refuses 295 s or more.
        let seconds = remaining.as_secs().clamp(1, 290) as u32;
        let params = WatchParams::default()
            .fields(&format!("metadata.name={name}"))
            .timeout(seconds);
        let path = builds_path(namespace);
        let Ok(http_request) =
            kube::core::Request::new(path.as_str()).watch(&params, resource_version)
        else {
            return Ok(WatchEnd::Closed);
        };
        self.count_request();
        tracing::debug!(build = name, resource_version, "watching build");
        let watch = async {
            let events = match self.client().request_events::<Build>(http_request).await {
                Ok(events) => events,
                Err(err) => {
                    tracing::debug!(build = name, error = %err, "watch refused; reading the build again");
                    return Ok(WatchEnd::Closed);
                }
            };
            let mut events = std::pin::pin!(events);
            loop {
                match events.try_next().await {
                    Ok(Some(WatchEvent::Added(build) | WatchEvent::Modified(build))) => {
                        if !build.phase().is_active() {
                            return Ok(WatchEnd::Done(Box::new(build)));
                        }
                        tracing::debug!(build = name, phase = %build.phase(), "build progressed");
                    }
                    Ok(Some(WatchEvent::Deleted(_))) => {
                        return Err(Target {
                            verb: Verb::Watch,
                            kind: "build",
                            namespace,
                            name,
                        }
                        .unexpected("the build was deleted before it finished".to_owned(), None));
                    }
                    Ok(Some(WatchEvent::Bookmark(_))) => {}
                    Ok(Some(WatchEvent::Error(_)) | None) => return Ok(WatchEnd::Closed),
                    Err(err) => {
                        tracing::debug!(build = name, error = %err, "watch broke; reading the build again");
                        return Ok(WatchEnd::Closed);
                    }
                }
            }
        };
        match tokio::time::timeout(remaining, watch).await {
            Ok(end) => end,
            Err(_) => Ok(WatchEnd::Closed),
        }
    }

    /// The last lines of a Build's log (`builds/<name>/log?tailLines=N`).
    pub(crate) async fn build_log(&self, namespace: &str, name: &str) -> Result<String, Error> {
        let target = Target {
            verb: Verb::Get,
            kind: "build log",
            namespace,
            name,
        };
        let path = builds_path(namespace);
        let params = LogParams {
            tail_lines: Some(crate::build::failure::LOG_TAIL_LINES as i64),
            ..LogParams::default()
        };
        let build = || kube::core::Request::new(path.as_str()).logs(name, &params);
        self.send_text(target, &build).await?.into_result(target)
    }

    /// Tags the cache `<cache ns>/<org>-<repo>-root:<key>` from the built image by digest,
    /// creating its stream when missing. Returns the digest the cache kept when it already
    /// held another image (another namespace built the key first: the cache keeps the first).
    pub(crate) async fn tag_cache(
        &self,
        request: &RootBuildRequest,
        digest: &str,
    ) -> Result<Option<String>, Error> {
        let cache = &request.cache;
        let name = format!("{}:{}", cache.name(), cache.tag());
        let existing = match self.get_istag(cache.namespace(), &name).await? {
            Lookup::Found(existing) => Some(*existing),
            Lookup::Missing(_) => {
                self.create_stream_object(&cache_stream(request)).await?;
                let object = cache_tag(request, digest);
                let (written, _) = self.create_tag(cache.namespace(), &object, &name).await?;
                Some(written)
            }
        };
        Ok(existing.and_then(|tag| kept_other(&tag, request, digest)))
    }
}

/// The digest the cache tag holds when it is not `digest`.
fn kept_other(tag: &TagObject, request: &RootBuildRequest, digest: &str) -> Option<String> {
    let wanted = crate::build::objects::built_image(request, digest);
    let from_matches = tag
        .tag
        .as_ref()
        .and_then(|t| t.from.as_ref())
        .is_some_and(|from| {
            same_image(from, &wanted, request.cache.namespace(), SameImage::Digest)
        });
    if from_matches || tag.digest() == Some(digest) {
        return None;
    }
    Some(
        tag.digest()
            .map(str::to_owned)
            .or_else(|| tag.tag.as_ref()?.from.as_ref().map(|f| f.to_string()))
            .unwrap_or_else(|| "an unresolved image".to_owned()),
    )
}
