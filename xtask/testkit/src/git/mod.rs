//! Git repositories for tests, built with the `git` CLI in an isolated environment.
//!
//! Every command runs with no user, global or system config, with the `GIT_*` variables of the
//! calling environment removed, `HOME` in an empty directory, fixed identities, dates counted
//! from [`EPOCH`] and `init.defaultBranch=main`, so the same steps give the same SHAs on every
//! machine. [`http`] serves the repositories built here over HTTP.

mod build;
mod command;
mod fast_import;
pub mod http;

pub use build::{
    clone_bare, commit, commit_file, commit_staged, init, merge_like_prow, merged_tree_like_prow,
    stage_gitlink, symlink, write,
};
pub use command::{EPOCH, git, git_command, git_command_at, git_stdin};
pub use fast_import::FastImport;
