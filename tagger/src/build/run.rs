//! The root build flow: pin from the cache on a hit; on a miss start (or join) the one Build of
//! the key, wait for it, pin its image and write the cache.
//!
//! Requests of a hit (each line one request; the first two run concurrently):
//!
//! ```text
//! first run                              re-run (pipeline tag already pinned)
//! GET  <cache istag>                     GET <cache istag>
//! GET  pipeline:<tag>  -> 404            GET pipeline:<tag> -> same image: done
//! POST imagestream pipeline (409 ok)
//! POST imagestreamtag pipeline:<tag>
//! ```
//!
//! A miss, when this run starts the build (11 requests and the watch, measured):
//!
//! ```text
//! POST imagestream pipeline (409 ok: the build pushes into it)
//! POST buildconfig <key> (409: another run made it; see `claim` for who starts the build)
//! GET  builds?labelSelector=openshift.io/build-config.name=<key>
//! POST buildconfigs/<key>/instantiatebinary (the archive; sent once, never retried blindly)
//! GET  build <key>-<n>, then watch it until it ends
//! GET  pipeline:<tag> -> 404; POST imagestream pipeline (409); POST imagestreamtag pipeline:<tag>
//! GET  <cache istag> -> 404; POST its imagestream (409 ok); POST the cache imagestreamtag
//! ```

use tokio::time::Instant;

use crate::Options;
use crate::api::Cluster;
use crate::build::claim::{self, Claim, ClaimMove, Step};
use crate::build::cluster::{Created, Instantiated, WatchEnd};
use crate::build::failure::BuildFailure;
use crate::build::objects::output_tag;
use crate::build::request::{CacheOutcome, RootBuildRequest, RootBuilt};
use crate::build_types::Build;
use crate::error::{Error, Transient};
use crate::pin::{
    Lookup, PIPELINE_STREAM, Pinned, SameImage, pin_digest, pin_if_present, pipeline_stream,
};

/// Hit: pins `pipeline:<tag>` from the cache tag by digest. Miss: `None`, nothing written.
pub(crate) async fn pin_from_cache(
    client: &kube::Client,
    request: &RootBuildRequest,
    options: &Options,
) -> Result<Option<RootBuilt>, Error> {
    request.validate()?;
    let cluster = Cluster::new(client, options, Instant::now() + options.timeout);
    let pinned = pin_if_present(
        &cluster,
        &request.namespace,
        &request.pipeline_tag,
        &request.cache,
        SameImage::Digest,
    )
    .await?;
    Ok(pinned.map(|pinned| built(request, &cluster, pinned, CacheOutcome::Hit, None, None)))
}

/// Miss: builds the root from `archive` (or joins the Build another run started), pins it and
/// writes the cache.
pub(crate) async fn build_and_pin(
    client: &kube::Client,
    request: &RootBuildRequest,
    archive: &[u8],
    options: &Options,
) -> Result<RootBuilt, Error> {
    request.validate()?;
    let cluster = Cluster::new(client, options, Instant::now() + options.timeout);
    let namespace = request.namespace.as_str();
    // The build pushes into `pipeline`; a build whose output stream is missing never starts.
    cluster
        .create_stream_object(&pipeline_stream(namespace))
        .await?;
    let (build, started) = obtain_build(&cluster, request, archive).await?;
    let digest = match build.output_digest() {
        Some(digest) => digest.to_owned(),
        None => output_digest_from_tag(&cluster, request, &build).await?,
    };
    let source = config_model::ImageStreamTag::new(namespace, PIPELINE_STREAM, output_tag(request))
        .map_err(|err| Error::InvalidRequest {
            field: "build key",
            value: request.key.clone(),
            problem: err.problem,
        })?;
    let pinned = pin_digest(
        &cluster,
        namespace,
        &request.pipeline_tag,
        &source,
        &digest,
        SameImage::Digest,
    )
    .await?;
    let cache_kept = cluster.tag_cache(request, &digest).await?;
    tracing::info!(
        namespace,
        key = %request.key,
        build = build.name(),
        started,
        digest = %digest,
        "root built and pinned"
    );
    let mut done = built(
        request,
        &cluster,
        pinned,
        CacheOutcome::Miss,
        Some(build.name().to_owned()),
        cache_kept,
    );
    done.build_started = started;
    Ok(done)
}

fn built(
    request: &RootBuildRequest,
    cluster: &Cluster<'_>,
    pinned: Pinned,
    cache: CacheOutcome,
    build: Option<String>,
    cache_kept: Option<String>,
) -> RootBuilt {
    RootBuilt {
        namespace: request.namespace.clone(),
        pipeline_tag: request.pipeline_tag.clone(),
        key: request.key.clone(),
        cache,
        build,
        build_started: false,
        digest: pinned.digest,
        pull_spec: pinned.pull_spec,
        outcome: pinned.outcome,
        cache_kept,
        requests: cluster.requests(),
    }
}

/// The `Complete` Build of the key, and whether this run started it: the claim protocol of
/// [`claim`] in a loop bounded by the deadline.
async fn obtain_build(
    cluster: &Cluster<'_>,
    request: &RootBuildRequest,
    archive: &[u8],
) -> Result<(Build, bool), Error> {
    let me = claim::run_id();
    let first = Claim::first(&me);
    let mut claimed = match cluster.create_build_config(request, &first).await? {
        Created::Created => Some(first.build),
        Created::Existed => None,
    };
    let mut backoff = cluster.backoff();
    let mut pending_since: Option<(Claim, Instant)> = None;
    let action = || format!("build {} in namespace {}", request.key, request.namespace);
    loop {
        let builds = cluster.list_builds(request).await?;
        let pause = match claim::next_step(&builds, claimed) {
            Step::Use(build) => return Ok((build.clone(), false)),
            Step::Wait(build) => {
                let name = build.name().to_owned();
                let done = wait_for_build(cluster, &request.namespace, &name).await?;
                return finished(cluster, done, false).await;
            }
            Step::Failed(build) => {
                let build = build.clone();
                return finished(cluster, build, true).await;
            }
            Step::Instantiate => match cluster.instantiate(request, archive).await? {
                Instantiated::Started(build) => {
                    tracing::info!(build = build.name(), key = %request.key, "build started");
                    let name = build.name().to_owned();
                    let done = wait_for_build(cluster, &request.namespace, &name).await?;
                    return finished(cluster, done, true).await;
                }
                // It may or may not have started: the next listing tells.
                Instantiated::Unknown {
                    failure,
                    retry_after,
                } => Some((failure, retry_after)),
            },
            Step::Claim => {
                let config = cluster.get_build_config(request).await?;
                let wanted = match claim::claim_move(&config, &me) {
                    ClaimMove::Mine(claim) => {
                        claimed = Some(claim.build);
                        continue;
                    }
                    ClaimMove::Take(claim) => Some(claim),
                    ClaimMove::Pending(pending) => {
                        let now = Instant::now();
                        let since = match &pending_since {
                            Some((seen, since)) if *seen == pending => *since,
                            _ => {
                                pending_since = Some((pending.clone(), now));
                                now
                            }
                        };
                        if now.duration_since(since) >= cluster.options().build_claim_grace {
                            tracing::warn!(claim = %pending.annotation(), "taking over a stale build claim");
                            Some(claim::takeover(&pending, &me))
                        } else {
                            None
                        }
                    }
                };
                match wanted {
                    Some(claim) if cluster.claim_build(request, config, &claim).await? => {
                        claimed = Some(claim.build);
                        continue;
                    }
                    _ => None,
                }
            }
        };
        // Waiting for another run's Build to appear, or for an answer that was lost.
        let (failure, retry_after) = match pause {
            Some((failure, retry_after)) => (Some(failure), retry_after),
            None => (None, None),
        };
        let delay = retry_after
            .or_else(|| backoff.next())
            .unwrap_or(cluster.options().max_backoff);
        if Instant::now() + delay >= cluster.deadline() {
            return Err(cluster.deadline_error(action(), 1, failure.or(Some(Transient::NoBuild))));
        }
        tokio::time::sleep(delay).await;
    }
}

/// Reads and watches a Build until it reaches a final phase.
async fn wait_for_build(
    cluster: &Cluster<'_>,
    namespace: &str,
    name: &str,
) -> Result<Build, Error> {
    let mut backoff = cluster.backoff();
    loop {
        let build = cluster.get_build(namespace, name).await?;
        if !build.phase().is_active() {
            return Ok(build);
        }
        let version = build.metadata.resource_version.clone().unwrap_or_default();
        match cluster.watch_build(namespace, name, &version).await? {
            WatchEnd::Done(build) => return Ok(*build),
            WatchEnd::Closed => {}
        }
        let delay = backoff.next().unwrap_or(cluster.options().max_backoff);
        if Instant::now() + delay >= cluster.deadline() {
            return Err(cluster.deadline_error(
                format!("wait for build {name} in namespace {namespace} to complete"),
                1,
                Some(Transient::BuildRunning(build.phase().as_str())),
            ));
        }
        tokio::time::sleep(delay).await;
    }
}

/// A Build in a final phase: itself when `Complete`, else its failure with the end of its log.
async fn finished(
    cluster: &Cluster<'_>,
    build: Build,
    started: bool,
) -> Result<(Build, bool), Error> {
    if !build.phase().is_failure() {
        return Ok((build, started));
    }
    let namespace = build.metadata.namespace.clone().unwrap_or_default();
    let (log_tail, log_problem) = match cluster.build_log(&namespace, build.name()).await {
        Ok(log) => (BuildFailure::tail_of(&log), None),
        Err(err) if !build.status.log_snippet.is_empty() => (
            BuildFailure::tail_of(&build.status.log_snippet),
            Some(err.to_string()),
        ),
        Err(err) => (Vec::new(), Some(err.to_string())),
    };
    Err(Error::BuildFailed(Box::new(BuildFailure {
        namespace,
        build: build.name().to_owned(),
        phase: build.phase().as_str().to_owned(),
        reason: build.status.reason.clone(),
        message: build.status.message.clone(),
        log_tail,
        log_problem,
    })))
}

/// The digest of `pipeline:<key>`, for a Complete Build whose status lacks one (the API says a
/// registry may not return it).
async fn output_digest_from_tag(
    cluster: &Cluster<'_>,
    request: &RootBuildRequest,
    build: &Build,
) -> Result<String, Error> {
    let name = format!("{PIPELINE_STREAM}:{}", output_tag(request));
    match cluster.get_istag(&request.namespace, &name).await? {
        Lookup::Found(tag) => tag.digest().map(str::to_owned).ok_or_else(|| {
            crate::api::Target {
                verb: crate::api::Verb::Get,
                kind: "build",
                namespace: &request.namespace,
                name: build.name(),
            }
            .unexpected(
                format!("the build completed but neither it nor {name} names an image"),
                None,
            )
        }),
        Lookup::Missing(not_found) => Err(not_found),
    }
}
