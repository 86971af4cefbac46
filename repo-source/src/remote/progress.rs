//! Fetch progress as `tracing` events, without a progress bar library.
//!
//! gix reports progress through prodash's traits and, for the hot loops (receiving and indexing
//! the pack), bumps shared atomic counters directly instead of calling back. So this adapter only
//! registers each task's name, unit and counter, and the thread that waits for the fetch (see
//! `deadline::run_with_deadline`) logs a snapshot of the counters now and then. No extra thread.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use gix::progress::{
    Count, Id, MessageLevel, NestedProgress, Progress, Step, StepShared, UNKNOWN, Unit,
};

/// One task gix announced.
struct Task {
    name: String,
    max: Option<Step>,
    unit: Option<Unit>,
    counter: StepShared,
}

/// Every task of one fetch, shared between gix's thread and the waiting thread, and the totals
/// of the packs received for the one summary line.
#[derive(Clone, Default)]
pub(crate) struct Tasks {
    tasks: Arc<Mutex<Vec<Task>>>,
    totals: Arc<Totals>,
}

#[derive(Default)]
struct Totals {
    objects: AtomicU64,
    bytes: AtomicU64,
    rounds: AtomicU64,
}

impl Tasks {
    /// Adds one received pack to the totals.
    pub(crate) fn record_pack(&self, objects: u64, bytes: u64) {
        self.totals.objects.fetch_add(objects, Ordering::Relaxed);
        self.totals.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.totals.rounds.fetch_add(1, Ordering::Relaxed);
    }

    /// Objects, bytes of pack, and fetch rounds so far.
    pub(crate) fn totals(&self) -> (u64, u64, u64) {
        (
            self.totals.objects.load(Ordering::Relaxed),
            self.totals.bytes.load(Ordering::Relaxed),
            self.totals.rounds.load(Ordering::Relaxed),
        )
    }

    /// The root progress to hand to gix.
    pub(crate) fn root(&self) -> TaskProgress {
        TaskProgress {
            tasks: self.clone(),
            index: None,
            counter: StepShared::default(),
        }
    }

    /// One line per task that has started counting: `receiving pack: 1.2 MB`.
    pub(crate) fn log(&self) {
        let tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        let lines: Vec<String> = tasks
            .iter()
            .filter_map(|task| {
                let step = task.counter.load(Ordering::Relaxed);
                (step > 0).then(|| match &task.unit {
                    Some(unit) => format!("{}: {}", task.name, unit.display(step, task.max, None)),
                    None => match task.max {
                        Some(max) => format!("{}: {step}/{max}", task.name),
                        None => format!("{}: {step}", task.name),
                    },
                })
            })
            .collect();
        if !lines.is_empty() {
            tracing::info!(target: "repo_source::fetch", "{}", lines.join(", "));
        }
    }
}

/// A prodash progress that records itself in [`Tasks`].
pub(crate) struct TaskProgress {
    tasks: Tasks,
    /// This task's slot in `tasks`, once it was initialised (named tasks that never count are
    /// headlines and stay out of the log).
    index: Option<usize>,
    counter: StepShared,
}

impl TaskProgress {
    fn with_task(&self, change: impl FnOnce(&mut Task)) {
        if let Some(index) = self.index {
            let mut tasks = self
                .tasks
                .tasks
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(task) = tasks.get_mut(index) {
                change(task);
            }
        }
    }
}

impl Count for TaskProgress {
    fn set(&self, step: Step) {
        self.counter.store(step, Ordering::Relaxed);
    }

    fn step(&self) -> Step {
        self.counter.load(Ordering::Relaxed)
    }

    fn inc_by(&self, step: Step) {
        self.counter.fetch_add(step, Ordering::Relaxed);
    }

    fn counter(&self) -> StepShared {
        self.counter.clone()
    }
}

impl Progress for TaskProgress {
    fn init(&mut self, max: Option<Step>, unit: Option<Unit>) {
        self.with_task(|task| {
            task.max = max;
            task.unit = unit;
        });
    }

    fn set_name(&mut self, name: String) {
        self.with_task(|task| task.name = name);
    }

    fn name(&self) -> Option<String> {
        let mut name = None;
        self.with_task(|task| name = Some(task.name.clone()));
        name
    }

    fn id(&self) -> Id {
        UNKNOWN
    }

    fn message(&self, level: MessageLevel, message: String) {
        match level {
            MessageLevel::Failure => tracing::warn!(target: "repo_source::fetch", "{message}"),
            MessageLevel::Info | MessageLevel::Success => {
                tracing::debug!(target: "repo_source::fetch", "{message}")
            }
        }
    }
}

impl NestedProgress for TaskProgress {
    type SubProgress = TaskProgress;

    fn add_child(&mut self, name: impl Into<String>) -> Self::SubProgress {
        self.add_child_with_id(name, UNKNOWN)
    }

    fn add_child_with_id(&mut self, name: impl Into<String>, _id: Id) -> Self::SubProgress {
        let counter = StepShared::default();
        let mut tasks = self
            .tasks
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        tasks.push(Task {
            name: name.into(),
            max: None,
            unit: None,
            counter: counter.clone(),
        });
        TaskProgress {
            tasks: self.tasks.clone(),
            index: Some(tasks.len() - 1),
            counter,
        }
    }
}
