//! Reading a file from a directory on disk without following any symlink.
//!
//! Every component is checked with `symlink_metadata` before the next is looked at, and the
//! file that is finally opened must be the same inode that was checked, so a symlink cannot
//! lead the read outside the directory.

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::Error;
use crate::snapshot::Request;

pub(crate) fn read(root: &Path, request: &Request<'_>) -> Result<Option<Vec<u8>>, Error> {
    let components = request.checked.components();
    let mut current = root.to_path_buf();
    for (index, name) in components.iter().enumerate() {
        current.push(name);
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(err) if is_absent(&err) => return Ok(None),
            Err(source) => {
                return Err(Error::Io {
                    path: current,
                    source,
                });
            }
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Err(request.symlink(index));
        }
        let last = index + 1 == components.len();
        if !last {
            if kind.is_dir() {
                // A directory with its own `.git` is a checked-out submodule (or a nested
                // repository): another repository's files, which are refused as they are when
                // read through git.
                if std::fs::symlink_metadata(current.join(".git")).is_ok() {
                    return Err(request.submodule(index));
                }
                continue;
            }
            // A file where a directory is expected: there is no such path.
            return Ok(None);
        }
        if kind.is_dir() {
            return Err(request.directory());
        }
        if !kind.is_file() {
            return Err(request.not_a_file());
        }
        if meta.len() > request.max_bytes {
            return Err(request.too_large(meta.len()));
        }
        return read_checked(&current, &meta, request).map(Some);
    }
    // `RepoPath` is never empty, so the loop returns.
    Ok(None)
}

/// Opens `path`, makes sure it is still the file `checked` describes, and reads at most
/// `max_bytes + 1` bytes of it.
fn read_checked(
    path: &Path,
    checked: &std::fs::Metadata,
    request: &Request<'_>,
) -> Result<Vec<u8>, Error> {
    let io_error = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let opened = file.metadata().map_err(io_error)?;
    if opened.dev() != checked.dev() || opened.ino() != checked.ino() {
        return Err(io_error(std::io::Error::other(
            "the file was replaced while it was being read",
        )));
    }
    let mut data = Vec::new();
    file.take(request.max_bytes.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(io_error)?;
    let read = data.len() as u64;
    if read > request.max_bytes {
        return Err(request.too_large(read));
    }
    Ok(data)
}

fn is_absent(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}
