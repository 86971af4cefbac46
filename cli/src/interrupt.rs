//! Ctrl-C and SIGTERM: stop cleanly.
//!
//! Fetches run on blocking threads inside repo-source, so a signal cannot unwind them. A
//! watcher thread instead removes the run's scratch directory (where every fetch writes) and
//! exits with 130, the shell's code for an interrupted command. Nothing else needs undoing:
//! files are written atomically (`init --write`), and the tagger's writes are idempotent, so a
//! re-run finishes what an interrupted run started.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The run's scratch directory, created on first use and removed at exit or on a signal.
static SCRATCH: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();

/// The directory fetches create their scratch repositories in.
pub(crate) fn scratch_dir() -> Option<PathBuf> {
    SCRATCH
        .get_or_init(|| {
            tempfile::Builder::new()
                .prefix("ci-operator-")
                .tempdir()
                .ok()
        })
        .as_ref()
        .map(|dir| dir.path().to_path_buf())
}

/// Removes the scratch directory (at the end of a run; `TempDir` in a static is never dropped).
pub(crate) fn cleanup() {
    if let Some(Some(dir)) = SCRATCH.get() {
        let _ = std::fs::remove_dir_all(dir.path());
    }
}

/// Starts the watcher thread.
pub(crate) fn install() {
    let _ = std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(|| {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(wait_for_signal());
            cleanup();
            crate::output::note("interrupted: stopped, scratch files removed");
            std::process::exit(130);
        });
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
