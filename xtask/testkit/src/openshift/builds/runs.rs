//! Requests for `builds` (list by label, get, watch, log), and the life of a Build: `New`,
//! `Running`, then how [`BuildOutcome`] says it ends.

use bytes::Bytes;
use hyper::Response;
use serde_json::{Value, json};

use crate::openshift::body::{Answer, FakeBody, json_response};
use crate::openshift::builds::seed::{BUILD_GROUP, BuildOutcome};
use crate::openshift::group::Call;
use crate::openshift::images::objects::{ImageRecord, REGISTRY};
use crate::openshift::request::percent_decode;
use crate::openshift::state::{Shared, State, lock};
use crate::openshift::status::{Resource, bad_request};
use crate::openshift::watch;

const BUILDS: Resource<'static> = Resource {
    group: BUILD_GROUP,
    plural: "builds",
};

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_owned(), name.to_owned())
}

/// Whether `build` matches a `labelSelector` of `key=value` terms (`key==value` too).
fn matches_labels(build: &Value, selector: &str) -> bool {
    selector.split(',').filter(|t| !t.is_empty()).all(|term| {
        let (k, v) = term
            .split_once("==")
            .or_else(|| term.split_once('='))
            .unwrap_or((term, ""));
        build["metadata"]["labels"][k.trim()] == json!(v.trim())
    })
}

/// `GET builds` (with an optional `labelSelector` of equalities).
pub(crate) fn list(state: &Shared, call: &Call<'_>) -> Answer {
    let selector = call
        .request
        .param("labelSelector")
        .map(percent_decode)
        .unwrap_or_default();
    let s = lock(state);
    let items: Vec<Value> = s
        .builds
        .builds
        .iter()
        .filter(|((ns, _), b)| ns == call.namespace && matches_labels(b, &selector))
        .map(|(_, b)| b.clone())
        .collect();
    json_response(
        200,
        &json!({"kind": "BuildList", "apiVersion": format!("{BUILD_GROUP}/v1"),
                "metadata": {"resourceVersion": s.builds.counters.resource_version().to_string()}, "items": items}),
    )
}

/// `GET builds?watch=1` (with an optional `fieldSelector=metadata.name=`): ADDED for each
/// Build (or MODIFIED for each changed since `resourceVersion`), then every change.
pub(crate) fn watch(state: &Shared, call: &Call<'_>) -> Answer {
    let watch = watch::WatchRequest::of(call.request);
    let mut s = lock(state);
    let initial = watch.initial_events(call.namespace, &s.builds.builds);
    let events = s
        .builds
        .watchers
        .subscribe(call.namespace, watch.name, initial);
    watch::response(events, watch.timeout)
}

/// `GET builds/<name>`.
pub(crate) fn get(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    match lock(state).builds.builds.get(&key(call.namespace, name)) {
        Some(build) => json_response(200, build),
        None => BUILDS.not_found(name),
    }
}

/// `GET builds/<name>/log` (with an optional `tailLines`), as plain text.
pub(crate) fn log(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    let s = lock(state);
    if !s.builds.builds.contains_key(&key(call.namespace, name)) {
        return BUILDS.not_found(name);
    }
    let log = s
        .builds
        .logs
        .get(&key(call.namespace, name))
        .cloned()
        .unwrap_or_default();
    let text = match call.request.param("tailLines") {
        Some(n) => match n.parse::<usize>() {
            Ok(n) => {
                let lines: Vec<&str> = log.lines().collect();
                let start = lines.len().saturating_sub(n);
                lines[start..].iter().map(|l| format!("{l}\n")).collect()
            }
            Err(_) => return bad_request(&format!("tailLines: invalid value {n:?}")),
        },
        None => log,
    };
    Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(FakeBody::Full(Some(Bytes::from(text))))
        .expect("a text response builds")
}

/// Moves the Build through its phases on the server's runtime.
pub(crate) fn start(state: &Shared, namespace: &str, name: &str) {
    let state = state.clone();
    let (namespace, name) = (namespace.to_owned(), name.to_owned());
    tokio::spawn(async move {
        let step = lock(&state).builds.step;
        tokio::time::sleep(step).await;
        set_phase(
            &mut lock(&state),
            &namespace,
            &name,
            "Running",
            "STEP 1/2: FROM base\n",
        );
        tokio::time::sleep(step).await;
        let mut s = lock(&state);
        let outcome = s.builds.outcome.clone();
        match outcome {
            BuildOutcome::Complete => complete(&mut s, &namespace, &name),
            BuildOutcome::Fail {
                phase,
                reason,
                message,
                log,
            } => fail(&mut s, &namespace, &name, &phase, (&reason, &message), &log),
            BuildOutcome::Hang => {}
        }
    });
}

/// Sets the phase of a Build that still exists, appending `log` to its log.
fn set_phase(s: &mut State, namespace: &str, name: &str, phase: &str, log: &str) -> Option<Value> {
    let mut build = s.builds.builds.get(&key(namespace, name))?.clone();
    build["status"]["phase"] = json!(phase);
    s.builds
        .logs
        .entry(key(namespace, name))
        .or_default()
        .push_str(log);
    Some(s.builds.put_build(namespace, name, build, "MODIFIED"))
}

/// Ends a Build without an image.
fn fail(
    s: &mut State,
    namespace: &str,
    name: &str,
    phase: &str,
    (reason, message): (&str, &str),
    log: &str,
) {
    let Some(mut build) = s.builds.builds.get(&key(namespace, name)).cloned() else {
        return;
    };
    let full = s.builds.logs.entry(key(namespace, name)).or_default();
    full.push_str(log);
    let lines: Vec<&str> = full.lines().collect();
    let snippet = lines[lines.len().saturating_sub(5)..].join("\n");
    build["status"]["phase"] = json!(phase);
    build["status"]["reason"] = json!(reason);
    build["status"]["message"] = json!(message);
    build["status"]["logSnippet"] = json!(snippet);
    build["status"]["completionTimestamp"] = json!(crate::openshift::conventions::TIMESTAMP);
    s.builds.put_build(namespace, name, build, "MODIFIED");
}

/// Pushes the Build's image into its output stream and marks it `Complete`; `Error` with
/// `InvalidOutputReference` when the output stream does not exist.
fn complete(s: &mut State, namespace: &str, name: &str) {
    let Some(mut build) = s.builds.builds.get(&key(namespace, name)).cloned() else {
        return;
    };
    let to = &build["spec"]["output"]["to"];
    let output_namespace = to["namespace"].as_str().unwrap_or(namespace).to_owned();
    let target = to["name"].as_str().unwrap_or("").to_owned();
    let Some((stream, tag)) = target.split_once(':') else {
        return fail(
            s,
            namespace,
            name,
            "Error",
            (
                "InvalidOutputReference",
                "Output image could not be resolved.",
            ),
            "",
        );
    };
    if s.images.stream(&output_namespace, stream).is_none() {
        let message =
            format!("Output image could not be resolved: imagestream {stream} not found.");
        return fail(
            s,
            namespace,
            name,
            "Error",
            ("InvalidOutputReference", &message),
            "",
        );
    }
    let upload = s
        .builds
        .uploads
        .iter()
        .find(|u| u.namespace == namespace && u.build == name);
    let digest = digest_of(
        &format!("{namespace}/{name}"),
        upload
            .map(|u| {
                u.entries
                    .iter()
                    .flat_map(|e| e.bytes.iter().copied())
                    .collect::<Vec<u8>>()
            })
            .unwrap_or_default()
            .as_slice(),
    );
    let reference = format!("{REGISTRY}/{output_namespace}/{stream}@{digest}");
    s.images.images.insert(
        digest.clone(),
        ImageRecord {
            reference: reference.clone(),
            labels: Default::default(),
        },
    );
    s.images
        .push_event(&output_namespace, stream, tag, (&digest, &reference), 0);
    s.images.touch(&output_namespace, stream, "MODIFIED");
    s.builds
        .logs
        .entry(key(namespace, name))
        .or_default()
        .push_str(&format!(
            "STEP 2/2: COMMIT\nSuccessfully pushed {reference}\nPush successful\n"
        ));
    build["status"]["phase"] = json!("Complete");
    build["status"]["outputDockerImageReference"] =
        json!(format!("{REGISTRY}/{output_namespace}/{target}"));
    build["status"]["output"] = json!({"to": {"imageDigest": digest}});
    build["status"]["completionTimestamp"] = json!(crate::openshift::conventions::TIMESTAMP);
    s.builds.put_build(namespace, name, build, "MODIFIED");
}

/// A deterministic `sha256:<64 hex>` for a Build's image: the same files and Build name give
/// the same digest.
fn digest_of(build: &str, content: &[u8]) -> String {
    let mut hex = String::from("sha256:");
    for seed in 0u64..4 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for byte in build.bytes().chain(content.iter().copied()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hex.push_str(&format!("{hash:016x}"));
    }
    hex
}
