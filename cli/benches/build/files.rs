//! The resolver's view of a `repo_source::Snapshot`, as the CLI's private adapter makes it.

use repo_source::{ErrorKind, Snapshot};
use resolver::{FileError, RepoFiles, TreeEntry};

/// The resolver's view of a snapshot (the CLI's adapter is private to it).
pub(crate) struct SnapshotFiles(pub(crate) Snapshot);

impl RepoFiles for SnapshotFiles {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FileError> {
        self.0
            .read(path, max_bytes)
            .map_err(|error| file_error(path, error))
    }

    fn revision(&self) -> String {
        self.0.revision().to_string()
    }

    fn entry(&self, path: &str) -> Result<Option<TreeEntry>, FileError> {
        self.0
            .entry(path)
            .map(|entry| entry.map(tree_entry))
            .map_err(|error| file_error(path, error))
    }

    fn list_dir(&self, path: &str) -> Result<Option<Vec<TreeEntry>>, FileError> {
        self.0
            .list_dir(path)
            .map(|entries| entries.map(|e| e.into_iter().map(tree_entry).collect()))
            .map_err(|error| file_error(path, error))
    }
}

fn file_error(path: &str, error: repo_source::Error) -> FileError {
    match error.kind() {
        ErrorKind::Refused => FileError::refused(path, error),
        ErrorKind::Input | ErrorKind::Unreadable => FileError::unreadable(path, error),
    }
}

fn tree_entry(entry: repo_source::TreeEntry) -> TreeEntry {
    use repo_source::EntryKind as Kind;
    TreeEntry {
        name: entry.name,
        kind: match entry.kind {
            Kind::File => resolver::EntryKind::File,
            Kind::Executable => resolver::EntryKind::Executable,
            Kind::Directory => resolver::EntryKind::Directory,
            Kind::Symlink => resolver::EntryKind::Symlink,
            Kind::Submodule => resolver::EntryKind::Submodule,
        },
        id: entry.id,
    }
}
