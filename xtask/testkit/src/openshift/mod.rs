//! A loopback test double of the OpenShift API (`image.openshift.io/v1` and
//! `build.openshift.io/v1`).
//!
//! [`FakeOpenShift`] serves plain HTTP/1.1 on `127.0.0.1:<free port>` from its own thread and
//! tokio runtime, so async tests (with the real `kube::Client`) and plain
//! `std::process::Command` tests of the CLI can both use it. It follows the Kubernetes API
//! conventions the tagger relies on: discovery (`/api`, `/apis`, `/apis/<group>/v1`), `Status`
//! errors with the apiserver's reasons and codes, `resourceVersion` checks on update,
//! AlreadyExists on create, watch on imagestreams (`?watch=1`; OpenShift refuses watch on
//! imagestreamtags and so does this), and a bearer token check (401, [`TOKEN`]).
//!
//! Image semantics: an ImageStreamTag create or update whose source is an `ImageStreamImage` or
//! `ImageStreamTag` is resolved synchronously (unless [`FakeOpenShift::set_resolve_delay`]) and
//! recorded in the stream's status; a `DockerImage` source starts an import, which is counted
//! ([`FakeOpenShift::imports`]) and never completes. Creating a tag in a missing stream creates
//! the stream implicitly with `lookupPolicy.local: false`, as OpenShift does.
//!
//! Build semantics (`builds`): BuildConfigs (AlreadyExists, optimistic updates),
//! `instantiatebinary` (it reads the uploaded tar and records what it held, [`Upload`]), Builds
//! that move `New` -> `Running` -> `Complete` with watch events and push their image into the
//! output stream, or end as [`BuildOutcome`] says, and their logs.
//!
//! Faults are injected per request ([`Fault`]): a status code, 429 with `Retry-After`, a dropped
//! connection (before or after the request takes effect) or a slow answer. Every request is
//! logged with its answer ([`FakeOpenShift::log`]).
//!
//! Layout: `server` (the thread, the connection loop, auth, faults and the log), `routing`
//! (discovery and dispatch to an API group), `group` (what an API group provides), one folder per
//! group (`images`: its store, object shapes, handlers and the test-facing seeding), and small
//! modules for Kubernetes conventions shared by every group (`status`, `request`, `update`,
//! `watch`, `body`). Another group is a new folder implementing `group::ApiGroup`, named in `routing::GROUPS`, with
//! its store in `state::State` (`builds` is one).

mod body;
mod builds;
mod conventions;
mod faults;
mod group;
mod images;
mod log;
mod request;
mod routing;
mod server;
mod state;
mod status;
mod update;
mod watch;

pub use builds::archive;
pub use builds::{BUILD_GROUP, BuildOutcome, Upload};
pub use conventions::{TIMESTAMP, TOKEN, USER};
pub use faults::Fault;
pub use images::{IMAGE_GROUP, PUBLIC_REGISTRY, REGISTRY, SOURCE_REGISTRY};
pub use log::Logged;
pub use server::FakeOpenShift;
