//! `ci-operator init`: move a config's `build_root.image_stream_tag` into the repository's
//! `.ci-operator.yaml`, and show the config change to `from_repository: true`.
//!
//! Prints both as unified diffs. `--write` writes the in-repo file atomically (a temporary
//! file in the same directory, then a rename), and never replaces a different existing file
//! unless `--force` is given.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use config_model::{Config, IN_REPO_FILE_NAME};
use serde::Serialize;

use crate::args::InitArgs;
use crate::exit::{Classify, ExitStatus, Failure};
use crate::output;

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

pub(crate) fn run(args: &InitArgs) -> Result<ExitStatus, Failure> {
    let config_bytes = super::read_user_file(&args.config)?;
    let config_text = String::from_utf8(config_bytes)
        .map_err(|_| Failure::input(anyhow!("{} is not UTF-8", args.config.display())))?;
    let config = super::parse_and_validate(&args.config, config_text.as_bytes())?;
    let in_repo = render_in_repo(config.config(), &args.config)?;
    let new_config = rewrite_build_root(&config_text).ok_or_else(|| {
        Failure::input(anyhow!(
            "{}: no top-level `build_root:` block to rewrite",
            args.config.display()
        ))
    })?;

    if !args.repo.is_dir() {
        return Err(Failure::input(anyhow!(
            "{} is not a directory: --repo takes the repository's work tree",
            args.repo.display()
        )));
    }
    let target = args.repo.join(IN_REPO_FILE_NAME);
    let existing = match fs_err::symlink_metadata(&target) {
        Ok(meta) if meta.is_file() => Some(fs_err::read_to_string(&target).input()?),
        Ok(_) => {
            return Err(Failure::input(anyhow!(
                "{} exists and is not a regular file; remove it first",
                target.display()
            )));
        }
        Err(_) => None,
    };

    let config_diff = unified_diff(
        &config_text,
        &new_config,
        &args.config.display().to_string(),
    );
    let file_diff = match &existing {
        Some(old) => unified_diff(old, &in_repo, &target.display().to_string()),
        None => unified_diff("", &in_repo, &target.display().to_string()).replacen(
            &format!("--- {}", target.display()),
            "--- /dev/null",
            1,
        ),
    };

    if existing.as_deref() == Some(in_repo.as_str()) {
        output::note(&format!(
            "{} already says this build root",
            target.display()
        ));
    } else if args.write {
        if existing.is_some() && !args.force {
            output::stdout(&file_diff)?;
            return Err(Failure::input(anyhow!(
                "{} exists with a different build root; not replaced (the diff is above): pass --force to replace it",
                target.display()
            )));
        }
        write_atomically(&target, &in_repo)?;
        output::note(&format!("wrote {}", target.display()));
    } else {
        output::stdout(&file_diff)?;
    }
    output::stdout(&config_diff)?;
    if !args.write {
        output::note(
            "nothing written: pass --write to create the file; then change the config as shown",
        );
    }
    Ok(ExitStatus::Success)
}

/// The `.ci-operator.yaml` that keeps the config's `image_stream_tag`.
fn render_in_repo(config: &Config, path: &Path) -> Result<String, Failure> {
    let Some(build_root) = &config.build_root else {
        return Err(Failure::input(anyhow!(
            "{}: no build_root: nothing to move into {IN_REPO_FILE_NAME}",
            path.display()
        )));
    };
    if build_root.is_from_repository() {
        return Err(Failure::input(anyhow!(
            "{}: build_root already reads from the repository (from_repository: true)",
            path.display()
        )));
    }
    let Some(ist) = &build_root.image_stream_tag else {
        return Err(Failure::input(anyhow!(
            "{}: build_root has no image_stream_tag; init moves a configured image_stream_tag into {IN_REPO_FILE_NAME}",
            path.display()
        )));
    };
    let file = InRepoFile {
        build_root_image: Root {
            namespace: &ist.namespace.value,
            name: &ist.name.value,
            tag: &ist.tag.value,
        },
    };
    output::yaml(&file)
}

/// Replaces the top-level `build_root:` block by `from_repository: true`, keeping every other
/// line, comment and the key order as the user wrote them.
pub(crate) fn rewrite_build_root(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines.iter().position(|l| l.starts_with("build_root:"))?;
    let mut end = start + 1;
    // A block mapping's lines are indented (or blank, or comments inside it); a flow mapping
    // (`build_root: {...}`) is a single line.
    let flow = lines[start].trim_end().len() > "build_root:".len();
    if !flow {
        while end < lines.len() {
            let line = lines[end];
            let indented = line.starts_with(' ') || line.starts_with('\t');
            let blank = line.trim().is_empty();
            if indented
                || (blank
                    && lines[end..]
                        .iter()
                        .find(|l| !l.trim().is_empty())
                        .is_some_and(|l| l.starts_with(' ')))
            {
                end += 1;
            } else {
                break;
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    for line in &lines[..start] {
        out.push_str(line);
    }
    out.push_str("build_root:\n  from_repository: true\n");
    for line in &lines[end..] {
        out.push_str(line);
    }
    Some(out)
}

fn unified_diff(old: &str, new: &str, path: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}

fn write_atomically(target: &Path, contents: &str) -> Result<(), Failure> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| {
        Failure::input(
            anyhow::Error::new(e)
                .context(format!("creating a temporary file in {}", dir.display())),
        )
    })?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| {
            Failure::input(anyhow::Error::new(e).context(format!("writing {}", target.display())))
        })?;
    file.persist(target).map_err(|e| {
        Failure::input(
            anyhow::Error::new(e.error).context(format!("renaming into {}", target.display())),
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::rewrite_build_root;

    #[test]
    fn rewrites_block_and_keeps_the_rest() {
        let text = "base_images: {}\nbuild_root:\n  image_stream_tag:\n    name: release\n\n    tag: golang-1.22\nimages: []\n";
        insta::assert_snapshot!(rewrite_build_root(text).unwrap(), @r"
        base_images: {}
        build_root:
          from_repository: true
        images: []
        ");
    }

    #[test]
    fn rewrites_flow_mapping() {
        let text = "build_root: {image_stream_tag: {namespace: a, name: b, tag: c}}\ntests: []\n";
        insta::assert_snapshot!(rewrite_build_root(text).unwrap(), @r"
        build_root:
          from_repository: true
        tests: []
        ");
    }

    #[test]
    fn no_build_root() {
        assert_eq!(rewrite_build_root("tests: []\n"), None);
    }
}
