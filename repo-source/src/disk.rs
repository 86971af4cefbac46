//! Reading a file from a directory on disk without following any symlink.
//!
//! Every component is checked with `symlink_metadata` before the next is looked at, and the
//! file that is finally opened must be the same inode that was checked, so a symlink cannot
//! lead the read outside the directory.

use std::fs::Metadata;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::read::ReadRequest;

pub(crate) fn read(root: &Path, request: &ReadRequest<'_>) -> Result<Option<Vec<u8>>, Error> {
    let Some((path, meta)) = locate(root, request)? else {
        return Ok(None);
    };
    let kind = meta.file_type();
    let last = request.checked.components().len().saturating_sub(1);
    if kind.is_symlink() {
        return Err(request.symlink(last));
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
    read_checked(&path, &meta, request).map(Some)
}

/// The request's path under `root` and its metadata (of the path itself, a symlink not
/// followed), or `None` when it (or a directory on the way) is absent, or a file is where a
/// directory is expected. A symlink or a checked-out submodule on the way is refused. The root
/// (no components) is `root` itself.
pub(crate) fn locate(
    root: &Path,
    request: &ReadRequest<'_>,
) -> Result<Option<(PathBuf, Metadata)>, Error> {
    let components = request.checked.components();
    let mut current = root.to_path_buf();
    let Some(meta) = metadata(&current)? else {
        return Ok(None);
    };
    let mut meta = meta;
    for (index, name) in components.iter().enumerate() {
        if index > 0 {
            let parent = index - 1;
            let kind = meta.file_type();
            if kind.is_symlink() {
                return Err(request.symlink(parent));
            }
            if !kind.is_dir() {
                // A file where a directory is expected: there is no such path.
                return Ok(None);
            }
            if is_repository(&current) {
                return Err(request.submodule(parent));
            }
        }
        current.push(name);
        meta = match metadata(&current)? {
            Some(meta) => meta,
            None => return Ok(None),
        };
    }
    Ok(Some((current, meta)))
}

/// Whether the directory `dir` holds `.git`: a checked-out submodule (or a nested repository),
/// another repository's files, which are refused as they are when read through git.
pub(crate) fn is_repository(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(".git")).is_ok()
}

/// The metadata of `path` itself (a symlink is not followed), `None` when it is absent.
fn metadata(path: &Path) -> Result<Option<Metadata>, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(err) if is_absent(&err) => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Opens `path`, makes sure it is still the file `checked` describes, and reads at most
/// `max_bytes + 1` bytes of it.
fn read_checked(
    path: &Path,
    checked: &Metadata,
    request: &ReadRequest<'_>,
) -> Result<Vec<u8>, Error> {
    let io_error = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let (file, _) = open_checked(path, checked)?;
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

/// Opens the file `path` and makes sure it is still the file `checked` describes (no symlink
/// swapped in since); returns it with its metadata as opened.
pub(crate) fn open_checked(
    path: &Path,
    checked: &Metadata,
) -> Result<(std::fs::File, Metadata), Error> {
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
    Ok((file, opened))
}

fn is_absent(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}
