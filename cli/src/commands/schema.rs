//! `ci-operator schema`: the JSON Schema of a config or of `.ci-operator.yaml`.

use crate::args::{SchemaArgs, SchemaKind};
use crate::error::OutputError;
use crate::exit::{ExitStatus, Failure};
use crate::output;

pub(crate) fn run(args: &SchemaArgs) -> Result<ExitStatus, Failure> {
    let schema = match args.which {
        SchemaKind::Config => config_model::config_schema(),
        SchemaKind::InRepo => config_model::in_repo_schema(),
    };
    let mut text = serde_json::to_string_pretty(&schema).map_err(OutputError::Json)?;
    text.push('\n');
    output::stdout(&text)?;
    Ok(ExitStatus::Success)
}
