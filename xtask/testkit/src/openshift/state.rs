//! Everything the server knows, behind one lock: the log, the faults, the forbidden namespaces
//! and each API group's store.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::openshift::builds::store::Store as BuildStore;
use crate::openshift::conventions::Counters;
use crate::openshift::faults::Faults;
use crate::openshift::images::store::Store;
use crate::openshift::log::Logged;

/// The server's state. Every group's store shares one [`Counters`].
pub(crate) struct State {
    /// Every request so far.
    pub(crate) log: Vec<Logged>,
    /// Faults waiting for requests.
    pub(crate) faults: Faults,
    /// Namespaces where every request is answered 403.
    pub(crate) forbidden: BTreeSet<String>,
    /// `image.openshift.io`.
    pub(crate) images: Store,
    /// `build.openshift.io`.
    pub(crate) builds: BuildStore,
}

impl Default for State {
    fn default() -> Self {
        let counters = Counters::default();
        State {
            log: Vec::new(),
            faults: Faults::default(),
            forbidden: BTreeSet::new(),
            images: Store::new(&counters),
            builds: BuildStore::new(&counters),
        }
    }
}

/// The state as the server's tasks and the test share it.
pub(crate) type Shared = Arc<Mutex<State>>;

/// Locks the state; a test that panicked while holding it does not poison the others.
pub(crate) fn lock(state: &Shared) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
