//! `ci-operator init`: put a build root into the repository's `.ci-operator.yaml`, and show the
//! config change to `from_repository: true`.
//!
//! The root is `--root`, else the config's `build_root.image_stream_tag`, else (a config
//! already on `from_repository` whose repository names no root, the case that breaks jobs) the
//! root option B infers from the promoted Dockerfiles. The file is edited, not rewritten:
//! `build_root_image` is added to a file without one, keeping every other line and comment
//! byte for byte; a file that names another root has only its `build_root_image` block
//! replaced, and only with `--force`; a file that names the same root is left alone.
//!
//! Prints both changes as unified diffs. `--write` writes the in-repo file atomically (a
//! temporary file in the same directory, then a rename).

mod edit;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use config_model::{IN_REPO_FILE_NAME, ImageStreamTag, ValidConfig};
use serde::Serialize;

use crate::args::{InitArgs, parse_root};
use crate::documents::{parse_and_validate, read_user_file};
use crate::error::{InitError, UserFileError, WriteError};
use crate::exit::{ExitStatus, Failure};
use crate::output;
use crate::pipeline;

/// What replaces the config's `build_root` block.
const FROM_REPOSITORY: &str = "build_root:\n  from_repository: true\n";

/// How long option B may take on a work tree (it reads files on disk; the bound is for
/// symmetry with the other commands' `--timeout`).
const INFERENCE_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Serialize)]
struct InRepoFile<'a> {
    build_root_image: Root<'a>,
}

#[derive(Serialize)]
struct Root<'a> {
    namespace: &'a str,
    name: &'a str,
    tag: &'a str,
}

/// The repository's `.ci-operator.yaml` as found, against the root to write.
enum Existing {
    /// No file.
    Absent,
    /// A file without `build_root_image` (other keys only).
    NoRoot(String),
    /// A file that names this root already.
    Same,
    /// A file whose `build_root_image` is another root, `from_dockerfile`, or invalid.
    Different(String),
}

pub(crate) fn run(args: &InitArgs) -> Result<ExitStatus, Failure> {
    let config_bytes = read_user_file(&args.config)?;
    let config_text = String::from_utf8(config_bytes).map_err(|_| UserFileError::NotUtf8 {
        path: args.config.clone(),
    })?;
    let config = parse_and_validate(&args.config, config_text.as_bytes())?;
    let wanted = args.root.as_deref().map(parse_root).transpose()?;
    let new_config = config_change(&config, &config_text, &args.config, wanted.is_some())?;
    if !args.repo.is_dir() {
        return Err(UserFileError::NotADirectory {
            path: args.repo.clone(),
        }
        .into());
    }
    let target = args.repo.join(IN_REPO_FILE_NAME);
    let existing_text = read_existing(&target)?;
    let Some(root) = choose_root(args, &config, wanted, existing_text.as_deref(), &target)? else {
        return Ok(ExitStatus::Success);
    };
    let existing = compare(existing_text, &root, &target)?;
    let new_file = new_file_text(&existing, &root, &target)?;

    if let Some(new_file) = &new_file {
        let file_diff = in_repo_diff(&existing, new_file, &target);
        if args.write {
            if matches!(existing, Existing::Different(_)) && !args.force {
                output::stdout(&file_diff)?;
                return Err(InitError::DifferentRoot { file: target }.into());
            }
            write_atomically(&target, new_file)?;
            output::note(&format!("wrote {}", target.display()));
        } else {
            output::stdout(&file_diff)?;
        }
    } else {
        output::note(&format!(
            "{} already says this build root",
            target.display()
        ));
    }
    if let Some(new_config) = &new_config {
        let path = args.config.display().to_string();
        output::stdout(&unified_diff(&config_text, new_config, &path))?;
    }
    if !args.write {
        note_nothing_written(&existing, new_config.is_some());
    }
    Ok(ExitStatus::Success)
}

/// The config's text with `build_root` replaced by `from_repository: true`; `None` when the
/// config is on `from_repository` already.
fn config_change(
    config: &ValidConfig,
    text: &str,
    path: &Path,
    root_given: bool,
) -> Result<Option<String>, InitError> {
    let config_path = || path.to_path_buf();
    let Some(build_root) = &config.config().build_root else {
        return Err(InitError::NoBuildRoot {
            config: config_path(),
        });
    };
    if build_root.is_from_repository() {
        return Ok(None);
    }
    if build_root.image_stream_tag.is_none() && !root_given {
        return Err(InitError::NoImageStreamTag {
            config: config_path(),
        });
    }
    edit::replace_block(text, "build_root", FROM_REPOSITORY)
        .map(Some)
        .ok_or_else(|| InitError::NoBuildRootBlock {
            config: config_path(),
        })
}

/// The root to write; `None` when there is nothing to do (the config is on `from_repository`
/// and the repository's file already names a root or asks for `from_dockerfile`).
fn choose_root(
    args: &InitArgs,
    config: &ValidConfig,
    wanted: Option<ImageStreamTag>,
    existing: Option<&str>,
    target: &Path,
) -> Result<Option<ImageStreamTag>, InitError> {
    if let Some(root) = wanted {
        return Ok(Some(root));
    }
    let Some(build_root) = &config.config().build_root else {
        return Err(InitError::NoBuildRoot {
            config: args.config.clone(),
        });
    };
    if let Some(ist) = &build_root.image_stream_tag {
        return ist
            .value
            .checked()
            .map(Some)
            .map_err(|source| InitError::InvalidConfiguredRoot {
                config: args.config.clone(),
                source,
            });
    }
    let in_repo = existing.and_then(|text| config_model::parse_in_repo(text.as_bytes()).ok());
    if let Some(image) = in_repo.and_then(|f| f.config.build_root_image) {
        let what = match image.value.image_stream_tag() {
            Some(ist) => format!("names the build root {ist}"),
            None => "asks to infer the build root from a Dockerfile (`from_dockerfile`)".to_owned(),
        };
        output::note(&format!(
            "{} {what}: nothing to do (pass --root NS/NAME:TAG to write another root)",
            target.display()
        ));
        return Ok(None);
    }
    infer_root(args, config).map(Some)
}

/// The root option B infers from the promoted Dockerfiles of the work tree, explained on
/// stderr; or why it cannot, and what to pass instead.
fn infer_root(args: &InitArgs, config: &ValidConfig) -> Result<ImageStreamTag, InitError> {
    let deadline = Instant::now() + INFERENCE_TIMEOUT;
    let cannot = |source| InitError::CannotInfer {
        config: args.config.clone(),
        source: Box::new(source),
    };
    let root = pipeline::infer_from_dockerfiles(config, &args.repo, deadline)
        .map_err(cannot)?
        .ok_or_else(|| InitError::NoBuildRoot {
            config: args.config.clone(),
        })?;
    output::note(pipeline::explain(&root).trim_end());
    root.image_stream_tag
        .ok_or_else(|| InitError::NoImageStreamTag {
            config: args.config.clone(),
        })
}

/// The text of `.ci-operator.yaml` when it is a regular file; `None` when there is none.
fn read_existing(target: &Path) -> Result<Option<String>, Failure> {
    match fs_err::symlink_metadata(target) {
        Ok(meta) if meta.is_file() => Ok(Some(
            fs_err::read_to_string(target).map_err(UserFileError::Read)?,
        )),
        Ok(_) => Err(UserFileError::NotARegularFile {
            path: target.to_path_buf(),
        }
        .into()),
        Err(_) => Ok(None),
    }
}

/// What the existing file says, against `root`.
fn compare(
    existing: Option<String>,
    root: &ImageStreamTag,
    target: &Path,
) -> Result<Existing, InitError> {
    let Some(text) = existing else {
        return Ok(Existing::Absent);
    };
    match config_model::parse_in_repo(text.as_bytes()) {
        Ok(in_repo) => {
            let current = in_repo
                .config
                .build_root_image
                .and_then(|image| image.value.image_stream_tag());
            Ok(match current {
                Some(ist) if ist == *root => Existing::Same,
                _ => Existing::Different(text),
            })
        }
        Err(config_model::in_repo::Error::Invalid { .. }) => {
            Ok(if edit::has_block(&text, "build_root_image") {
                Existing::Different(text)
            } else {
                Existing::NoRoot(text)
            })
        }
        Err(source @ config_model::in_repo::Error::Parse(_)) => {
            Err(InitError::UnreadableInRepoFile {
                file: target.to_path_buf(),
                source: Box::new(source),
            })
        }
    }
}

/// The file's new text (`None`: no change), checked to read back as naming `root`.
fn new_file_text(
    existing: &Existing,
    root: &ImageStreamTag,
    target: &Path,
) -> Result<Option<String>, Failure> {
    let block = output::yaml(&InRepoFile {
        build_root_image: Root {
            namespace: root.namespace(),
            name: root.name(),
            tag: root.tag(),
        },
    })?;
    let text = match existing {
        Existing::Same => return Ok(None),
        Existing::Absent => block,
        Existing::NoRoot(text) => edit::append_block(text, &block),
        Existing::Different(text) => edit::replace_block(text, "build_root_image", &block)
            .unwrap_or_else(|| edit::append_block(text, &block)),
    };
    let reads_back = config_model::parse_in_repo(text.as_bytes())
        .ok()
        .and_then(|f| f.config.build_root_image)
        .and_then(|image| image.value.image_stream_tag())
        .is_some_and(|ist| ist == *root);
    if !reads_back {
        return Err(InitError::CannotEdit {
            file: target.to_path_buf(),
            root: root.clone(),
        }
        .into());
    }
    Ok(Some(text))
}

fn in_repo_diff(existing: &Existing, new: &str, target: &Path) -> String {
    let path = target.display().to_string();
    match existing {
        Existing::NoRoot(old) | Existing::Different(old) => unified_diff(old, new, &path),
        Existing::Absent | Existing::Same => {
            unified_diff("", new, &path).replacen(&format!("--- {path}"), "--- /dev/null", 1)
        }
    }
}

fn note_nothing_written(existing: &Existing, config_changes: bool) {
    let file = match existing {
        Existing::Absent => Some("create the file"),
        Existing::NoRoot(_) | Existing::Different(_) => Some("change the file"),
        Existing::Same => None,
    };
    let text = match (file, config_changes) {
        (Some(file), true) => {
            format!("nothing written: pass --write to {file}; then change the config as shown")
        }
        (Some(file), false) => format!("nothing written: pass --write to {file}"),
        (None, true) => "the file needs no change: change the config as shown".to_owned(),
        (None, false) => return,
    };
    output::note(&text);
}

fn unified_diff(old: &str, new: &str, path: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}

fn write_atomically(target: &Path, contents: &str) -> Result<(), WriteError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|source| WriteError::TempFile {
        dir: dir.to_path_buf(),
        source,
    })?;
    let path = || PathBuf::from(target);
    file.write_all(contents.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|source| WriteError::Write {
            path: path(),
            source,
        })?;
    file.persist(target).map_err(|e| WriteError::Rename {
        path: path(),
        source: e.error,
    })?;
    Ok(())
}
