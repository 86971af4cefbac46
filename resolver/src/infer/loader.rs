//! Reading and parsing the Dockerfiles of image builds, once per path.
//!
//! Only an unreadable repository fails the resolution; every problem of one Dockerfile
//! (missing, refused, not UTF-8, not parseable) is kept with it as a [`Problem`], so option B
//! can skip that image and say why.

use std::collections::HashMap;
use std::rc::Rc;

use crate::dockerfile::{Dockerfile, Location};
use crate::error::{Error, Problem};
use crate::files::{FileErrorKind, MAX_DOCKERFILE_BYTES, RepoFiles};

/// A Dockerfile read and parsed, or why not; shared by images that use the same file.
pub(crate) type Loaded = Result<Rc<Dockerfile>, (Option<Location>, Problem)>;

/// Reads and parses Dockerfiles, once per path.
pub(crate) struct Loader<'a> {
    files: &'a dyn RepoFiles,
    revision: String,
    field: &'a str,
    cache: HashMap<String, Loaded>,
}

impl<'a> Loader<'a> {
    /// Reads from `files` at `revision`; `field` (`build_root`...) names the root in errors.
    pub(crate) fn new(files: &'a dyn RepoFiles, revision: String, field: &'a str) -> Self {
        Loader {
            files,
            revision,
            field,
            cache: HashMap::new(),
        }
    }

    /// Parses a `dockerfile_literal`.
    pub(crate) fn parse_literal(text: &str) -> Loaded {
        parse(text)
    }

    /// The revision read.
    pub(crate) fn revision(&self) -> &str {
        &self.revision
    }

    /// The Dockerfile of an image build: a literal, or the file at `path`. Only an unreadable
    /// repository is an `Err`; every problem of the content is in the `Loaded`.
    pub(crate) fn load(&mut self, literal: Option<&str>, path: &str) -> Result<Loaded, Error> {
        if let Some(literal) = literal {
            return Ok(parse(literal));
        }
        if let Some(loaded) = self.cache.get(path) {
            return Ok(loaded.clone());
        }
        let loaded = match self.files.read(path, MAX_DOCKERFILE_BYTES) {
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => parse(&text),
                Err(_) => Err((None, Problem::NotUtf8)),
            },
            Ok(None) => Err((
                None,
                Problem::Missing {
                    revision: self.revision.clone(),
                },
            )),
            Err(e) if e.kind() == FileErrorKind::Refused => Err((
                None,
                Problem::Refused {
                    reason: error_chain(&e),
                },
            )),
            Err(e) => return Err(Error::from_file(self.field, self.revision.clone(), e)),
        };
        self.cache.insert(path.to_owned(), loaded.clone());
        Ok(loaded)
    }
}

fn parse(text: &str) -> Loaded {
    Dockerfile::parse(text)
        .map(Rc::new)
        .map_err(|e| (e.at, Problem::Syntax { message: e.message }))
}

/// `error: cause: cause`, for messages that must stand alone.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A note saying that a malformed instruction was ignored, if one was.
pub(crate) fn recovered_note(dockerfile: &Dockerfile) -> Option<String> {
    let error = dockerfile.recovered.as_ref()?;
    let at = error
        .at
        .map(|a| format!(" at line {}", a.line))
        .unwrap_or_default();
    Some(format!(
        "an instruction the resolver does not read was ignored{at} ({})",
        error.message
    ))
}
