//! Test support shared by the workspace's tests and benches (a dev-dependency only).
//!
//! - [`git`]: the `git` CLI in an isolated environment (no user, global or system config, fixed
//!   identities and dates, so SHAs are the same on every run), helpers that build repositories
//!   with it (files, symlinks, commits, gitlinks, bare clones, Prow's merge, `fast-import`
//!   streams), and [`git::http::GitHttpServer`], a local `git http-backend` server that counts
//!   bytes and can misbehave.
//! - [`openshift`]: [`openshift::FakeOpenShift`], a loopback OpenShift API server (the
//!   `image.openshift.io/v1` group) with fault injection and a request log, usable from async
//!   tests with the real `kube::Client` and from tests that run the binary.
//!
//! What it deliberately does not do:
//! - It holds no crate's fixtures: which files and branches a test repository has stays with the
//!   tests that read it; this crate only makes building them short and reproducible.
//! - It is never a normal dependency of a product crate (`xtask`'s layering test refuses that),
//!   so nothing here ships.
//! - It does not handle errors: a fixture that cannot be built panics with the reason, which
//!   fails the test that asked for it.
//! - The OpenShift fake is not a conformant apiserver: it follows the conventions the tagger
//!   relies on (discovery, `Status` errors, `resourceVersion` checks, watch) and nothing more.

pub mod git;
pub mod openshift;
