//! A three-way merge of trees that reads only the trees both sides changed.
//!
//! `git merge` resolves each path from its three versions (merge base, ours, theirs): unchanged
//! on one side takes the other side's version, changed alike on both takes it, changed
//! differently on both is a content merge. This applies to directories too: a directory one side
//! did not touch is taken whole from the other side without being read, as git's `ort` strategy
//! does. So only the directories changed on *both* sides are read, level by level, and only the
//! blobs changed on both sides are fetched, to merge their contents; everything else is a tree
//! id taken from one side. The merged tree is then written (to memory) and is the tree
//! `git merge` writes: tree objects are canonical.
//!
//! What this does not do is rename detection, which changes the result only where a path is
//! absent on some side: a rename's source is deleted on one side and, for the rename to
//! matter, changed or deleted on the other, which makes all three versions of every directory
//! above it differ, so the walk reaches it. Any such path (deleted on one side and changed on the
//! other, deleted on both, added on both with different content) and any other case that is not
//! a plain file or directory changed on both sides (a symlink or a submodule changed on both, a
//! file that became a directory) is answered with [`Merge::Fallback`]: the caller then runs the
//! full merge, rename detection included, on full trees.

use std::collections::BTreeMap;

use gix::ObjectId;
use gix::bstr::{BStr, BString};
use gix::objs::tree::{EntryKind, EntryMode};

use crate::error::{BoxError, Error};

/// The outcome of [`merge_trees`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Merge {
    /// The merged root tree, written to the repository's object memory.
    Tree(ObjectId),
    /// Content conflicts at these paths, sorted.
    Conflict(Vec<String>),
    /// A case that needs the full merge (with rename detection), and why.
    Fallback(String),
}

/// One tree entry's mode and object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Item {
    mode: EntryMode,
    id: ObjectId,
}

impl Item {
    fn is_tree(&self) -> bool {
        self.mode.is_tree()
    }

    fn is_file(&self) -> bool {
        matches!(
            self.mode.kind(),
            EntryKind::Blob | EntryKind::BlobExecutable
        )
    }
}

/// How one entry of a directory is resolved.
enum Slot {
    /// Taken from one side (or absent: deleted).
    Take(Option<Item>),
    /// A directory changed on both sides: `dirs[index]`.
    Dir(usize),
    /// A file changed on both sides: a content merge.
    File {
        base: Item,
        ours: Item,
        theirs: Item,
    },
}

/// A directory changed on both sides.
struct Dir {
    /// `a/b`, empty for the root.
    path: BString,
    /// Merge base, ours, theirs.
    trees: [ObjectId; 3],
    entries: Vec<(BString, Slot)>,
}

/// Everything the walk reads; the objects a partial fetch must have fetched.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reads {
    /// Trees read.
    pub(crate) trees: usize,
    /// Blobs read for content merges.
    pub(crate) blobs: usize,
}

/// Merges `theirs` into `ours` (root tree ids) with `base` as the merge base, in `repo`, whose
/// object memory receives the merged trees and blobs.
///
/// `fetch` is called with the ids of trees and blobs to read that `repo` does not have, one call
/// per level of directories; `merge_error` turns a failure of gix into our error. `label` names
/// the other side in conflict markers (unused unless gix writes them).
pub(crate) fn merge_trees(
    repo: &gix::Repository,
    trees: [ObjectId; 3],
    label: &str,
    fetch: &mut dyn FnMut(Vec<ObjectId>) -> Result<(), Error>,
    merge_error: &dyn Fn(BoxError) -> Error,
    reads: &mut Reads,
) -> Result<Merge, Error> {
    let dirs = match walk_changed_dirs(repo, trees, fetch, merge_error, reads)? {
        Walk::Dirs(dirs) => dirs,
        Walk::Fallback(reason) => return Ok(Merge::Fallback(reason)),
    };
    write_merged_trees(repo, &dirs, label, merge_error, reads)
}

/// What [`walk_changed_dirs`] found.
enum Walk {
    /// The directories changed on both sides, each after its parent, the root first.
    Dirs(Vec<Dir>),
    /// A path that needs the full merge, and why.
    Fallback(String),
}

/// Resolves every entry of the directories changed on both sides, level by level from the root,
/// fetching each level's trees (and the blobs of the level above to merge) in one call.
fn walk_changed_dirs(
    repo: &gix::Repository,
    [base, ours, theirs]: [ObjectId; 3],
    fetch: &mut dyn FnMut(Vec<ObjectId>) -> Result<(), Error>,
    merge_error: &dyn Fn(BoxError) -> Error,
    reads: &mut Reads,
) -> Result<Walk, Error> {
    let mut dirs = vec![Dir {
        path: BString::default(),
        trees: [base, ours, theirs],
        entries: Vec::new(),
    }];
    let mut level = vec![0];
    let mut files: Vec<ObjectId> = Vec::new();
    while !level.is_empty() {
        let wanted = level
            .iter()
            .flat_map(|index: &usize| dirs[*index].trees)
            .chain(files.drain(..));
        fetch_missing(repo, wanted, fetch)?;
        let mut next = Vec::new();
        for index in level {
            let by_name = entries_by_name(repo, dirs[index].trees, merge_error, reads)?;
            let mut entries = Vec::with_capacity(by_name.len());
            for (name, [m, o, t]) in by_name {
                let path = join(dirs[index].path.as_ref(), name.as_ref());
                let slot = match resolve_entry(m, o, t) {
                    Resolution::Take(item) => Slot::Take(item),
                    Resolution::Descend(trees) => {
                        dirs.push(Dir {
                            path,
                            trees,
                            entries: Vec::new(),
                        });
                        next.push(dirs.len() - 1);
                        Slot::Dir(dirs.len() - 1)
                    }
                    Resolution::ContentMerge(base, ours, theirs) => {
                        files.extend([base.id, ours.id, theirs.id]);
                        Slot::File { base, ours, theirs }
                    }
                    Resolution::Fallback(why) => {
                        return Ok(Walk::Fallback(format!("`{path}` {why}")));
                    }
                };
                entries.push((name, slot));
            }
            dirs[index].entries = entries;
        }
        level = next;
    }
    fetch_missing(repo, files, fetch)?;
    Ok(Walk::Dirs(dirs))
}

/// Calls `fetch` once with those of `ids` that `repo` lacks, if any, sorted and deduplicated.
fn fetch_missing(
    repo: &gix::Repository,
    ids: impl IntoIterator<Item = ObjectId>,
    fetch: &mut dyn FnMut(Vec<ObjectId>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut missing: Vec<ObjectId> = ids.into_iter().filter(|id| !repo.has_object(*id)).collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return Ok(());
    }
    fetch(missing)
}

/// The entries of the three versions of a directory, by name: merge base, ours, theirs.
fn entries_by_name(
    repo: &gix::Repository,
    trees: [ObjectId; 3],
    merge_error: &dyn Fn(BoxError) -> Error,
    reads: &mut Reads,
) -> Result<BTreeMap<BString, [Option<Item>; 3]>, Error> {
    let mut by_name: BTreeMap<BString, [Option<Item>; 3]> = BTreeMap::new();
    for (side, tree) in trees.into_iter().enumerate() {
        reads.trees += 1;
        let tree = repo
            .find_tree(tree)
            .map_err(|err| merge_error(err.into()))?;
        let decoded = tree.decode().map_err(|err| merge_error(err.into()))?;
        for entry in &decoded.entries {
            by_name.entry(entry.filename.to_owned()).or_default()[side] = Some(Item {
                mode: entry.mode,
                id: entry.oid.to_owned(),
            });
        }
    }
    Ok(by_name)
}

/// The content merges, then the trees from the deepest directory up (children come after their
/// parent in `dirs`), written to `repo`'s object memory.
fn write_merged_trees(
    repo: &gix::Repository,
    dirs: &[Dir],
    label: &str,
    merge_error: &dyn Fn(BoxError) -> Error,
    reads: &mut Reads,
) -> Result<Merge, Error> {
    let mut conflicts = Vec::new();
    let mut merged: Vec<Option<ObjectId>> = vec![None; dirs.len()];
    let mut platform = None;
    for index in (0..dirs.len()).rev() {
        let mut tree = gix::objs::Tree::empty();
        for (name, slot) in &dirs[index].entries {
            let item = match slot {
                Slot::Take(item) => *item,
                Slot::Dir(child) => merged[*child].map(|id| Item {
                    mode: EntryKind::Tree.into(),
                    id,
                }),
                Slot::File { base, ours, theirs } => {
                    let path = join(dirs[index].path.as_ref(), name.as_ref());
                    reads.blobs += 3;
                    let platform = match &mut platform {
                        Some(platform) => platform,
                        None => platform.insert(
                            repo.merge_resource_cache(Default::default())
                                .map_err(|err| merge_error(err.into()))?,
                        ),
                    };
                    let sides = [*base, *ours, *theirs];
                    let item = merge_file(repo, platform, path.as_ref(), sides, label)
                        .map_err(merge_error)?;
                    if item.is_none() {
                        conflicts.push(path.to_string());
                    }
                    item
                }
            };
            if let Some(item) = item {
                tree.entries.push(gix::objs::tree::Entry {
                    mode: item.mode,
                    filename: name.clone(),
                    oid: item.id,
                });
            }
        }
        // Git never writes an empty tree as an entry: a directory left empty disappears.
        if tree.entries.is_empty() && index > 0 {
            continue;
        }
        tree.entries.sort();
        let id = repo
            .write_object(&tree)
            .map_err(|err| merge_error(err.into()))?
            .detach();
        merged[index] = Some(id);
    }
    if !conflicts.is_empty() {
        conflicts.sort();
        return Ok(Merge::Conflict(conflicts));
    }
    match merged[0] {
        Some(id) => Ok(Merge::Tree(id)),
        None => Err(merge_error("the merged root tree was not written".into())),
    }
}

/// `dir/name`.
fn join(dir: &BStr, name: &BStr) -> BString {
    if dir.is_empty() {
        name.to_owned()
    } else {
        let mut path = dir.to_owned();
        path.push(b'/');
        path.extend_from_slice(name);
        path
    }
}

enum Resolution {
    Take(Option<Item>),
    Descend([ObjectId; 3]),
    ContentMerge(Item, Item, Item),
    Fallback(&'static str),
}

/// The resolution of one entry from its merge-base, our and their versions.
fn resolve_entry(m: Option<Item>, o: Option<Item>, t: Option<Item>) -> Resolution {
    if o == t {
        return match (m, o) {
            (Some(_), None) => Resolution::Fallback("is deleted on both sides (it may be renamed)"),
            // The same change on both sides: for a directory, look inside for files deleted on
            // both sides (each could be renamed differently on each side).
            (Some(m), Some(o)) if m != o && m.is_tree() && o.is_tree() => {
                Resolution::Descend([m.id, o.id, o.id])
            }
            _ => Resolution::Take(o),
        };
    }
    if m == o {
        return Resolution::Take(t);
    }
    if m == t {
        return Resolution::Take(o);
    }
    match (m, o, t) {
        (Some(m), Some(o), Some(t)) if m.is_tree() && o.is_tree() && t.is_tree() => {
            Resolution::Descend([m.id, o.id, t.id])
        }
        (Some(m), Some(o), Some(t)) if m.is_file() && o.is_file() && t.is_file() => {
            Resolution::ContentMerge(m, o, t)
        }
        (None, Some(_), Some(_)) => Resolution::Fallback("is added on both sides"),
        (Some(_), None, _) | (Some(_), _, None) => {
            Resolution::Fallback("is deleted on one side and changed on the other")
        }
        _ => Resolution::Fallback(
            "changes its type, or is a link or submodule changed on both sides",
        ),
    }
}

/// The three-way merge of a file changed on both sides, as gix's tree merge does it: contents
/// and modes each resolved three-way. `None` on a conflict.
fn merge_file(
    repo: &gix::Repository,
    platform: &mut gix::merge::blob::Platform,
    path: &BStr,
    [base, ours, theirs]: [Item; 3],
    label: &str,
) -> Result<Option<Item>, BoxError> {
    let mode = if base.mode == ours.mode {
        theirs.mode
    } else {
        ours.mode
    };
    let id = if base.id == ours.id {
        theirs.id
    } else if base.id == theirs.id || ours.id == theirs.id {
        ours.id
    } else {
        use gix::merge::blob::ResourceKind;
        for (item, kind) in [
            (ours, ResourceKind::CurrentOrOurs),
            (theirs, ResourceKind::OtherOrTheirs),
            (base, ResourceKind::CommonAncestorOrBase),
        ] {
            platform.set_resource(item.id, item.mode.kind(), path, kind, &repo.objects)?;
        }
        let prepared = platform.prepare_merge(&repo.objects, repo.blob_merge_options()?)?;
        let mut buffer = Vec::new();
        let labels = gix::merge::blob::builtin_driver::text::Labels {
            ancestor: None,
            current: Some("HEAD".into()),
            other: Some(label.into()),
        };
        let (pick, resolution) = prepared.merge(&mut buffer, labels, &repo.command_context()?)?;
        if resolution == gix::merge::blob::Resolution::Conflict {
            return Ok(None);
        }
        let written = prepared.id_by_pick(pick, &buffer, |data| {
            repo.write_blob(data).map(gix::Id::detach)
        })?;
        match written {
            Some(id) => id,
            None => return Ok(None),
        }
    };
    Ok(Some(Item { mode, id }))
}

#[cfg(test)]
mod tests;
