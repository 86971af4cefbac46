//! `build_root.image_stream_tag`: the root the config names.

use crate::error::Error;
use crate::root::{ConfigSource, ResolvedRoot, Source, StrategyKind};
use crate::strategy::context::{Context, Strategy};

/// `image_stream_tag` in the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConfiguredImageStreamTag;

impl Strategy for ConfiguredImageStreamTag {
    fn kind(&self) -> StrategyKind {
        StrategyKind::ImageStreamTag
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let Some(ist) = &context.build_root().image_stream_tag else {
            return Err(Error::NoBuildRoot {
                field: context.field().to_owned(),
            });
        };
        let field = format!("{}.image_stream_tag", context.field());
        let checked = ist
            .value
            .checked()
            .map_err(|problem| Error::InvalidImageStreamTag {
                field: field.clone(),
                problem,
            })?;
        Ok(context.root(
            self.kind(),
            Some(checked),
            Source::Config(ConfigSource {
                field,
                line: ist.pos.line,
                column: ist.pos.column,
            }),
        ))
    }
}
