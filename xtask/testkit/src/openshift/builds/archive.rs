//! The archive a binary build uploads: a tar of the context. The fake reads it as the builder
//! would (and refuses what is not a tar); tests write one with [`write()`].

/// One entry of an archive: its path and, for a file, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The path inside the archive (`Dockerfile`, `hack/build.sh`, `src/`).
    pub path: String,
    /// `file`, `dir`, `symlink`, `hardlink` or `other`.
    pub kind: &'static str,
    /// The file's bytes (empty for anything else).
    pub bytes: Vec<u8>,
    /// The permission bits.
    pub mode: u32,
}

/// Reads every entry of a tar archive; `Err` with the reader's message when it is not one.
pub fn read(archive: &[u8]) -> Result<Vec<ArchiveEntry>, String> {
    use std::io::Read;
    if archive.is_empty() {
        return Err("the archive is empty".to_owned());
    }
    let mut reader = tar::Archive::new(archive);
    let mut entries = Vec::new();
    let iter = reader.entries().map_err(|e| e.to_string())?;
    for entry in iter {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry
            .path()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned();
        let header = entry.header();
        let kind = match header.entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => "file",
            tar::EntryType::Directory => "dir",
            tar::EntryType::Symlink => "symlink",
            tar::EntryType::Link => "hardlink",
            _ => "other",
        };
        let mode = header.mode().map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        if kind == "file" {
            entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        }
        entries.push(ArchiveEntry {
            path,
            kind,
            bytes,
            mode,
        });
    }
    if entries.is_empty() {
        return Err("the archive holds no entries".to_owned());
    }
    Ok(entries)
}

/// A tar of regular files (mode 0644, fixed times), in the order given: what tests upload.
pub fn write(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, path, *bytes)
            .expect("a test archive entry is valid");
    }
    builder.into_inner().expect("a tar in memory finishes")
}
