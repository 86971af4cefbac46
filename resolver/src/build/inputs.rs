//! Resolving what a Dockerfile reads against the context at a revision: literal paths, globs
//! (Go's `filepath.Match` per BuildKit: the part before the first wildcard is a directory,
//! the rest is matched against every path below it, a matched directory taken whole) and
//! `.dockerignore` (what it ignores is not in the context at all).
//!
//! A directory is one input, by its tree id, unless `.dockerignore` could ignore something
//! inside it: then it is expanded into what is left, since the tree id would cover ignored
//! files. Symlinks and submodules on the way to an input, or matched by a glob, are refused.

use super::glob::{go_match, has_wildcards};
use super::ignore::{DockerIgnore, ParentMatches};
use super::instructions::{ContextRead, Read};
use super::paths::go_clean;
use super::plan::{BuildInput, MissingSource, PlanError, RemoteSource};
use crate::files::{EntryKind, RepoFiles, TreeEntry};

/// The build context: a directory of the repository seen through `.dockerignore`.
pub(crate) struct ContextView<'a> {
    pub(crate) files: &'a dyn RepoFiles,
    /// Repository-relative, `""` for the root.
    pub(crate) dir: String,
    pub(crate) ignore: DockerIgnore,
    /// For messages: the Dockerfile's path or `dockerfile_literal`.
    pub(crate) dockerfile: String,
}

/// What resolution found.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) inputs: Vec<BuildInput>,
    pub(crate) missing: Vec<MissingSource>,
    pub(crate) remote: Vec<RemoteSource>,
    pub(crate) notes: Vec<String>,
}

/// Where a read comes from, for errors.
#[derive(Clone, Copy)]
struct Origin {
    line: usize,
    instruction: &'static str,
}

impl ContextView<'_> {
    fn repo_path(&self, rel: &str) -> String {
        match (self.dir.is_empty(), rel.is_empty()) {
            (true, _) => rel.to_owned(),
            (false, true) => self.dir.clone(),
            (false, false) => format!("{}/{rel}", self.dir),
        }
    }

    fn context_label(&self) -> String {
        if self.dir.is_empty() {
            ".".to_owned()
        } else {
            self.dir.clone()
        }
    }

    /// Resolves every read; `extra` are context paths always read (the Dockerfile,
    /// `.dockerignore`), taken whether ignored or not.
    pub(crate) fn resolve(
        &self,
        reads: &[ContextRead],
        extra: &[String],
    ) -> Result<Resolved, PlanError> {
        let mut out = Resolved::default();
        for read in reads {
            match &read.what {
                Read::Remote(url) => out.remote.push(RemoteSource {
                    line: read.line,
                    url: url.clone(),
                }),
                Read::Context(why) => {
                    out.notes.push(format!(
                        "line {}: {why}: the whole context is an input",
                        read.line
                    ));
                    let origin = Origin {
                        line: read.line,
                        instruction: read.instruction,
                    };
                    self.literal("", origin, &mut out)?;
                }
                Read::Path(source) => {
                    let origin = Origin {
                        line: read.line,
                        instruction: read.instruction,
                    };
                    let rel = self.relative(source, origin)?;
                    if rel.split('/').any(has_wildcards) {
                        self.glob(&rel, origin, &mut out)?;
                    } else {
                        self.literal(&rel, origin, &mut out)?;
                    }
                }
            }
        }
        for path in extra {
            let origin = Origin {
                line: 0,
                instruction: "build",
            };
            match self.walk_to(path, origin)? {
                Some((entry, _, _)) if entry.kind != EntryKind::Directory => {
                    out.inputs.push(BuildInput {
                        path: path.clone(),
                        kind: entry.kind,
                        id: entry.id,
                    });
                }
                _ => {}
            }
        }
        out.inputs = minimal(std::mem::take(&mut out.inputs));
        Ok(out)
    }

    /// A source relative to the context, cleaned; refused when it leaves the context.
    fn relative(&self, source: &str, origin: Origin) -> Result<String, PlanError> {
        let cleaned = go_clean(source);
        let rel = cleaned.trim_start_matches('/');
        if rel == ".." || rel.starts_with("../") {
            return Err(PlanError::OutsideContext {
                dockerfile: self.dockerfile.clone(),
                line: origin.line,
                instruction: origin.instruction,
                source_path: source.to_owned(),
                context: self.context_label(),
            });
        }
        Ok(if rel == "." {
            String::new()
        } else {
            rel.to_owned()
        })
    }

    fn refuse(&self, origin: Origin, rel: &str, kind: EntryKind) -> PlanError {
        PlanError::NotAFile {
            dockerfile: self.dockerfile.clone(),
            line: origin.line,
            instruction: origin.instruction,
            path: self.repo_path(rel),
            kind,
        }
    }

    /// The entry at `rel` with what `.dockerignore` says of it and its parents' matches;
    /// `None` when absent. Symlinks and submodules on the way are refused.
    fn walk_to(
        &self,
        rel: &str,
        origin: Origin,
    ) -> Result<Option<(TreeEntry, bool, ParentMatches)>, PlanError> {
        let Some(mut entry) = self.files.entry(&self.dir)? else {
            return Ok(None);
        };
        if entry.kind != EntryKind::Directory {
            return Ok(None);
        }
        let mut matches = self.ignore.root_matches();
        let mut ignored = false;
        if rel.is_empty() {
            return Ok(Some((entry, false, matches)));
        }
        let mut prefix = String::new();
        for part in rel.split('/') {
            if entry.kind != EntryKind::Directory {
                return Ok(None);
            }
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            let Some(next) = self.files.entry(&self.repo_path(&prefix))? else {
                return Ok(None);
            };
            if matches!(next.kind, EntryKind::Symlink | EntryKind::Submodule) {
                return Err(self.refuse(origin, &prefix, next.kind));
            }
            let (is_ignored, info) = self.ignore.matches(&prefix, &matches);
            ignored = is_ignored;
            matches = info;
            entry = next;
        }
        Ok(Some((entry, ignored, matches)))
    }

    fn literal(&self, rel: &str, origin: Origin, out: &mut Resolved) -> Result<(), PlanError> {
        let before = out.inputs.len();
        if let Some((entry, ignored, matches)) = self.walk_to(rel, origin)? {
            self.collect(rel, &entry, ignored, &matches, origin, out)?;
        }
        if out.inputs.len() == before && !rel.is_empty() {
            out.missing.push(MissingSource {
                line: origin.line,
                path: rel.to_owned(),
            });
        }
        Ok(())
    }

    /// Adds what is left of `entry` (at `rel`) once `.dockerignore` is applied.
    fn collect(
        &self,
        rel: &str,
        entry: &TreeEntry,
        ignored: bool,
        matches: &[bool],
        origin: Origin,
        out: &mut Resolved,
    ) -> Result<(), PlanError> {
        match entry.kind {
            EntryKind::Symlink | EntryKind::Submodule => {
                if !ignored {
                    return Err(self.refuse(origin, rel, entry.kind));
                }
            }
            EntryKind::File | EntryKind::Executable => {
                if !ignored {
                    out.inputs.push(BuildInput {
                        path: rel.to_owned(),
                        kind: entry.kind,
                        id: entry.id.clone(),
                    });
                }
            }
            EntryKind::Directory => {
                if self.ignore.is_empty() || self.ignore.uniform_below(rel, matches) {
                    if !ignored {
                        out.inputs.push(BuildInput {
                            path: rel.to_owned(),
                            kind: EntryKind::Directory,
                            id: entry.id.clone(),
                        });
                    }
                    return Ok(());
                }
                for child in self.list(rel)? {
                    let child_rel = join(rel, &child.name);
                    let (child_ignored, child_matches) = self.ignore.matches(&child_rel, matches);
                    self.collect(
                        &child_rel,
                        &child,
                        child_ignored,
                        &child_matches,
                        origin,
                        out,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn list(&self, rel: &str) -> Result<Vec<TreeEntry>, PlanError> {
        let entries = self
            .files
            .list_dir(&self.repo_path(rel))?
            .unwrap_or_default();
        Ok(entries.into_iter().filter(|e| safe_name(&e.name)).collect())
    }

    /// BuildKit's wildcard copy: the directory before the first wildcard component, walked in
    /// order, each path below it matched against the rest; a matched directory is taken whole.
    fn glob(&self, rel: &str, origin: Origin, out: &mut Resolved) -> Result<(), PlanError> {
        let parts: Vec<&str> = rel.split('/').collect();
        let first = parts.iter().position(|p| has_wildcards(p)).unwrap_or(0);
        let base = parts[..first].join("/");
        let pattern = parts[first..].join("/");
        // Only a literal `/` or a class can match a `/`: deeper paths cannot match.
        let max_slashes = pattern.matches('/').count() + pattern.matches('[').count();
        let Some((entry, _, matches)) = self.walk_to(&base, origin)? else {
            return Ok(());
        };
        if entry.kind != EntryKind::Directory {
            return Ok(());
        }
        let walk = GlobWalk {
            base: &base,
            pattern: &pattern,
            max_slashes,
            origin,
        };
        self.glob_dir(&walk, "", &matches, out)
    }

    fn glob_dir(
        &self,
        walk: &GlobWalk<'_>,
        below: &str,
        matches: &[bool],
        out: &mut Resolved,
    ) -> Result<(), PlanError> {
        let dir = join(walk.base, below);
        for child in self.list(&dir)? {
            let child_rel = join(&dir, &child.name);
            let candidate = join(below, &child.name);
            let (ignored, child_matches) = self.ignore.matches(&child_rel, matches);
            if go_match(walk.pattern, &candidate).unwrap_or(false) {
                self.collect(
                    &child_rel,
                    &child,
                    ignored,
                    &child_matches,
                    walk.origin,
                    out,
                )?;
            } else if child.kind == EntryKind::Directory
                && candidate.matches('/').count() < walk.max_slashes
            {
                self.glob_dir(walk, &candidate, &child_matches, out)?;
            }
        }
        Ok(())
    }
}

/// One wildcard source being matched: the directory walked, the pattern matched against the
/// paths below it, how deep a match can be, and the instruction it comes from.
struct GlobWalk<'p> {
    base: &'p str,
    pattern: &'p str,
    max_slashes: usize,
    origin: Origin,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else if name.is_empty() {
        dir.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// A name a tree entry may have: git itself refuses the others, but a crafted repository
/// could hold them.
fn safe_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

/// The inputs sorted by path, duplicates and paths inside an input directory removed.
fn minimal(mut inputs: Vec<BuildInput>) -> Vec<BuildInput> {
    inputs.sort_by(|a, b| path_order(&a.path, &b.path).then_with(|| a.cmp(b)));
    let mut out: Vec<BuildInput> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let covered = out.iter().any(|kept| {
            kept.path == input.path
                || (kept.kind == EntryKind::Directory
                    && (kept.path.is_empty() || input.path.starts_with(&format!("{}/", kept.path))))
        });
        if !covered {
            out.push(input);
        }
    }
    out
}

/// Paths compared component by component, so a directory comes right before what it holds.
pub(crate) fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}
