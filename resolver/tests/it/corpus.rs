//! Every corpus case, twice: the config as it is (`resolve`) and option B by convention
//! (`by_convention`: `build_root: {from_repository: true}`, no `.ci-operator.yaml`), compared
//! with `expected.yaml`, plus one snapshot per case of the results and their explanations.

use config_model::{BuildRoot, Located};
use resolver::{Error, InferenceError, Problem, Repositories, ResolvedRoot, Source};
use serde_json::Value;

use crate::corpus_files::{Case, cases};

/// What a result means, in the terms `expected.yaml` uses.
#[derive(Debug, PartialEq)]
enum Meaning {
    Root {
        strategy: String,
        image_stream_tag: Option<String>,
        /// For option B: the agreeing images and where the first found its root.
        b: Option<BSource>,
    },
    NoImage,
    Disagree(Vec<(String, String)>),
    Failures(Vec<(String, Failure)>),
    /// Any other error (none in the corpus today).
    Other(String),
}

#[derive(Debug, PartialEq)]
struct BSource {
    images: Vec<String>,
    dockerfile: String,
    stage: u64,
    based_on_stage: u64,
    line: u64,
    from: String,
    via: String,
}

#[derive(Debug, PartialEq)]
enum Failure {
    SingleStage,
    NotCiRegistry(String),
    Digest(String),
    Other(String),
}

fn ist_text(value: &Value) -> Option<String> {
    let field = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(format!(
        "{}/{}:{}",
        field("namespace")?,
        field("name")?,
        field("tag")?
    ))
}

/// The meaning of an `expected.yaml` section; `images` are the config's image names, to split
/// a list of failures where each starts.
fn expected_meaning(section: &Value, images: &[String], with_source: bool) -> Meaning {
    if let Some(error) = section.get("error").and_then(Value::as_str) {
        return error_text_meaning(error, images);
    }
    let strategy = section
        .get("strategy")
        .and_then(Value::as_str)
        .unwrap_or("dockerfile")
        .to_owned();
    let image_stream_tag = section.get("image_stream_tag").and_then(ist_text);
    let b = if with_source {
        section.get("source").map(|source| {
            let s = |k: &str| {
                source
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let n = |k: &str| source.get(k).and_then(Value::as_u64).unwrap_or(u64::MAX);
            BSource {
                images: section
                    .get("images")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|i| i.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                dockerfile: s("dockerfile"),
                stage: n("stage"),
                based_on_stage: n("based_on_stage"),
                line: n("line"),
                from: s("from"),
                via: s("via"),
            }
        })
    } else {
        None
    };
    Meaning::Root {
        strategy,
        image_stream_tag,
        b,
    }
}

fn error_text_meaning(error: &str, images: &[String]) -> Meaning {
    if error == "no image to infer the root from" {
        return Meaning::NoImage;
    }
    if let Some(list) = error.strip_prefix("images disagree: ") {
        return Meaning::Disagree(
            list.split(", ")
                .map(|pair| {
                    let (image, ist) = pair.split_once('=').expect("image=root pairs");
                    (image.to_owned(), ist.to_owned())
                })
                .collect(),
        );
    }
    // `<image>: <reason>; <image>: <reason>`, where a reason may itself contain `; `.
    let mut entries: Vec<(String, String)> = Vec::new();
    for segment in error.split("; ") {
        let starts_entry = images.iter().find(|name| {
            segment
                .strip_prefix(name.as_str())
                .is_some_and(|rest| rest.starts_with(": "))
        });
        match (starts_entry, entries.last_mut()) {
            (Some(name), _) => entries.push((name.clone(), segment[name.len() + 2..].to_owned())),
            (None, Some(last)) => {
                last.1.push_str("; ");
                last.1.push_str(segment);
            }
            (None, None) => return Meaning::Other(error.to_owned()),
        }
    }
    Meaning::Failures(
        entries
            .into_iter()
            .map(|(image, reason)| {
                let failure = if reason.starts_with("single-stage Dockerfile") {
                    Failure::SingleStage
                } else if let Some((pullspec, _)) = reason.split_once(": not on a CI registry") {
                    Failure::NotCiRegistry(pullspec.to_owned())
                } else if let Some((pullspec, _)) =
                    reason.split_once(": a digest cannot name an imagestreamtag")
                {
                    Failure::Digest(pullspec.to_owned())
                } else {
                    Failure::Other(reason)
                };
                (image, failure)
            })
            .collect(),
    )
}

fn root_meaning(root: &ResolvedRoot, with_source: bool) -> Meaning {
    let b = match (&root.source, with_source) {
        (Source::Dockerfile(source), true) => {
            let first = &source.images[0];
            Some(BSource {
                images: source.images.iter().map(|i| i.image.clone()).collect(),
                dockerfile: first.dockerfile.clone(),
                stage: first.base.stage as u64,
                based_on_stage: first.base.based_on_stage as u64,
                line: u64::from(first.base.line),
                from: first.base.from.clone(),
                via: first.base.via.clone(),
            })
        }
        _ => None,
    };
    Meaning::Root {
        strategy: root.strategy.to_string(),
        image_stream_tag: root.image_stream_tag.as_ref().map(ToString::to_string),
        b,
    }
}

fn error_meaning(error: &Error) -> Meaning {
    let Some(inference) = error.inference() else {
        return Meaning::Other(error.to_string());
    };
    let failures = |failures: &[resolver::ImageFailure]| {
        Meaning::Failures(
            failures
                .iter()
                .map(|f| {
                    let failure = match &f.problem {
                        Problem::SingleStage => Failure::SingleStage,
                        Problem::NotCiRegistry { pullspec, .. } => {
                            Failure::NotCiRegistry(pullspec.clone())
                        }
                        Problem::Digest { pullspec, .. } => Failure::Digest(pullspec.clone()),
                        other => Failure::Other(other.to_string()),
                    };
                    (f.image.clone(), failure)
                })
                .collect(),
        )
    };
    match inference {
        InferenceError::NoImage { .. } => Meaning::NoImage,
        InferenceError::Disagree { roots, .. } => Meaning::Disagree(
            roots
                .iter()
                .map(|r| {
                    let ist = r.base.image_stream_tag.as_ref().map(ToString::to_string);
                    (r.image.clone(), ist.unwrap_or_default())
                })
                .collect(),
        ),
        InferenceError::AllFailed { failures: f } => failures(f),
        InferenceError::Image { failure } => failures(std::slice::from_ref(failure)),
        other => Meaning::Other(other.to_string()),
    }
}

fn image_names(config: &config_model::Config) -> Vec<String> {
    config
        .images
        .iter()
        .flat_map(|images| images.items.iter())
        .filter_map(|item| item.to.as_ref().map(|t| t.value.clone()))
        .collect()
}

/// The rendering of a result for the snapshot: JSON and text, or the error chain.
fn render(result: &Result<Vec<ResolvedRoot>, Error>) -> String {
    match result {
        Ok(roots) => {
            let json = serde_json::to_string_pretty(&serde_json::json!({ "roots": roots }))
                .expect("roots serialize");
            let text: Vec<String> = roots.iter().map(ToString::to_string).collect();
            format!("{}\n{json}", text.join("\n"))
        }
        Err(error) => crate::chain(error),
    }
}

struct Outcome {
    meaning: Meaning,
    rendered: String,
}

fn run(
    config: &config_model::ValidConfig,
    files: &resolver::InMemoryFiles,
    with_source: bool,
) -> Outcome {
    let result = resolver::resolve_all(config, &Repositories::new(files));
    let meaning = match &result {
        Ok(roots) => root_meaning(&roots[0], with_source),
        Err(error) => error_meaning(error),
    };
    Outcome {
        meaning,
        rendered: render(&result),
    }
}

/// Whether the expectation was understood: no `Other` parts.
fn understood(meaning: &Meaning) -> bool {
    match meaning {
        Meaning::Other(_) => false,
        Meaning::Failures(f) => f.iter().all(|(_, f)| !matches!(f, Failure::Other(_))),
        _ => true,
    }
}

/// Checks one case; returns the mismatches and how many sections were compared.
fn check_case(case: &Case) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut compared = 0;
    let expected_text =
        fs_err::read_to_string(case.dir.join("expected.yaml")).expect("expected.yaml");
    let expected: Value = serde_saphyr::from_str(&expected_text).expect("expected.yaml parses");
    let parsed = config_model::parse_config(&case.config).expect("corpus configs parse");
    let images = image_names(&parsed);
    let mut snapshot = String::new();

    // resolve: the config as it is.
    if let Some(section) = expected.get("resolve") {
        match config_model::validate_config(parsed.clone()) {
            Ok(config) => {
                let outcome = run(&config, &case.repo(true), false);
                let mut want = expected_meaning(section, &images, false);
                // The strategy of an option-B error is `dockerfile`.
                if section.get("error").is_some()
                    && section.get("strategy").and_then(Value::as_str) != Some("dockerfile")
                {
                    want = Meaning::Other(format!("{want:?}"));
                }
                if section.get("error").is_some() && !understood(&want) {
                    problems.push(format!(
                        "{} resolve: expected error not understood: {want:?}",
                        case.name
                    ));
                }
                compared += 1;
                if outcome.meaning != want {
                    problems.push(format!(
                        "{} resolve:\n  want {want:?}\n  got  {:?}",
                        case.name, outcome.meaning
                    ));
                }
                snapshot.push_str(&format!("## resolve\n{}\n", outcome.rendered));
            }
            Err(diagnostics) => problems.push(format!(
                "{}: expected.yaml has `resolve` but the config is invalid: {diagnostics:?}",
                case.name
            )),
        }
    }

    // by_convention: build_root {from_repository: true}, no .ci-operator.yaml.
    if let Some(section) = expected.get("by_convention") {
        let mut config = parsed.clone();
        config.build_root = Some(Located::new(BuildRoot {
            from_repository: Some(Located::new(true)),
            ..BuildRoot::default()
        }));
        let config =
            config_model::validate_config(config).expect("by_convention configs are valid");
        let outcome = run(&config, &case.repo(false), true);
        let want = expected_meaning(section, &images, true);
        if !understood(&want) {
            problems.push(format!(
                "{} by_convention: expected error not understood: {want:?}",
                case.name
            ));
        }
        compared += 1;
        if outcome.meaning != want {
            problems.push(format!(
                "{} by_convention:\n  want {want:?}\n  got  {:?}",
                case.name, outcome.meaning
            ));
        }
        snapshot.push_str(&format!("## by_convention\n{}\n", outcome.rendered));
    }

    insta::with_settings!({
        snapshot_suffix => case.name.clone(),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("corpus", snapshot);
    });
    (problems, compared)
}

#[test]
fn every_case_matches_expected_yaml() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut problems = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let (p, c) = check_case(case);
        problems.extend(p);
        compared += c;
    }
    // Every case has `by_convention`; all but the invalid config have `resolve`.
    assert_eq!(compared, 2 * cases.len() - 1);
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn expected_error_texts_parse_into_entries() {
    let images = vec![
        "snr-index".to_owned(),
        "node-healthcheck-operator".to_owned(),
    ];
    let meaning = error_text_meaning(
        "snr-index: single-stage Dockerfile: a runtime base, not a builder; node-healthcheck-operator: \
         quay.io/centos/centos:stream9: not on a CI registry; add an inputs.<alias>.as replacement and a base_images entry",
        &images,
    );
    assert_eq!(
        meaning,
        Meaning::Failures(vec![
            ("snr-index".to_owned(), Failure::SingleStage),
            (
                "node-healthcheck-operator".to_owned(),
                Failure::NotCiRegistry("quay.io/centos/centos:stream9".to_owned())
            ),
        ])
    );
    assert_eq!(
        error_text_meaning("images disagree: a=x/y:1, b=x/y:2", &images),
        Meaning::Disagree(vec![
            ("a".to_owned(), "x/y:1".to_owned()),
            ("b".to_owned(), "x/y:2".to_owned())
        ])
    );
}
