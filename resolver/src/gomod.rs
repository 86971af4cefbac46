//! A reader of the two lines of `go.mod` that say which Go a module needs: `go 1.22.3` and
//! `toolchain go1.23.4`.
//!
//! Go versions are compared as releases, `X.Y` (`1.22.3` is the release `1.22`, `1.21rc1`
//! the release `1.21`): a root image states its Go as `golang-X.Y` in its tag, and a patch or
//! a pre-release of the same release builds with it. The reader is a line reader, not Go's
//! parser: it keeps what Go's `modfile` would read for these two directives (the first of each,
//! comments removed, quoted or not) and skips everything else, blocks in parentheses included,
//! so no `go.mod` a repository holds can make it fail.

use std::fmt;

use config_model::ImageStreamTag;
use serde::Serialize;

use crate::files::{FileError, FileErrorKind, RepoFiles};

/// The path of `go.mod`, at the repository root.
pub const GO_MOD_FILE: &str = "go.mod";

/// The largest `go.mod` read (1 MiB); the `go` and `toolchain` lines are near the top of real
/// ones, which are a few KB.
pub const MAX_GO_MOD_BYTES: u64 = 1024 * 1024;

/// A Go release, `X.Y`, ordered as numbers (`1.9` < `1.10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoRelease {
    /// `1` in `1.22`.
    pub major: u32,
    /// `22` in `1.22`.
    pub minor: u32,
}

impl GoRelease {
    /// The release a Go version names: `1.22`, `1.22.3`, `1.21rc1`, `1.21.0` and `go1.22.3`
    /// are releases `1.22`, `1.22`, `1.21`, `1.21` and `1.22`. `None` for anything else
    /// (`1`, `default`, `local`, `x.y`).
    pub fn parse(version: &str) -> Option<GoRelease> {
        let version = version.strip_prefix("go").unwrap_or(version);
        let (major, rest) = version.split_once('.')?;
        let minor_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (minor, suffix) = rest.split_at(minor_len);
        // After the minor: nothing, a patch (`.3`), a pre-release (`rc1`, `beta2`) or a
        // toolchain suffix (`+auto`, `-custom`); never more digits glued on.
        let suffix_ok = suffix.is_empty()
            || suffix.starts_with('.')
            || suffix.starts_with(|c: char| c.is_ascii_alphabetic() || c == '+' || c == '-');
        if major.is_empty() || minor.is_empty() || !suffix_ok {
            return None;
        }
        if !major.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(GoRelease {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }
}

impl GoRelease {
    /// The Go release a root image's tag states: the `X.Y` after a `golang` or `go` word
    /// (`rhel-9-release-golang-1.22-openshift-4.17` states `1.22`, `golang-1.24.3` states
    /// `1.24`); words are separated by `-` or `_`.
    pub fn from_tag(tag: &str) -> Option<GoRelease> {
        let words: Vec<&str> = tag.split(['-', '_']).collect();
        words.windows(2).find_map(|pair| match pair {
            ["golang" | "go", version] => {
                let mut numbers = version.split('.');
                let (major, minor) = (numbers.next()?, numbers.next()?);
                let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
                if digits(major) && digits(minor) {
                    Some(GoRelease {
                        major: major.parse().ok()?,
                        minor: minor.parse().ok()?,
                    })
                } else {
                    None
                }
            }
            _ => None,
        })
    }
}

impl fmt::Display for GoRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl Serialize for GoRelease {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Which directive of `go.mod` a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoDirectiveKind {
    /// `go 1.22.3`: the oldest Go that may build the module.
    Go,
    /// `toolchain go1.23.4`: the Go the module asks to be built with.
    Toolchain,
}

impl fmt::Display for GoDirectiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GoDirectiveKind::Go => "go",
            GoDirectiveKind::Toolchain => "toolchain",
        })
    }
}

/// One `go` or `toolchain` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoDirective {
    /// `go` or `toolchain`.
    pub kind: GoDirectiveKind,
    /// The version as written (`1.22.3`, `go1.23.4`).
    pub version: String,
    /// Its release.
    pub release: GoRelease,
    /// The line in `go.mod`, from 1.
    pub line: u32,
}

impl fmt::Display for GoDirective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{} {}`", self.kind, self.version)
    }
}

/// What `go.mod` says about the Go it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GoMod {
    /// The `go` line, when there is one with a version.
    pub go: Option<GoDirective>,
    /// The `toolchain` line, when there is one naming a Go release (`toolchain default` names
    /// none).
    pub toolchain: Option<GoDirective>,
}

impl GoMod {
    /// Reads the `go` and `toolchain` lines of a `go.mod`. Never fails: lines it does not
    /// understand, and directives without a usable version, are skipped.
    pub fn parse(text: &str) -> GoMod {
        let mut go_mod = GoMod::default();
        let mut in_block = false;
        for (index, raw) in text.lines().enumerate() {
            let line = strip_comment(raw).trim();
            if in_block {
                // Blocks (`require (`, `replace (`...) hold no `go` or `toolchain` line.
                if line.starts_with(')') {
                    in_block = false;
                }
                continue;
            }
            if line.ends_with('(') {
                in_block = true;
                continue;
            }
            let mut words = line.split_whitespace();
            let kind = match words.next() {
                Some("go") => GoDirectiveKind::Go,
                Some("toolchain") => GoDirectiveKind::Toolchain,
                _ => continue,
            };
            let slot = match kind {
                GoDirectiveKind::Go => &mut go_mod.go,
                GoDirectiveKind::Toolchain => &mut go_mod.toolchain,
            };
            // Go refuses a repeated directive; the first is the one a reader would see.
            if slot.is_some() {
                continue;
            }
            let (Some(word), None) = (words.next(), words.next()) else {
                continue;
            };
            let version = word.trim_matches('"');
            // `go` takes `1.22.3`; `toolchain` takes `go1.22.3` (or `default`).
            let well_formed = match kind {
                GoDirectiveKind::Go => !version.starts_with("go"),
                GoDirectiveKind::Toolchain => version.starts_with("go"),
            };
            let Some(release) = GoRelease::parse(version).filter(|_| well_formed) else {
                continue;
            };
            *slot = Some(GoDirective {
                kind,
                version: version.to_owned(),
                release,
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            });
        }
        go_mod
    }

    /// The newest release the module asks for: the later of `go` and `toolchain` (the
    /// `toolchain` line on a tie, since it is the one Go would download).
    pub fn required(&self) -> Option<&GoDirective> {
        match (&self.go, &self.toolchain) {
            (Some(go), Some(toolchain)) if go.release > toolchain.release => Some(go),
            (_, Some(toolchain)) => Some(toolchain),
            (Some(go), None) => Some(go),
            (None, None) => None,
        }
    }

    /// The directive a root of Go `root` is too old for, if any: [`GoMod::required`] when it
    /// names a later release than `root`.
    pub fn newer_than(&self, root: GoRelease) -> Option<&GoDirective> {
        self.required().filter(|required| required.release > root)
    }
}

/// How a root's Go compares with what `go.mod` asks (for `check` and `audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoModCheck {
    /// The Go the root's tag states (`golang-X.Y`).
    pub root: GoRelease,
    /// The newest release `go.mod` asks for ([`GoMod::required`]).
    pub required: GoDirective,
    /// The root's Go is older than that: builds that need the newer Go fail in it.
    pub behind: bool,
}

impl fmt::Display for GoModCheck {
    /// One sentence, without the file and line (the caller says where: `go.mod:LINE`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.behind {
            write!(
                f,
                "{} asks for Go {}, newer than the root's Go {}: name a root with golang-{} or later",
                self.required, self.required.release, self.root, self.required.release
            )
        } else {
            write!(
                f,
                "{} asks for Go {}; the root's Go {} builds it",
                self.required, self.required.release, self.root
            )
        }
    }
}

/// Compares `root`'s Go (its tag's `golang-X.Y`) with the `go.mod` at the repository root.
/// `Ok(None)` when there is nothing to compare: no `go.mod`, no `go` or `toolchain` line, no Go
/// version in the tag, or a `go.mod` the reader refuses (a symlink or a huge file says nothing
/// about Go). Only an unreadable repository is an error.
pub fn check_go_mod(
    root: &ImageStreamTag,
    files: &dyn RepoFiles,
) -> Result<Option<GoModCheck>, FileError> {
    let Some(root_go) = GoRelease::from_tag(root.tag()) else {
        return Ok(None);
    };
    let bytes = match files.read(GO_MOD_FILE, MAX_GO_MOD_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(None),
        Err(error) if error.kind() == FileErrorKind::Refused => return Ok(None),
        Err(error) => return Err(error),
    };
    let go_mod = GoMod::parse(&String::from_utf8_lossy(&bytes));
    Ok(go_mod.required().map(|required| GoModCheck {
        root: root_go,
        required: required.clone(),
        behind: required.release > root_go,
    }))
}

/// The line without its `//` comment. Go's `go.mod` has no string holding `//` on the lines
/// read here, so no quoting is tracked.
fn strip_comment(line: &str) -> &str {
    match line.find("//") {
        Some(at) => &line[..at],
        None => line,
    }
}

#[cfg(test)]
mod tests;
