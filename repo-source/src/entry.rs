//! [`TreeEntry`] and [`EntryKind`]: what a path of a snapshot is, by git's object id, without
//! reading what it holds.

use gix::objs::tree::EntryMode;

/// One entry of a directory of a [`Snapshot`](crate::Snapshot), as git's tree holds it.
///
/// Ids are git's, whatever the source: a work tree on disk computes the ids `git add` and
/// `git write-tree` would, so the same content has the same id from disk, a local repository or
/// a remote.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TreeEntry {
    /// The name within its directory (no `/`); `""` for the repository root. A name that is not
    /// UTF-8 is shown with `U+FFFD` in place of its invalid bytes (its id is the real one).
    pub name: String,
    /// What the entry is.
    pub kind: EntryKind,
    /// The git object id, 40 lowercase hex digits: a blob id for files and symlinks (over the
    /// link's target), a tree id for directories, the commit id a submodule points at.
    pub id: String,
    /// For files and symlinks, the blob's size in bytes when it is known without reading the
    /// content (from the object header, or the file's metadata on disk); `None` for directories
    /// and submodules, and for a blob a partial fetch has not fetched.
    pub size: Option<u64>,
}

/// The kind of a [`TreeEntry`], as git's tree modes tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// A regular file (mode `100644`).
    File,
    /// An executable file (mode `100755`).
    Executable,
    /// A directory (mode `40000`).
    Directory,
    /// A symbolic link (mode `120000`), never followed.
    Symlink,
    /// A submodule (mode `160000`): a commit of another repository, whose files are not here.
    Submodule,
}

impl EntryKind {
    /// The mode as `git ls-tree` prints it (`100644`, `100755`, `040000`, `120000`, `160000`).
    pub fn mode(self) -> &'static str {
        match self {
            EntryKind::File => "100644",
            EntryKind::Executable => "100755",
            EntryKind::Directory => "040000",
            EntryKind::Symlink => "120000",
            EntryKind::Submodule => "160000",
        }
    }

    /// The kind of a git tree entry's mode.
    pub(crate) fn of_mode(mode: EntryMode) -> EntryKind {
        use gix::objs::tree::EntryKind as Git;
        match mode.kind() {
            Git::Tree => EntryKind::Directory,
            Git::Blob => EntryKind::File,
            Git::BlobExecutable => EntryKind::Executable,
            Git::Link => EntryKind::Symlink,
            Git::Commit => EntryKind::Submodule,
        }
    }

    /// The mode git writes in a tree object for this kind.
    pub(crate) fn git_mode(self) -> EntryMode {
        use gix::objs::tree::EntryKind as Git;
        match self {
            EntryKind::File => Git::Blob,
            EntryKind::Executable => Git::BlobExecutable,
            EntryKind::Directory => Git::Tree,
            EntryKind::Symlink => Git::Link,
            EntryKind::Submodule => Git::Commit,
        }
        .into()
    }
}
