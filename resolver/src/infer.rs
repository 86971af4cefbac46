//! Option B: the build root implied by the Dockerfiles of the config's `images`, one rule per
//! file.
//!
//! | rule | file |
//! |---|---|
//! | which images, and that they agree | `infer/image_choice.rs` |
//! | which stage of a Dockerfile | `infer/stage.rs` |
//! | how the stage's `FROM` maps to an imagestreamtag, and in what order | `infer/from_mapping.rs` |
//! | reading each Dockerfile once | `infer/loader.rs` |
//!
//! The strategies that use these rules are in the `strategy` folder; `ARG` expansion is
//! `expand.rs`, the pull-spec mapping `pullspec.rs`.

pub(crate) mod from_mapping;
pub(crate) mod image_choice;
pub(crate) mod loader;
pub(crate) mod stage;
