//! The ci-operator config: the parts the build-root feature reads, with the YAML keys users
//! write. Every other top-level key is accepted and ignored.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::image_stream_tag::{self, ImageStreamTag, InvalidImageStreamTag};
use crate::position::Located;

/// A ci-operator config (`ci-operator/config/<org>/<repo>/<org>-<repo>-<branch>.yaml`).
///
/// Unknown top-level keys (`tests` steps, `releases`, `resources`, `operator`, ...) are
/// accepted and ignored: real configs carry dozens of them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct Config {
    /// How the build root is obtained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_root: Option<Located<BuildRoot>>,
    /// Build roots of other repositories of a multi-repo job, keyed by `org.repo`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub build_roots: BTreeMap<String, Located<BuildRoot>>,
    /// Images imported into the pipeline stream under their key.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub base_images: BTreeMap<String, Located<ImageStreamTagReference>>,
    /// Commands run in the build root to make `pipeline:bin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_build_commands: Option<Located<String>>,
    /// Commands run in the build root to make `pipeline:test-bin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_binary_build_commands: Option<Located<String>>,
    /// Commands run in the build root to make `pipeline:rpms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm_build_commands: Option<Located<String>>,
    /// Images built from Dockerfiles of the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Located<Images>>,
    /// Where built images are promoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<Located<Promotion>>,
    /// The Go import path the repository is cloned under, when not `github.com/org/repo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_go_repository: Option<String>,
    /// Which file of the config repository this config is (written by the config generator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zz_generated_metadata: Option<Metadata>,
    /// Settings for the Prow job generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prowgen: Option<Prowgen>,
    /// Tests, kept opaque except for `as` and `from`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tests: Vec<Located<TestStep>>,
}

/// How a build root is obtained: exactly one of `image_stream_tag`, `project_image` or
/// `from_repository` (validation checks this).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct BuildRoot {
    /// A fixed imagestreamtag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_stream_tag: Option<Located<ImageStreamTagReference>>,
    /// Build the root from a Dockerfile of the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_image: Option<Located<ProjectImageBuild>>,
    /// Read the root from the tested repository (`.ci-operator.yaml`, else the promotion
    /// Dockerfile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_repository: Option<Located<bool>>,
    /// Use the cached build root (`build-cache/<org>-<repo>:<branch>`) when it is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_build_cache: Option<Located<bool>>,
}

impl BuildRoot {
    /// Whether `from_repository: true` is set.
    pub fn is_from_repository(&self) -> bool {
        self.from_repository.as_ref().is_some_and(|f| f.value)
    }
}

/// `namespace/name:tag` of an OpenShift imagestreamtag, as users write it in YAML.
///
/// Names and tags keep the text users wrote: `tag: 4.10` is the tag `4.10`.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub struct ImageStreamTagReference {
    /// Namespace of the image stream.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(regex(pattern = image_stream_tag::NAMESPACE_PATTERN))]
    pub namespace: Located<String>,
    /// Name of the image stream.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(
        regex(pattern = image_stream_tag::NAME_PATTERN),
        length(max = image_stream_tag::MAX_STREAM_NAME)
    )]
    pub name: Located<String>,
    /// Tag in the image stream.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(regex(pattern = image_stream_tag::TAG_PATTERN))]
    pub tag: Located<String>,
}

/// Reads a field written with no value (`paths: null`, `inputs:`) as its default, as Go's
/// YAML reader does: real configs have them.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads `tag:` with no value as the empty tag, as Go's YAML reader does, so validation says
/// "value required but not provided" instead of the parser refusing a null.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Located<String>, D::Error> {
    let located = Located::<Option<String>>::deserialize(deserializer)?;
    Ok(Located::at(located.value.unwrap_or_default(), located.pos))
}

impl<T: PartialOrd> PartialOrd for Located<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Located<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: std::hash::Hash> std::hash::Hash for Located<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl ImageStreamTagReference {
    /// The checked reference, or the first member that breaks OpenShift's rules (see
    /// [`ImageStreamTag::new`]).
    pub fn checked(&self) -> Result<ImageStreamTag, InvalidImageStreamTag> {
        ImageStreamTag::new(
            self.namespace.as_str(),
            self.name.as_str(),
            self.tag.as_str(),
        )
    }

    /// A reference built in code.
    pub fn new(
        namespace: impl Into<String>,
        name: impl Into<String>,
        tag: impl Into<String>,
    ) -> Self {
        ImageStreamTagReference {
            namespace: Located::new(namespace.into()),
            name: Located::new(name.into()),
            tag: Located::new(tag.into()),
        }
    }
}

impl fmt::Display for ImageStreamTagReference {
    /// `namespace/name:tag`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}:{}",
            self.namespace.value, self.name.value, self.tag.value
        )
    }
}

/// A build root built from a Dockerfile of the repository (`build_root.project_image`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct ProjectImageBuild {
    /// Directory of the build context, relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_dir: Option<Located<String>>,
    /// Dockerfile path relative to `context_dir` (default `Dockerfile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_path: Option<Located<String>>,
    /// A Dockerfile given inline instead of read from the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_literal: Option<Located<String>>,
    /// Pipeline images made available to the build, with the pullspecs they replace.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub inputs: BTreeMap<String, ImageBuildInputs>,
    /// `--build-arg` values.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub build_args: Vec<BuildArg>,
    /// The `org.repo` of the repository to build from, in multi-repo jobs.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub ref_: Option<Located<String>>,
}

/// What a pipeline image provides to a Dockerfile build.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct ImageBuildInputs {
    /// Image references in the Dockerfile (`FROM` and `COPY --from`) replaced by this image.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        rename = "as",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub as_: Vec<Located<String>>,
    /// Files copied out of this image into the build context.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub paths: Vec<ImageSourcePath>,
}

/// A file copied from an input image into the build context.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct ImageSourcePath {
    /// Path in the input image.
    #[serde(default, deserialize_with = "null_as_default")]
    pub source_path: String,
    /// Directory in the build context.
    #[serde(default, deserialize_with = "null_as_default")]
    pub destination_dir: String,
}

/// One `--build-arg`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct BuildArg {
    /// The ARG name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Its value.
    #[serde(default, deserialize_with = "null_as_default")]
    pub value: String,
}

/// `images`, in either form users write: a plain list (older configs) or
/// `{items: [...], build_if_affected: bool}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Images {
    /// The images, in file order.
    pub items: Vec<Located<ImageItem>>,
    /// Build an image only when the change affects it (the `{items}` form only).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub build_if_affected: bool,
    /// Whether the config used the `{items: [...]}` form (kept so messages and rewrites use
    /// the user's paths: `images.items[2]` vs `images[2]`).
    #[serde(skip)]
    pub items_form: bool,
}

/// One image built from a Dockerfile (`images[]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct ImageItem {
    /// The pipeline image this build produces (`pipeline:<to>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Located<String>>,
    /// A pipeline image that replaces the final stage's `FROM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Located<String>>,
    /// Directory of the build context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_dir: Option<Located<String>>,
    /// Dockerfile path relative to `context_dir` (default `Dockerfile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_path: Option<Located<String>>,
    /// A Dockerfile given inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_literal: Option<Located<String>>,
    /// Pipeline images made available to the build.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub inputs: BTreeMap<String, ImageBuildInputs>,
    /// `--build-arg` values.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub build_args: Vec<BuildArg>,
    /// Built only when something needs it.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub optional: bool,
    /// The `org.repo` this image is built from, in multi-repo jobs.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub ref_: Option<Located<String>>,
}

impl ImageItem {
    /// The Dockerfile path relative to the repository root: `<context_dir>/<dockerfile_path or
    /// Dockerfile>`, with `.` and empty components and trailing slashes dropped. `None` for a
    /// `dockerfile_literal`.
    pub fn dockerfile_repo_path(&self) -> Option<String> {
        dockerfile_repo_path(
            self.dockerfile_literal.as_ref(),
            self.context_dir.as_ref(),
            self.dockerfile_path.as_ref(),
        )
    }
}

impl ProjectImageBuild {
    /// As [`ImageItem::dockerfile_repo_path`].
    pub fn dockerfile_repo_path(&self) -> Option<String> {
        dockerfile_repo_path(
            self.dockerfile_literal.as_ref(),
            self.context_dir.as_ref(),
            self.dockerfile_path.as_ref(),
        )
    }
}

/// `<context_dir>/<dockerfile_path or Dockerfile>`, or `None` for a `dockerfile_literal`.
fn dockerfile_repo_path(
    literal: Option<&Located<String>>,
    context_dir: Option<&Located<String>>,
    dockerfile_path: Option<&Located<String>>,
) -> Option<String> {
    if literal.is_some() {
        return None;
    }
    let context = context_dir.map_or("", |c| c.value.as_str());
    let file = dockerfile_path.map_or("Dockerfile", |d| d.value.as_str());
    Some(join_repo_path(context, file))
}

/// Joins a context directory and a file path as ci-tools does (`filepath.Join`), dropping `.`
/// and empty components. `..` is kept: the reader of the repository refuses it.
pub fn join_repo_path(context_dir: &str, file: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let absolute =
        context_dir.starts_with('/') || (context_dir.is_empty() && file.starts_with('/'));
    for part in context_dir.split('/').chain(file.split('/')) {
        if part.is_empty() || part == "." {
            continue;
        }
        parts.push(part);
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// `promotion`: where built images go.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct Promotion {
    /// Promotion targets (newer form).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<PromotionTarget>,
    /// Namespace (older single-target form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Image stream name (older form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tag (older form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Images not promoted (older form).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub excluded_images: Vec<String>,
    /// Promotion is switched off (older form).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub disabled: bool,
}

/// One promotion target.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct PromotionTarget {
    /// Namespace promoted into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Image stream promoted into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tag promoted into (one stream per image otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Images not promoted to this target.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub excluded_images: Vec<String>,
    /// This target is switched off.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub disabled: bool,
}

impl Promotion {
    /// Names of images excluded from every enabled target (`*` excludes all).
    pub fn excluded_images(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.excluded_images.iter().map(String::as_str).collect();
        for target in &self.to {
            out.extend(target.excluded_images.iter().map(String::as_str));
        }
        out
    }
}

/// `zz_generated_metadata`: which config file this is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct Metadata {
    /// GitHub organisation.
    #[serde(default, deserialize_with = "null_as_default")]
    pub org: String,
    /// Repository.
    #[serde(default, deserialize_with = "null_as_default")]
    pub repo: String,
    /// Branch.
    #[serde(default, deserialize_with = "null_as_default")]
    pub branch: String,
    /// Variant, for configs of the same branch with different settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// `prowgen`: settings for generated Prow jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct Prowgen {
    /// The repository is private: jobs clone with an OAuth token.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub private: bool,
    /// Jobs clone the whole repository, never sparsely.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub disable_sparse_checkout: bool,
    /// Jobs expose their results to the public.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub expose: bool,
}

/// A test, opaque but for the fields the build root touches.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct TestStep {
    /// The test's name.
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    pub as_: Option<String>,
    /// The pipeline image the test runs in (older container tests use `container.from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl<'de> Deserialize<'de> for Images {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, SeqAccess, Visitor};

        // A hand-written visitor instead of `#[serde(untagged)]`: untagged enums buffer the
        // input, which loses the positions of every item.
        struct ImagesVisitor;

        #[derive(Deserialize)]
        struct ItemsForm {
            #[serde(default, deserialize_with = "null_as_default")]
            items: Vec<Located<ImageItem>>,
            #[serde(default, deserialize_with = "null_as_default")]
            build_if_affected: bool,
        }

        impl<'de> Visitor<'de> for ImagesVisitor {
            type Value = Images;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of images or a mapping with `items`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Images, A::Error> {
                let items = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Images {
                    items,
                    build_if_affected: false,
                    items_form: false,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Images, A::Error> {
                let form = ItemsForm::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Images {
                    items: form.items,
                    build_if_affected: form.build_if_affected,
                    items_form: true,
                })
            }

            fn visit_unit<E: de::Error>(self) -> Result<Images, E> {
                Ok(Images::default())
            }

            fn visit_none<E: de::Error>(self) -> Result<Images, E> {
                Ok(Images::default())
            }
        }

        deserializer.deserialize_any(ImagesVisitor)
    }
}

impl JsonSchema for Images {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Images".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<ImageItem>();
        schemars::json_schema!({
            "description": "Images built from Dockerfiles of the repository: a list, or `{items: [...], build_if_affected: bool}`.",
            "oneOf": [
                {
                    "type": "array",
                    "items": item,
                },
                {
                    "type": "object",
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": item,
                        },
                        "build_if_affected": {
                            "description": "Build an image only when the change affects it.",
                            "type": "boolean",
                        },
                    },
                },
                {
                    "type": "null",
                },
            ],
        })
    }
}
