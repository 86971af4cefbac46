//! What tests set up and inspect in the build API, through [`FakeOpenShift`]. Seeding is not a
//! request: it is not logged.

use std::time::Duration;

use serde_json::Value;

use crate::openshift::builds::archive::ArchiveEntry;
use crate::openshift::server::FakeOpenShift;

/// The API group served.
pub const BUILD_GROUP: &str = "build.openshift.io";

/// How the Builds started from now on end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildOutcome {
    /// `Complete`, with an image pushed to the output tag.
    Complete,
    /// Ends in `phase` (`Failed`, `Error` or `Cancelled`) with this reason, message and log.
    Fail {
        /// `Failed`, `Error` or `Cancelled`.
        phase: String,
        /// `status.reason`.
        reason: String,
        /// `status.message`.
        message: String,
        /// The build's log.
        log: String,
    },
    /// Stays `Running` forever (for deadline tests).
    Hang,
}

/// An archive `instantiatebinary` received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The namespace.
    pub namespace: String,
    /// The BuildConfig instantiated.
    pub build_config: String,
    /// The Build it started.
    pub build: String,
    /// The archive's size.
    pub bytes: usize,
    /// What it held.
    pub entries: Vec<ArchiveEntry>,
}

impl Upload {
    /// The path and bytes of each regular file, in archive order.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.entries
            .iter()
            .filter(|e| e.kind == "file")
            .map(|e| (e.path.clone(), e.bytes.clone()))
            .collect()
    }
}

impl FakeOpenShift {
    /// How Builds started from now on end.
    pub fn set_build_outcome(&self, outcome: BuildOutcome) {
        self.state().builds.outcome = outcome;
    }

    /// The time between two phases of a Build (default 20 ms).
    pub fn set_build_step(&self, step: Duration) {
        self.state().builds.step = step;
    }

    /// Every archive `instantiatebinary` received, in order.
    pub fn uploads(&self) -> Vec<Upload> {
        self.state().builds.uploads.clone()
    }

    /// The Builds of a namespace, by name.
    pub fn builds(&self, namespace: &str) -> Vec<Value> {
        self.state()
            .builds
            .builds
            .iter()
            .filter(|((ns, _), _)| ns == namespace)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// The BuildConfig `namespace/name` as the server would return it.
    pub fn build_config(&self, namespace: &str, name: &str) -> Option<Value> {
        self.state()
            .builds
            .configs
            .get(&(namespace.to_owned(), name.to_owned()))
            .cloned()
    }

    /// The log of a Build.
    pub fn build_log(&self, namespace: &str, name: &str) -> Option<String> {
        self.state()
            .builds
            .logs
            .get(&(namespace.to_owned(), name.to_owned()))
            .cloned()
    }

    /// Stores a BuildConfig as given (a run that crashed after creating it), with
    /// `status.lastVersion` 0 unless it has one.
    pub fn seed_build_config(&self, namespace: &str, mut config: Value) {
        let mut state = self.state();
        let store = &mut state.builds;
        let name = config["metadata"]["name"].as_str().unwrap_or("").to_owned();
        config["metadata"]["namespace"] = Value::String(namespace.to_owned());
        if config["status"]["lastVersion"].is_null() {
            config["status"] = serde_json::json!({"lastVersion": 0});
        }
        store.version(&mut config);
        store.configs.insert((namespace.to_owned(), name), config);
    }
}
