//! The build API's store: BuildConfigs, Builds, their logs, the archives uploaded, and how
//! Builds end.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::openshift::builds::seed::{BuildOutcome, Upload};
use crate::openshift::conventions::Counters;
use crate::openshift::watch::Watchers;

/// Objects by (namespace, name), as the JSON the server returns.
pub(crate) type Objects = BTreeMap<(String, String), Value>;

/// The state of `build.openshift.io`.
pub(crate) struct Store {
    /// Resource versions and uids, shared with the other groups.
    pub(crate) counters: Counters,
    /// Every BuildConfig.
    pub(crate) configs: Objects,
    /// Every Build.
    pub(crate) builds: Objects,
    /// The log of each Build.
    pub(crate) logs: BTreeMap<(String, String), String>,
    /// Every archive `instantiatebinary` received, in order.
    pub(crate) uploads: Vec<Upload>,
    /// How the next Builds end.
    pub(crate) outcome: BuildOutcome,
    /// The time between two phases of a Build.
    pub(crate) step: Duration,
    /// Watches on builds.
    pub(crate) watchers: Watchers,
}

impl Store {
    /// An empty store that versions objects with `counters`.
    pub(crate) fn new(counters: &Counters) -> Store {
        Store {
            counters: counters.clone(),
            configs: Objects::new(),
            builds: Objects::new(),
            logs: BTreeMap::new(),
            uploads: Vec::new(),
            outcome: BuildOutcome::Complete,
            step: Duration::from_millis(20),
            watchers: Watchers::default(),
        }
    }

    /// Gives `object` a new resourceVersion (and a uid and timestamp when it has none).
    pub(crate) fn version(&self, object: &mut Value) {
        let rv = self.counters.next_resource_version();
        object["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        if object["metadata"]["uid"].as_str().is_none_or(str::is_empty) {
            object["metadata"]["uid"] = Value::String(self.counters.next_uid());
        }
        if object["metadata"]["creationTimestamp"].is_null() {
            object["metadata"]["creationTimestamp"] =
                Value::String(crate::openshift::conventions::TIMESTAMP.to_owned());
        }
    }

    /// Stores a Build (new version) and tells its watchers `kind`.
    pub(crate) fn put_build(
        &mut self,
        namespace: &str,
        name: &str,
        mut build: Value,
        kind: &str,
    ) -> Value {
        self.version(&mut build);
        self.builds
            .insert((namespace.to_owned(), name.to_owned()), build.clone());
        self.watchers.notify(namespace, name, kind, &build);
        build
    }
}
