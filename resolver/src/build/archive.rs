//! The archive of a root build: a tar of exactly the inputs, laid out as in the context, the
//! same bytes for the same inputs (sorted paths, mtime 0, uid and gid 0, no user or group
//! names, mode 0644, 0755 for executables and directories; every parent directory an
//! entry). The format `oc start-build --from-dir` uploads.
//!
//! The whole archive is built in memory before a byte reaches `out`, so a refusal (a
//! symlink, a path outside the context, more than [`MAX_ARCHIVE_BYTES`]) never leaves half
//! an upload behind, and a caller streaming `out` to a server needs no buffer of its own.

use std::collections::BTreeMap;
use std::io::Write;

use super::inputs::path_order;
use super::plan::{BuildInput, RootBuildPlan};
use crate::files::{EntryKind, FileError, FileErrorKind, RepoFiles};

/// The largest archive uploaded for a root build (256 MiB).
pub const MAX_ARCHIVE_BYTES: u64 = 256 * 1024 * 1024;

/// What an archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArchiveSummary {
    /// Regular files (directories not counted).
    pub files: usize,
    /// Size of the archive in bytes.
    pub bytes: u64,
}

/// Why the archive was not written.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// A symlink or submodule is among the inputs (or inside an input directory).
    #[error("`{path}` is a {kind}: symlinks and submodules are not archived for a root build")]
    NotAFile {
        /// Repository path.
        path: String,
        /// Symlink or submodule.
        kind: EntryKind,
    },
    /// An input path would leave the context.
    #[error("`{path}` is not a path inside the build context")]
    OutsideContext {
        /// The path.
        path: String,
    },
    /// The inputs need more than [`MAX_ARCHIVE_BYTES`].
    #[error(
        "the archive of the build context is larger than the limit of {} MiB",
        limit / (1024 * 1024)
    )]
    TooBig {
        /// The limit.
        limit: u64,
    },
    /// An input could not be read.
    #[error("could not read an input of the root build")]
    Files(#[from] FileError),
    /// An input disappeared between planning and archiving.
    #[error("`{path}` is no longer in the repository")]
    Vanished {
        /// Repository path.
        path: String,
    },
    /// The archive could not be assembled or written.
    #[error("could not write the archive")]
    Write(#[source] std::io::Error),
}

/// One archive entry: a directory, or a file with its kind.
enum Item {
    Directory,
    File(EntryKind),
}

impl RootBuildPlan {
    /// Deterministic tar of exactly the inputs laid out as in the context; written to `out`
    /// only once complete.
    ///
    /// # Errors
    ///
    /// [`ArchiveError`]: nothing has been written to `out` unless the error is
    /// [`ArchiveError::Write`] from `out` itself.
    pub fn write_archive(
        &self,
        files: &dyn RepoFiles,
        out: &mut dyn Write,
    ) -> Result<ArchiveSummary, ArchiveError> {
        let mut items: BTreeMap<String, Item> = BTreeMap::new();
        for input in &self.inputs {
            self.expand(files, input, &mut items)?;
        }
        let mut paths: Vec<(&String, &Item)> = items.iter().collect();
        paths.sort_by(|a, b| path_order(a.0, b.0));
        let mut builder = tar::Builder::new(Vec::new());
        let mut content = 0u64;
        let mut count = 0;
        for (path, item) in paths {
            let mut header = tar::Header::new_gnu();
            header.set_mtime(0);
            header.set_uid(0);
            header.set_gid(0);
            header
                .set_username("")
                .and_then(|()| header.set_groupname(""))
                .map_err(ArchiveError::Write)?;
            match item {
                Item::Directory => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(0o755);
                    header.set_size(0);
                    builder
                        .append_data(&mut header, format!("{path}/"), std::io::empty())
                        .map_err(|e| archive_path_error(path, e))?;
                }
                Item::File(kind) => {
                    let repo_path = self.repo_path(path);
                    let limit = MAX_ARCHIVE_BYTES.saturating_sub(content);
                    let bytes = match files.read(&repo_path, limit) {
                        Ok(Some(bytes)) => bytes,
                        Ok(None) => return Err(ArchiveError::Vanished { path: repo_path }),
                        Err(e)
                            if e.kind() == FileErrorKind::Refused && is_file(files, &repo_path) =>
                        {
                            return Err(ArchiveError::TooBig {
                                limit: MAX_ARCHIVE_BYTES,
                            });
                        }
                        Err(e) => return Err(e.into()),
                    };
                    content += u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_mode(if *kind == EntryKind::Executable {
                        0o755
                    } else {
                        0o644
                    });
                    header.set_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
                    builder
                        .append_data(&mut header, path, bytes.as_slice())
                        .map_err(|e| archive_path_error(path, e))?;
                    count += 1;
                }
            }
            if u64::try_from(builder.get_ref().len()).unwrap_or(u64::MAX) > MAX_ARCHIVE_BYTES {
                return Err(ArchiveError::TooBig {
                    limit: MAX_ARCHIVE_BYTES,
                });
            }
        }
        let archive = builder.into_inner().map_err(ArchiveError::Write)?;
        let bytes = u64::try_from(archive.len()).unwrap_or(u64::MAX);
        if bytes > MAX_ARCHIVE_BYTES {
            return Err(ArchiveError::TooBig {
                limit: MAX_ARCHIVE_BYTES,
            });
        }
        out.write_all(&archive).map_err(ArchiveError::Write)?;
        Ok(ArchiveSummary {
            files: count,
            bytes,
        })
    }

    fn repo_path(&self, rel: &str) -> String {
        match (self.context_dir.is_empty(), rel.is_empty()) {
            (true, _) => rel.to_owned(),
            (false, true) => self.context_dir.clone(),
            (false, false) => format!("{}/{rel}", self.context_dir),
        }
    }

    /// Adds an input and its parent directories; a directory input with all it holds.
    fn expand(
        &self,
        files: &dyn RepoFiles,
        input: &BuildInput,
        items: &mut BTreeMap<String, Item>,
    ) -> Result<(), ArchiveError> {
        if !input.path.is_empty() {
            let safe = input.path.split('/').all(|part| {
                !part.is_empty() && part != "." && part != ".." && !part.contains('\0')
            });
            if !safe {
                return Err(ArchiveError::OutsideContext {
                    path: input.path.clone(),
                });
            }
            let mut parent = String::new();
            let parts: Vec<&str> = input.path.split('/').collect();
            for part in &parts[..parts.len() - 1] {
                if !parent.is_empty() {
                    parent.push('/');
                }
                parent.push_str(part);
                items.insert(parent.clone(), Item::Directory);
            }
        }
        match input.kind {
            EntryKind::File | EntryKind::Executable => {
                items.insert(input.path.clone(), Item::File(input.kind));
                Ok(())
            }
            EntryKind::Symlink | EntryKind::Submodule => Err(ArchiveError::NotAFile {
                path: self.repo_path(&input.path),
                kind: input.kind,
            }),
            EntryKind::Directory => {
                if !input.path.is_empty() {
                    items.insert(input.path.clone(), Item::Directory);
                }
                let repo_path = self.repo_path(&input.path);
                let Some(entries) = files.list_dir(&repo_path)? else {
                    return Err(ArchiveError::Vanished { path: repo_path });
                };
                for entry in entries {
                    let child = if input.path.is_empty() {
                        entry.name.clone()
                    } else {
                        format!("{}/{}", input.path, entry.name)
                    };
                    if entry.name.is_empty() || entry.name.contains('/') {
                        return Err(ArchiveError::OutsideContext { path: child });
                    }
                    self.expand(
                        files,
                        &BuildInput {
                            path: child,
                            kind: entry.kind,
                            id: entry.id,
                        },
                        items,
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Whether `path` is a plain file: a refused read of one was refused for its size (the limit
/// passed is the budget left).
fn is_file(files: &dyn RepoFiles, path: &str) -> bool {
    matches!(files.entry(path), Ok(Some(entry)) if matches!(entry.kind, EntryKind::File | EntryKind::Executable))
}

fn archive_path_error(path: &str, error: std::io::Error) -> ArchiveError {
    if error.kind() == std::io::ErrorKind::Other || error.kind() == std::io::ErrorKind::InvalidInput
    {
        ArchiveError::OutsideContext {
            path: path.to_owned(),
        }
    } else {
        ArchiveError::Write(error)
    }
}
