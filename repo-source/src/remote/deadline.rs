//! The deadline: every fetch runs on a thread of its own, and the caller's thread waits for it
//! until the caller's deadline, logging progress meanwhile.
//!
//! gix's network IO is blocking, so a fetch cannot be cancelled from outside. At the deadline
//! the waiting thread sets gix's interrupt flag and returns [`Error::Deadline`]; the worker
//! thread still owns the scratch directory and removes it when gix notices the flag (or the
//! connection ends).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::url::RemoteUrl;

use super::progress::Tasks;
use super::spec::FetchOptions;

/// Runs `job` on its own thread and waits for it until `options.deadline`, logging progress
/// every second when asked, and one summary line (at info level when `summary`, else debug).
pub(crate) fn run_with_deadline<T: Send + 'static>(
    url: &RemoteUrl,
    options: &FetchOptions,
    summary: bool,
    job: impl FnOnce(&AtomicBool, &Tasks) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let started = Instant::now();
    let interrupt = Arc::new(AtomicBool::new(false));
    let tasks = Tasks::default();
    let (sender, receiver) = mpsc::channel();
    {
        let interrupt = Arc::clone(&interrupt);
        let tasks = tasks.clone();
        std::thread::Builder::new()
            .name("repo-source-fetch".to_owned())
            .spawn(move || {
                // The receiver is gone after a deadline; the result (and its scratch directory)
                // is then dropped here.
                let _gone = sender.send(job(&interrupt, &tasks));
            })
            .map_err(|err| Error::Scratch {
                url: url.clone(),
                source: url.cause(err),
            })?;
    }
    let tick = Duration::from_secs(1);
    loop {
        let wait = match options.deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()).min(tick),
            None => tick,
        };
        match receiver.recv_timeout(wait) {
            Ok(result) => {
                let (objects, bytes, rounds) = tasks.totals();
                let seconds = started.elapsed().as_secs_f64();
                if rounds > 0 && summary {
                    tracing::info!(
                        target: "repo_source::fetch",
                        "fetched {objects} objects, {bytes} bytes from `{url}` in {rounds} round(s), {seconds:.2}s",
                    );
                } else if rounds > 0 {
                    tracing::debug!(
                        target: "repo_source::fetch",
                        "fetched {objects} objects, {bytes} bytes from `{url}` in {rounds} round(s), {seconds:.2}s",
                    );
                }
                return result;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if options
                    .deadline
                    .is_some_and(|deadline| Instant::now() >= deadline)
                {
                    interrupt.store(true, Ordering::Relaxed);
                    return Err(Error::Deadline {
                        url: url.clone(),
                        waited: started.elapsed(),
                    });
                }
                if options.progress {
                    tasks.log();
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Fetch {
                    url: url.clone(),
                    source: "the fetch stopped without a result (it panicked)".into(),
                });
            }
        }
    }
}
